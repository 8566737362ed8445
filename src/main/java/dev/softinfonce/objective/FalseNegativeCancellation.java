package dev.softinfonce.objective;

import dev.softinfonce.config.ObjectiveConfig;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.family.TFloating;

/**
 * False-negative cancellation (paper §4.4, Table 3; reference flags {@code --falsecancel --topk K} and
 * the commented-out {@code --ratio r}): InfoNCE after removing the negatives the estimator deems most
 * relevant. It is Soft-InfoNCE with weights in {0, 1}.
 *
 * <h2>Formula</h2>
 * <pre>
 *   top-K  ({@code fn_cancel_topk}):  w_ij = 0 for the top_k negatives j ≠ i with the largest sim_ij, else 1
 *   ratio  ({@code fn_cancel_ratio}): w_ij = 0 where sim_ij ≥ ratio · sim_ii (j ≠ i), else 1
 *   L = (1/N) Σ_i [ logsumexp_{j: w_ij = 1}(s_ij) − s_ii ]
 * </pre>
 * {@code sim} is the raw estimator score; the ratio rule reads its diagonal {@code sim_ii} (the self
 * score: 1 for SimCSE cosine, q_i·c_i for the trained model). α, β, t and {@code min_weight} are unused.
 * Top-K ties go to the lower column index (TopKV2's order). The removal mask depends on the relevance
 * only and sits behind stopGradient, so no gradient path runs through TopKV2 (which has none). At run
 * time K is capped at N−2 so a small last batch keeps at least one negative; the config rejects
 * {@code top_k ≥ batch_size − 1}. Without relevance nothing is removed (InfoNCE). Removed duplicates
 * are dropped as well.
 *
 * <h2>Reference</h2>
 * Li, Zhou, Luu, Miao, "Rethinking Negative Pairs in Code Search", EMNLP 2023, arXiv 2310.08069, §4.4,
 * Table 3 (top-K 1/3/5, ratio 0.7/0.5/0.3; all at or below plain InfoNCE).
 *
 * <h2>Worked example (N = 3)</h2>
 * <pre>
 *   s = [[ln 2, 0, 0], [0, 0, 0], [0, ln 3, 0]]
 *   top_k = 1, sim = [[9, ln 3, 0], [0, 9, 0], [0, 0, 9]]: removes (0,1), (1,0) (tie → lower index), (2,0)
 *   ratio = 0.5, sim = [[1, 0.6, 0.2], [0.3, 1, 0.5], [0.7, 0.1, 1]]: removes (0,1), (1,2) (0.5 ≥ 0.5), (2,0)
 *   top-K:  row 0: log(2 + 1) − ln 2 = ln(3/2); row 1: log(1 + 1) = ln 2; row 2: log(3 + 1) = ln 4
 *           L = ln 12 / 3 = 0.8283022
 *   ratio:  the same kept sets up to row 1 (keeps column 0 instead of 2, equal scores): L = 0.8283022
 * </pre>
 */
public final class FalseNegativeCancellation implements Objective {
  private final ObjectiveConfig config;

  /** Builds the cancellation variant named by {@code config.name()}: fn_cancel_topk or fn_cancel_ratio. */
  public FalseNegativeCancellation(ObjectiveConfig config) {
    if (config.name() != ObjectiveConfig.Name.FN_CANCEL_TOPK && config.name() != ObjectiveConfig.Name.FN_CANCEL_RATIO) {
      throw new IllegalArgumentException("FalseNegativeCancellation needs objective.name fn_cancel_topk or "
          + "fn_cancel_ratio, got " + config.name());
    }
    this.config = config;
  }

  @Override
  public ObjectiveConfig config() {
    return config;
  }

  @Override
  public <T extends TFloating> ObjectiveOutputs<T> build(Ops tf, Operand<T> scores, Operand<T> relevance,
      Operand<TBool> duplicateMask) {
    Operand<TBool> dup = maskDuplicates(duplicateMask);
    Operand<T> ones = BatchOps.filled(tf, scores, 1); // [B,B]
    Operand<T> offDiagonal = relevance == null ? ones
        : tf.select(cancelled(tf, scores, tf.stopGradient(relevance)), BatchOps.filled(tf, scores, 0), ones);
    Operand<T> weights = BatchOps.finishWeights(tf, scores, offDiagonal, dup); // [B,B]
    return new ObjectiveOutputs<>(BatchOps.weightedInfoNceLoss(tf, scores, weights), weights,
        WeightStats.of(tf, weights, BatchOps.none(tf, scores), dup));
  }

  /** True for the negatives this rule removes (never the diagonal). [B,B] */
  private <T extends TFloating> Operand<TBool> cancelled(Ops tf, Operand<T> scores, Operand<T> sim) {
    Operand<TBool> eye = BatchOps.eye(tf, scores); // [B,B]
    if (config.name() == ObjectiveConfig.Name.FN_CANCEL_RATIO) {
      Operand<T> threshold = tf.math.mul(BatchOps.scalar(tf, scores.type(), config.ratio()),
          BatchOps.diagonal(tf, sim)); // [B]
      Operand<TBool> above = tf.math.greaterEqual(sim, tf.expandDims(threshold, tf.constant(1))); // [B,B]
      return tf.math.logicalAnd(above, tf.math.logicalNot(eye));
    }
    Operand<TInt32> n = BatchOps.n(tf, scores);
    Operand<TInt32> k = tf.math.minimum(tf.constant(config.topK()),
        tf.math.maximum(tf.math.sub(n, tf.constant(2)), tf.constant(0))); // [] min(K, N−2)
    Operand<T> candidates = tf.select(eye, BatchOps.filled(tf, sim, BatchOps.MASKED_LOGIT), sim); // [B,B]
    Operand<TInt32> top = tf.nn.topK(candidates, k, TInt32.class).indices(); // [B,k]
    Operand<T> hits = tf.reduceSum(tf.oneHot(top, n, BatchOps.scalar(tf, scores.type(), 1),
        BatchOps.scalar(tf, scores.type(), 0)), tf.constant(1)); // [B,k,B] → [B,B]
    return tf.math.greater(hits, BatchOps.filled(tf, scores, 0));
  }
}
