package dev.softinfonce.nn;

import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.family.TType;

/** Typed scalar constants for dtype-generic blocks (TF Java's {@code constant} is per Java type). */
public final class Scalars {
  private Scalars() {}

  /** {@code value} as a scalar of {@code dtype} (float32 or float64). */
  public static <T extends TType> Operand<T> of(Ops tf, double value, Class<T> dtype) {
    return tf.dtypes.cast(tf.constant(value), dtype);
  }
}
