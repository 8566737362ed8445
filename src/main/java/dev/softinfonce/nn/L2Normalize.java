package dev.softinfonce.nn;

import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.ReduceSum;
import org.tensorflow.types.family.TFloating;

/**
 * Row-wise L2 normalisation, the one definition every graph uses (the model's {@code normalize: true}
 * head, the cosine score matrix, the SimCSE estimator and loss):
 * {@code x / sqrt(max(‖x‖², 1e-12))}, computed as {@code x · rsqrt(max(Σ x², ε))}, the same ops as
 * {@code tf.nn.l2_normalize}. A zero row stays 0 instead of NaN. Differentiable.
 */
public final class L2Normalize {
  /** Floor of the squared norm before rsqrt. */
  public static final double EPSILON = 1e-12;

  private L2Normalize() {}

  /** Each row of {@code x} scaled to unit L2 norm. [B, D] → [B, D] */
  public static <T extends TFloating> Operand<T> rows(Ops tf, Operand<T> x) {
    Operand<T> squared = tf.reduceSum(tf.math.square(x), tf.constant(-1), ReduceSum.keepDims(true)); // [B, 1]
    Operand<T> floor = tf.dtypes.cast(tf.constant(EPSILON), x.type());
    return tf.math.mul(x, tf.math.rsqrt(tf.math.maximum(squared, floor))); // [B, D]
  }
}
