package dev.softinfonce.objective;

import dev.softinfonce.config.ObjectiveConfig;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TBool;
import org.tensorflow.types.family.TFloating;

/**
 * InfoNCE plus an explicit KL regulariser towards the estimated relevance distribution (paper §4.3,
 * Theorem 1; reference flag {@code --klregularization}). One of the alternatives the paper compares
 * against (Table 2).
 *
 * <h2>Formula</h2>
 * <pre>
 *   S_ij = softmax_{j≠i}( sim_ij / t )            target distribution over the N−1 negatives (constant)
 *   Q_ij = softmax_{j≠i}( s_ij )                  the model's distribution over the same negatives
 *   CE_i = logsumexp_j(s_ij) − s_ii                InfoNCE of row i
 *   KL_i = Σ_{j≠i} S_ij · (log S_ij − log Q_ij)
 *   L    = (1/N) Σ_i [ β·CE_i + α·KL_i ]
 * </pre>
 * The KL term matches torch {@code KLDivLoss(reduction='batchmean', log_target=True)} applied to
 * {@code (log Q, log S)} as in the reference code: the sum over all entries divided by the batch size
 * N, so with the CE mean the total is the per-row mean above. {@code log S} is computed as
 * {@code sim/t − logsumexp} (never {@code log} of an underflowed 0).
 *
 * <p><b>Weight mapping.</b> Here α weights the KL term and β the CE term, as in Theorem 1 (β·uniformity +
 * α·KL). The reference code calls them {@code --weight_kl} (α) and {@code --weight_unif} (β), and the
 * paper's "original 1.3, KL 0.7" comparison therefore is {@code beta: 1.3, alpha: 0.7} — the opposite
 * of Soft-InfoNCE's α 1.3, β 0.7 (paper.md §4 item 3). {@code min_weight} is unused. Without
 * relevance S is uniform. Removed duplicates leave the CE denominator, Q's support and the KL sum
 * (S itself is not renormalised).
 *
 * <h2>Reference</h2>
 * Li, Zhou, Luu, Miao, "Rethinking Negative Pairs in Code Search", EMNLP 2023, arXiv 2310.08069, §4.1,
 * §4.3.
 *
 * <h2>Worked example (N = 3, t = 1, β = 1.3, α = 0.7)</h2>
 * <pre>
 *   sim = [[9, ln 3, 0], [0, 9, 0], [0, 0, 9]]    →  S rows (negatives only): (3/4, 1/4), (1/2, 1/2), (1/2, 1/2)
 *   s   = [[ln 2, 0, 0], [0, 0, 0], [0, ln 3, 0]]  →  Q rows: (1/2, 1/2), (1/2, 1/2), (1/4, 3/4)
 *   CE = (ln 2, ln 3, ln 5),  mean = ln 30 / 3 = 1.1337325
 *   KL = (3/4·ln(3/2) + 1/4·ln(1/2),  0,  1/2·ln 2 + 1/2·ln(2/3)),  sum / 3 = 0.0915510
 *   L  = 1.3 · 1.1337325 + 0.7 · 0.0915510 = 1.5379379
 * </pre>
 */
public final class KlRegularization implements Objective {
  private final ObjectiveConfig config;

  /** Builds the KL-regularised InfoNCE; reads {@code alpha} (KL), {@code beta} (CE), {@code t}. */
  public KlRegularization(ObjectiveConfig config) {
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
    Class<T> type = scores.type();
    Operand<TBool> negatives = BatchOps.keptNegatives(tf, scores, dup); // [B,B]
    Operand<T> ce = tf.math.sub(BatchOps.logSumExp(tf, scores, BatchOps.kept(tf, scores, dup)),
        BatchOps.diagonal(tf, scores)); // [B]

    Operand<T> logQ = tf.math.sub(scores,
        tf.expandDims(BatchOps.logSumExp(tf, scores, negatives), tf.constant(1))); // [B,B]
    Operand<T> logS = logTargets(tf, scores, relevance); // [B,B], valid off the diagonal
    Operand<T> s = BatchOps.negativeSoftmax(tf, scores, relevance, config.t()); // [B,B]
    Operand<T> klTerms = tf.select(negatives, tf.math.mul(s, tf.math.sub(logS, logQ)),
        BatchOps.filled(tf, scores, 0)); // [B,B]
    Operand<T> kl = tf.reduceSum(klTerms, tf.constant(1)); // [B]

    Operand<T> perRow = tf.math.add(tf.math.mul(BatchOps.scalar(tf, type, config.beta()), ce),
        tf.math.mul(BatchOps.scalar(tf, type, config.alpha()), kl)); // [B]
    return BatchOps.mean(tf, perRow);
  }

  /** {@code log S_ij} over the N−1 negatives of each row, stable; constant. [B,B] */
  private <T extends TFloating> Operand<T> logTargets(Ops tf, Operand<T> scores, Operand<T> relevance) {
    Class<T> type = scores.type();
    Operand<TBool> offDiagonal = tf.math.logicalNot(BatchOps.eye(tf, scores)); // [B,B]
    if (relevance == null) {
      Operand<T> logUniform = tf.math.neg(tf.math.log(
          tf.math.sub(BatchOps.nAs(tf, scores, type), BatchOps.scalar(tf, type, 1)))); // [] −log(N−1)
      return tf.stopGradient(tf.math.add(BatchOps.filled(tf, scores, 0), logUniform));
    }
    Operand<T> logits = tf.math.div(tf.stopGradient(relevance), BatchOps.scalar(tf, type, config.t())); // [B,B]
    Operand<T> lse = BatchOps.logSumExp(tf, logits, offDiagonal); // [B]
    return tf.stopGradient(tf.math.sub(logits, tf.expandDims(lse, tf.constant(1)))); // [B,B]
  }
}
