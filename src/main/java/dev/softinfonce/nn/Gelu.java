package dev.softinfonce.nn;

import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.family.TFloating;

/** The exact (erf) GELU that BERT and RoBERTa use: {@code 0.5 x (1 + erf(x / √2))}. */
public final class Gelu {
  private Gelu() {}

  /** Element-wise; any shape. */
  public static <T extends TFloating> Operand<T> apply(Ops tf, Operand<T> x, Class<T> dtype) {
    Operand<T> erf = tf.math.erf(tf.math.mul(x, Scalars.of(tf, 1.0 / Math.sqrt(2.0), dtype)));
    return tf.math.mul(tf.math.mul(x, Scalars.of(tf, 0.5, dtype)), tf.math.add(erf, Scalars.of(tf, 1.0, dtype)));
  }
}
