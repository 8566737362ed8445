package dev.softinfonce.model;

import dev.softinfonce.nn.Scalars;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.family.TFloating;

/**
 * Turns hidden states {@code [B, L, D]} into one vector per sequence: the first ({@code [CLS]} /
 * {@code <s>}) token, or the mean over real tokens only (padding excluded through the mask; an
 * all-padding row gives zeros instead of NaN). The {@code pooler} variant (tanh dense over the CLS
 * state) lives in {@link TransformerEncoder} because it owns variables.
 */
public final class Pooling {
  private Pooling() {}

  /** {@code hidden [B, L, D]} → {@code [B, D]}: position 0. */
  public static <T extends TFloating> Operand<T> cls(Ops tf, Operand<T> hidden) {
    return tf.squeeze(tf.stridedSlice(hidden,
        tf.constant(new int[] {0, 0, 0}), tf.constant(new int[] {0, 1, 0}), tf.constant(new int[] {1, 1, 1}),
        org.tensorflow.op.core.StridedSlice.beginMask(5L), org.tensorflow.op.core.StridedSlice.endMask(5L)),
        org.tensorflow.op.core.Squeeze.axis(java.util.List.of(1L))); // [B, D]
  }

  /** {@code hidden [B, L, D]}, {@code mask [B, L]} (1 = real token) → {@code [B, D]} masked mean. */
  public static <T extends TFloating> Operand<T> mean(Ops tf, Operand<T> hidden, Operand<TInt32> mask, Class<T> dtype) {
    Operand<T> m = tf.expandDims(tf.dtypes.cast(mask, dtype), tf.constant(-1)); // [B, L, 1]
    Operand<T> sum = tf.reduceSum(tf.math.mul(hidden, m), tf.constant(1)); // [B, D]
    Operand<T> count = tf.reduceSum(m, tf.constant(1)); // [B, 1]
    return tf.math.divNoNan(sum, tf.math.maximum(count, Scalars.of(tf, 1e-9, dtype))); // [B, D]
  }

}
