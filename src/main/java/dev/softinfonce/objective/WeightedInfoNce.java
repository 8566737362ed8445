package dev.softinfonce.objective;

import dev.softinfonce.config.ObjectiveConfig;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TBool;
import org.tensorflow.types.family.TFloating;

/**
 * Weighted InfoNCE (paper §4.3, App. B.3; reference flag {@code --weightedinfonce}): a soft-target
 * cross-entropy that puts the estimated relevance of each negative in the numerator. One of the
 * alternatives the paper compares against (Table 2: below plain InfoNCE for every model).
 *
 * <h2>Formula</h2>
 * <pre>
 *   S_ij = softmax_{j≠i}( sim_ij / t ),   y_i = [ y_ii = 1, y_ij = S_ij ]        (constant)
 *   P_ij = exp(s_ij) / Σ_k exp(s_ik)
 *   L    = −(1/N) Σ_i Σ_j y_ij · log P_ij,    log P_ij = s_ij − logsumexp_k(s_ik)
 * </pre>
 * Symbols: {@code t} the relevance temperature, {@code sim} the raw estimator scores (diagonal
 * ignored); α, β and {@code min_weight} are unused. The paper's printed Eq. 13 has {@code exp(q_i·c_i)} in
 * the numerator; App. B.3 and the code use {@code exp(q_i·c_j)}, which is what is computed here. Without
 * relevance S is uniform, 1/(N−1). Removed duplicates leave the denominator and the sum over j.
 *
 * <h2>Reference</h2>
 * Li, Zhou, Luu, Miao, "Rethinking Negative Pairs in Code Search", EMNLP 2023, arXiv 2310.08069, §4.3.
 *
 * <h2>Worked example (N = 3, t = 1)</h2>
 * <pre>
 *   sim = [[9, ln 3, 0], [0, 9, 0], [0, 0, 9]]   →  S = [[0, 3/4, 1/4], [1/2, 0, 1/2], [1/2, 1/2, 0]]
 *   s   = [[ln 2, 0, 0], [0, 0, 0], [0, ln 3, 0]] →  P = [[1/2, 1/4, 1/4], [1/3, 1/3, 1/3], [1/5, 3/5, 1/5]]
 *   row 0: ln 2 + (3/4 + 1/4)·ln 4             = ln 8
 *   row 1: (1 + 1/2 + 1/2)·ln 3                 = ln 9
 *   row 2: ln 5 + 1/2·ln 5 + 1/2·ln(5/3)        = ln(25/√3)
 *   L = (ln 8 + ln 9 + ln(25/√3)) / 3 = 2.3154119
 * </pre>
 */
public final class WeightedInfoNce implements Objective {
  private final ObjectiveConfig config;

  /** Builds weighted InfoNCE; reads {@code t} and {@code mask_duplicates}. */
  public WeightedInfoNce(ObjectiveConfig config) {
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
    return ObjectiveOutputs.unweighted(tf, scores, loss(tf, scores, relevance, dup), dup);
  }

  /** The loss with {@code dup} the pairs to remove (already filtered by {@code mask_duplicates}). [] */
  private <T extends TFloating> Operand<T> loss(Ops tf, Operand<T> scores, Operand<T> relevance,
      Operand<TBool> dup) {
    Operand<TBool> kept = BatchOps.kept(tf, scores, dup); // [B,B]
    Operand<T> lse = BatchOps.logSumExp(tf, scores, kept); // [B]
    Operand<T> logP = tf.math.sub(scores, tf.expandDims(lse, tf.constant(1))); // [B,B]
    Operand<T> targets = BatchOps.softTargets(tf, scores, relevance, config.t()); // [B,B]
    Operand<T> terms = tf.select(kept, tf.math.mul(targets, logP), BatchOps.filled(tf, scores, 0)); // [B,B]
    return tf.math.neg(BatchOps.mean(tf, tf.reduceSum(terms, tf.constant(1)))); // []
  }
}
