package dev.softinfonce.objective;

import dev.softinfonce.config.ObjectiveConfig;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TBool;
import org.tensorflow.types.family.TFloating;

/**
 * A contrastive objective over one batch's score matrix {@code s [B,B]} ({@code s_ij} = score of query i
 * against code j; the positives are on the diagonal, every other column is an in-batch negative).
 *
 * <p>Objectives see scores only, never encoders, so cached-embedding and multi-device variants reuse the
 * same graph. They build ops and never run a session. Shapes are dynamic: one graph serves any batch
 * size N ≥ 2.
 *
 * <p>Inputs of {@link #build}:
 * <ul>
 *   <li>{@code scores} [B,B]: the model's logits (float32 in training; float64 works too, e.g. for
 *       finite-difference tests).</li>
 *   <li>{@code relevance} [B,B] or null: raw estimator scores {@code sim_ij} (BM25, SimCSE cosine,
 *       trained-model dot product). Wrapped in stopGradient: nothing back-propagates into it. Null means
 *       "no estimator": uniform relevance for the soft-target objectives, all weights 1 for
 *       Soft-InfoNCE, nothing cancelled for false-negative cancellation.</li>
 *   <li>{@code duplicateMask} [B,B] or null: true where code j is identical to the positive code i
 *       (j ≠ i). When the objective was built with {@code mask_duplicates}, those pairs are removed
 *       from every sum of the loss (weight 0); their relevance-derived quantities are left as computed
 *       without masking. The diagonal is never removed.</li>
 * </ul>
 *
 * <p>Reference: Li, Zhou, Luu, Miao, "Rethinking Negative Pairs in Code Search", EMNLP 2023,
 * arXiv 2310.08069.
 */
public interface Objective {

  /** The resolved configuration this objective was built from. */
  ObjectiveConfig config();

  /**
   * Adds the objective to the graph: the scalar loss (a mean over the batch's rows), the negative
   * weights of the query→code direction and their statistics, built from one weight subgraph. The
   * statistics cover the off-diagonal entries that are not removed as duplicates: min, mean, max and
   * the share of entries clamped at {@code min_weight} (only Soft-InfoNCE clamps; others report 0).
   * Plain InfoNCE and the soft-target objectives have weight 1 off the diagonal.
   *
   * @param scores [B,B]
   * @param relevance [B,B] or null
   * @param duplicateMask [B,B] or null
   */
  <T extends TFloating> ObjectiveOutputs<T> build(Ops tf, Operand<T> scores, Operand<T> relevance,
      Operand<TBool> duplicateMask);

  /** The duplicate mask this objective honours: the given one if {@code mask_duplicates}, else null. */
  default Operand<TBool> maskDuplicates(Operand<TBool> duplicateMask) {
    return config().maskDuplicates() ? duplicateMask : null;
  }
}
