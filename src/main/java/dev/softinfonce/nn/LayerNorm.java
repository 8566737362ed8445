package dev.softinfonce.nn;

import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Variable;
import org.tensorflow.op.math.Mean;
import org.tensorflow.types.family.TFloating;

/**
 * Layer normalisation over the last axis, as in BERT: {@code (x - mean) * rsqrt(var + eps) * γ + β}
 * with the biased variance. Variables {@code <name>.weight} (γ, ones) and {@code <name>.bias} (β,
 * zeros), the Hugging Face names.
 */
public final class LayerNorm<T extends TFloating> {
  private final Ops tf;
  private final Variable<T> gain; // [D]
  private final Variable<T> bias; // [D]
  private final Operand<T> eps;

  public LayerNorm(Params<T> params, String name, long dim, double eps) {
    this.tf = params.tf();
    this.gain = params.filled(name + ".weight", 1.0, dim);
    this.bias = params.zeros(name + ".bias", dim);
    this.eps = Scalars.of(tf, eps, params.dtype());
  }

  /** {@code x [..., D]} → {@code [..., D]}. */
  public Operand<T> apply(Operand<T> x) {
    Operand<T> mean = tf.math.mean(x, tf.constant(-1), Mean.keepDims(true)); // [..., 1]
    Operand<T> var = tf.math.mean(tf.math.squaredDifference(x, mean), tf.constant(-1), Mean.keepDims(true)); // [..., 1]
    Operand<T> norm = tf.math.mul(tf.math.sub(x, mean), tf.math.rsqrt(tf.math.add(var, eps))); // [..., D]
    return tf.math.add(tf.math.mul(norm, gain), bias); // [..., D]
  }
}
