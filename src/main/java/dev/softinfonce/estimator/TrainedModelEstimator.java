package dev.softinfonce.estimator;

import java.util.Objects;
import java.util.Set;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * Trained-model estimator (paper §3.3): a separately loaded, <b>frozen</b> InfoNCE-trained bi-encoder
 * scores query i against the <em>code</em> of example j, {@code sim[i][j] = q_i · c_j} (the objective
 * then uses t = 5.0, Table 7). This is what the paper describes; the reference code's shared-weights
 * behaviour is the separate {@link SelfEstimator}.
 *
 * <p>Two modes ({@code estimator.mode}):
 * <ul>
 *   <li>{@link #online}: the frozen query and code towers run in the training graph on the batch
 *       (one extra forward pass per step, no backward).
 *   <li>{@link #cached}: the frozen model's embeddings of the whole training set were computed once
 *       ({@link EmbeddingTables}) and stored in an {@link EmbeddingCache}; each step only gathers the
 *       batch's rows by example index, {@code sim = Q[idx] · C[idx]ᵀ}, so the per-step cost is a gather
 *       and a {@code B×D×B} matmul. Same numbers as online when the tables hold the same model's
 *       outputs (the model must be deterministic: frozen, dropout off).
 * </ul>
 */
public final class TrainedModelEstimator implements RelevanceEstimator {
  private final TextEncoder queryEncoder;
  private final TextEncoder codeEncoder;
  private final EmbeddingCache cache;
  private final PairScorer scorer;

  private TrainedModelEstimator(TextEncoder queryEncoder, TextEncoder codeEncoder,
      EmbeddingCache cache, PairScorer scorer) {
    this.queryEncoder = queryEncoder;
    this.codeEncoder = codeEncoder;
    this.cache = cache;
    this.scorer = Objects.requireNonNull(scorer, "scorer");
  }

  /**
   * Online mode.
   *
   * @param queryEncoder the frozen model's query tower
   * @param codeEncoder the frozen model's code tower (the same object when towers are shared)
   * @param scorer its similarity head; {@link PairScorer#dot()} as in the paper
   */
  public static TrainedModelEstimator online(TextEncoder queryEncoder, TextEncoder codeEncoder,
      PairScorer scorer) {
    return new TrainedModelEstimator(Objects.requireNonNull(queryEncoder, "queryEncoder"),
        Objects.requireNonNull(codeEncoder, "codeEncoder"), null, scorer);
  }

  /**
   * Cached mode.
   *
   * @param cache the training set's embedding tables (must be loaded before the first step)
   * @param scorer its similarity head; {@link PairScorer#dot()} as in the paper
   */
  public static TrainedModelEstimator cached(EmbeddingCache cache, PairScorer scorer) {
    return new TrainedModelEstimator(null, null, Objects.requireNonNull(cache, "cache"), scorer);
  }

  /** Whether this is the cached mode. */
  public boolean isCached() {
    return cache != null;
  }

  @Override
  public String name() {
    return "trained";
  }

  @Override
  public Set<EstimatorInput> inputs() {
    return isCached() ? Set.of(EstimatorInput.EXAMPLE_INDEX)
        : Set.of(EstimatorInput.QUERY, EstimatorInput.CODE);
  }

  @Override
  public Operand<TFloat32> sim(Ops tf, EstimatorInputs in) {
    in.requireAll(this);
    Ops s = tf.withSubScope("trained");
    Operand<TFloat32> q;                                                  // [B, D]
    Operand<TFloat32> c;                                                  // [B, D]
    if (isCached()) {
      q = s.gather(cache.queryTable(), in.exampleIndex(), s.constant(0));
      c = s.gather(cache.codeTable(), in.exampleIndex(), s.constant(0));
    } else {
      q = queryEncoder.encode(in.queryIds(), in.queryMask());
      c = codeEncoder.encode(in.codeIds(), in.codeMask());
    }
    return tf.withName("trained_sim").stopGradient(scorer.scores(s, q, c)); // [B, B]
  }
}
