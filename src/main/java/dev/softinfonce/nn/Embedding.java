package dev.softinfonce.nn;

import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.family.TFloating;
import org.tensorflow.types.family.TNumber;

/** A lookup table {@code <name>.weight [V, D]} (truncated normal init); rows are gathered by id. */
public final class Embedding<T extends TFloating> {
  private final Ops tf;
  private final Variable<T> table; // [V, D]

  public Embedding(Params<T> params, String name, long rows, long dim) {
    this.tf = params.tf();
    this.table = params.normal(name + ".weight", rows, dim);
  }

  /** {@code ids [...]} → {@code [..., D]}. Ids outside {@code [0, V)} fail at run time. */
  public Operand<T> lookup(Operand<? extends TNumber> ids) {
    return tf.gather(table, ids, tf.constant(0));
  }

  public Variable<T> table() {
    return table;
  }
}
