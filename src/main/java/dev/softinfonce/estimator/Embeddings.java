package dev.softinfonce.estimator;

import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.ReduceSum;
import org.tensorflow.types.family.TFloating;

/** Small embedding arithmetic shared by the cosine-based estimator and the SimCSE loss. */
final class Embeddings {
  /** Floor on the squared norm, so a zero vector normalises to 0 instead of NaN. */
  static final double EPSILON = 1e-12;

  private Embeddings() {}

  /** Row-wise L2 normalisation {@code x / max(‖x‖, 1e-6)}, differentiable. [B, D] → [B, D] */
  static <T extends TFloating> Operand<T> l2Normalize(Ops tf, Operand<T> x) {
    Operand<T> squared = tf.reduceSum(tf.math.square(x), tf.constant(-1),
        ReduceSum.keepDims(true));                                            // [B, 1]
    Operand<T> floor = tf.dtypes.cast(tf.constant(EPSILON), x.type());
    return tf.math.mul(x, tf.math.rsqrt(tf.math.maximum(squared, floor)));  // [B, D]
  }
}
