package dev.softinfonce.nn;

import org.tensorflow.Graph;
import org.tensorflow.GraphOperation;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.family.TFloating;

/**
 * Inverted dropout: in a training graph, {@code x * (u >= rate) / (1 - rate)} with {@code u} uniform;
 * in an inference graph (or with rate 0) the identity, so no random op is even built.
 *
 * <p><b>Stateless, keyed by the step.</b> The uniform draw is a {@code StatelessRandomUniform} whose
 * key is {@code [step, seed·2^20 + call]}: {@code step} comes from the graph-wide scalar
 * {@link #STEP_SEED} (a placeholder with default 0 that trainers feed with the global step), {@code seed}
 * is the model seed and {@code call} counts dropout sites in build order. The masks are therefore a pure
 * function of (seed, step, site): a run resumed from a checkpoint at step S draws exactly the masks an
 * uninterrupted run draws at step S, which stateful random ops (whose state restarts with the process)
 * cannot do. The mask is not on the path from any variable to the loss, so the missing random-op
 * gradient does not matter.
 */
public final class Dropout<T extends TFloating> {
  /** Name of the graph-wide int64 scalar that keys every dropout mask; feed the global step. */
  public static final String STEP_SEED = "dropout_step";

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

  /**
   * Applies dropout with probability {@code rate} to {@code x} (any shape), in {@code x}'s type: under
   * mixed precision the masks of the bf16 blocks multiply in bf16 (half the memory traffic of the largest
   * tensors, the attention probabilities). The uniform draw is always in the variables' type {@code T}, so
   * a site's mask is the same whatever precision computes it.
   */
  public <X extends TFloating> Operand<X> apply(Operand<X> x, double rate) {
    if (!training || rate <= 0) {
      return x;
    }
    long site = (seed << 20) + (++calls);
    Operand<TInt64> key = tf.stack(java.util.List.of(stepSeed(tf), tf.constant(site))); // [2]
    Operand<T> u = tf.random.statelessRandomUniform(tf.shape(x), key, dtype); // same shape as x, in [0, 1)
    Class<X> type = x.type();
    // One select and one multiply: the kept entries scaled by 1 / (1 - rate), the others 0 (same values
    // as x * keep * scale, one full-size multiply fewer forward and backward).
    Operand<X> mask = tf.select(tf.math.greaterEqual(u, Scalars.of(tf, rate, dtype)),
        Scalars.of(tf, 1.0 / (1.0 - rate), type), Scalars.of(tf, 0.0, type)); // same shape as x
    return tf.math.mul(x, mask);
  }

  /** The graph's {@link #STEP_SEED} scalar, created on first use. */
  @SuppressWarnings("unchecked")
  public static Operand<TInt64> stepSeed(Ops tf) {
    Graph g = (Graph) tf.scope().env();
    GraphOperation existing = g.operation(STEP_SEED);
    if (existing != null) {
      return (Operand<TInt64>) (Operand<?>) existing.output(0);
    }
    return tf.withName(STEP_SEED).placeholderWithDefault(tf.constant(0L), org.tensorflow.ndarray.Shape.scalar());
  }

  public boolean training() {
    return training;
  }
}
