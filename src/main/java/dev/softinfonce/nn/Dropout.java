package dev.softinfonce.nn;

import java.util.List;
import org.tensorflow.Graph;
import org.tensorflow.GraphOperation;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.random.StatelessRandomGetKeyCounter;
import org.tensorflow.proto.DataType;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.family.TFloating;
import org.tensorflow.types.family.TType;

/**
 * Inverted dropout: in a training graph, {@code x * (u >= rate) / (1 - rate)} with {@code u} uniform;
 * in an inference graph (or with rate 0) the identity, so no random op is even built.
 *
 * <p><b>Stateless, keyed by the step.</b> The uniform draw is a Philox stream whose seed is
 * {@code [step, seed·2^20 + call]}: {@code step} comes from the graph-wide scalar {@link #STEP_SEED} (a
 * placeholder with default 0 that trainers feed with the global step), {@code seed} is the model seed and
 * {@code call} counts dropout sites in build order. The masks are therefore a pure function of
 * (seed, step, site): a run resumed from a checkpoint at step S draws exactly the masks an uninterrupted
 * run draws at step S, which stateful random ops (whose state restarts with the process) cannot do. The
 * mask is not on the path from any variable to the loss, so the missing random-op gradient does not matter.
 *
 * <p><b>Addressed by example.</b> {@code x} holds {@code rows} examples laid out example-major (for
 * instance {@code [B, L, D]}, or {@code [B·L, D]} with {@code rows = B}); each example owns
 * {@code R4 = R} rounded up to a multiple of 4 values of the stream ({@code R} = its element count), and
 * example {@code i} of the tensor is example {@code ROW_OFFSET + i} of the stream (Philox yields 4 values
 * per counter step, so the offset is a counter skip of {@code (ROW_OFFSET + i)·R4/4}). An example therefore
 * draws the same mask whether it is encoded with the whole batch or in a chunk that starts at
 * {@link #ROW_OFFSET} (the gradient cache, {@code train.GradCache}). With offset 0 and {@code R} a multiple
 * of 4 the draw equals {@code StatelessRandomUniform(shape(x), seed)} value for value.
 */
public final class Dropout<T extends TFloating> {
  /** Name of the graph-wide int64 scalar that keys every dropout mask; feed the global step. */
  public static final String STEP_SEED = "dropout_step";
  /** Name of the graph-wide int64 scalar: batch row of the first example being encoded (default 0). */
  public static final String ROW_OFFSET = "dropout_row_offset";
  /** TF's {@code RNG_ALG_PHILOX}, the algorithm of the V1 stateless ops on CPU and GPU. */
  private static final int PHILOX = 1;

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
   * Applies dropout with probability {@code rate} to {@code x}, whose first dimension counts the examples,
   * in {@code x}'s type: under mixed precision the masks of the bf16 blocks multiply in bf16 (half the
   * memory traffic of the largest tensors, the attention probabilities). The uniform draw is always in the
   * variables' type {@code T}, so a site's mask is the same whatever precision computes it.
   */
  public <X extends TFloating> Operand<X> apply(Operand<X> x, double rate) {
    if (!training || rate <= 0) {
      return x;
    }
    return apply(x, rate, tf.gather(tf.shape(x), tf.constant(0), tf.constant(0)));
  }

  /** As {@link #apply(Operand, double)} for {@code x} holding {@code rows} examples laid out example-major (any shape). */
  public <X extends TFloating> Operand<X> apply(Operand<X> x, double rate, Operand<TInt32> rows) {
    if (!training || rate <= 0) {
      return x;
    }
    long site = (seed << 20) + (++calls);
    Operand<TInt64> key = tf.stack(List.of(stepSeed(tf), tf.constant(site))); // [2]
    Operand<T> u = tf.reshape(uniformByRow(key, rows, tf.size(x, TInt64.class)), tf.shape(x)); // shape of x, [0, 1)
    Class<X> type = x.type();
    // One select and one multiply: the kept entries scaled by 1 / (1 - rate), the others 0 (same values
    // as x * keep * scale, one full-size multiply fewer forward and backward).
    Operand<X> mask = tf.select(tf.math.greaterEqual(u, Scalars.of(tf, rate, dtype)),
        Scalars.of(tf, 1.0 / (1.0 - rate), type), Scalars.of(tf, 0.0, type)); // same shape as x
    return tf.math.mul(x, mask);
  }

  /** {@code [rows, R]} uniforms, example i taken from stream position {@code (ROW_OFFSET + i)·R4}. */
  @SuppressWarnings({"unchecked", "rawtypes"})
  private Operand<T> uniformByRow(Operand<TInt64> key, Operand<TInt32> rows, Operand<TInt64> size) {
    Operand<TInt64> b = tf.dtypes.cast(rows, TInt64.class); // []
    Operand<TInt64> r = tf.math.floorDiv(size, tf.math.maximum(b, tf.constant(1L))); // [] values per example
    Operand<TInt64> quads = tf.math.floorDiv(tf.math.add(r, tf.constant(3L)), tf.constant(4L)); // [] R4 / 4
    StatelessRandomGetKeyCounter kc = tf.random.statelessRandomGetKeyCounter(key);
    // The counter is 128 bits as [low, high] uint64; V1's seed scrambling leaves low = 0, so the skip
    // replaces it (no uint64 arithmetic: TF Java has no uint64 type, hence the int64 bitcasts).
    Operand<TInt64> counter = tf.bitcast((Operand) kc.counter(), TInt64.class); // [2]
    Operand<TInt64> skip = tf.reshape(tf.math.mul(rowOffset(tf), quads), tf.constant(new int[] {1})); // [1]
    Operand<TInt64> skipped = tf.concat(List.of(skip,
        tf.slice(counter, tf.constant(new int[] {1}), tf.constant(new int[] {1}))), tf.constant(0)); // [2]
    Operand<TInt64> r4 = tf.math.mul(quads, tf.constant(4L));
    Operand<T> u = tf.random.statelessRandomUniformV2(tf.stack(List.of(b, r4)), (Operand) kc.key(),
        (Operand) toUint64(skipped), tf.constant(PHILOX), dtype); // [rows, R4]
    return tf.slice(u, tf.constant(new long[] {0, 0}), tf.stack(List.of(b, r))); // [rows, R]
  }

  private Output<? extends TType> toUint64(Operand<TInt64> x) {
    Graph g = (Graph) tf.scope().env();
    return g.opBuilder("Bitcast", tf.scope().makeOpName("Bitcast"), tf.scope()).addInput(x.asOutput())
        .setAttr("type", DataType.DT_UINT64).build().output(0);
  }

  /** The graph's {@link #STEP_SEED} scalar, created on first use. */
  public static Operand<TInt64> stepSeed(Ops tf) {
    return graphScalar(tf, STEP_SEED);
  }

  /** The graph's {@link #ROW_OFFSET} scalar, created on first use; feed it with a chunk's first row. */
  public static Operand<TInt64> rowOffset(Ops tf) {
    return graphScalar(tf, ROW_OFFSET);
  }

  @SuppressWarnings("unchecked")
  private static Operand<TInt64> graphScalar(Ops tf, String name) {
    Graph g = (Graph) tf.scope().env();
    GraphOperation existing = g.operation(name);
    if (existing != null) {
      return (Operand<TInt64>) (Operand<?>) existing.output(0);
    }
    return tf.withName(name).placeholderWithDefault(tf.constant(0L), Shape.scalar());
  }

  public boolean training() {
    return training;
  }
}
