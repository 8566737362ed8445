package dev.softinfonce.nn;

import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.op.random.RandomUniform;
import org.tensorflow.types.family.TFloating;

/**
 * Inverted dropout: in a training graph, {@code x * (u >= rate) / (1 - rate)} with {@code u} uniform;
 * in an inference graph (or with rate 0) the identity, so no random op is even built.
 *
 * <p>Seeded: the op-level seeds are the model seed and a per-call counter, so a graph built twice with
 * the same seed draws the same masks. The mask is not on the path from any variable to the loss, so
 * the missing RandomUniform gradient does not matter.
 */
public final class Dropout<T extends TFloating> {
  private final Ops tf;
  private final Class<T> dtype;
  private final boolean training;
  private final long seed;
  private long calls;

  public Dropout(Ops tf, Class<T> dtype, boolean training, long seed) {
    this.tf = tf;
    this.dtype = dtype;
    this.training = training;
    this.seed = seed;
  }

  /** Applies dropout with probability {@code rate} to {@code x} (any shape). */
  public Operand<T> apply(Operand<T> x, double rate) {
    if (!training || rate <= 0) {
      return x;
    }
    long seed2 = ++calls;
    Operand<T> u = tf.random.randomUniform(tf.shape(x), dtype,
        RandomUniform.seed(seed), RandomUniform.seed2(seed2)); // same shape as x, in [0, 1)
    Operand<T> keep = tf.dtypes.cast(tf.math.greaterEqual(u, Scalars.of(tf, rate, dtype)), dtype);
    return tf.math.mul(x, tf.math.mul(keep, Scalars.of(tf, 1.0 / (1.0 - rate), dtype)));
  }

  public boolean training() {
    return training;
  }
}
