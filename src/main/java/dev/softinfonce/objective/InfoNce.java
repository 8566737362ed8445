package dev.softinfonce.objective;

import dev.softinfonce.config.ObjectiveConfig;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TBool;
import org.tensorflow.types.family.TFloating;

/**
 * InfoNCE over in-batch negatives (paper Eq. 1), query→code, optionally symmetric.
 *
 * <h2>Formula</h2>
 * <pre>
 *   L = −(1/N) Σ_i log( exp(s_ii) / Σ_j exp(s_ij) )  =  (1/N) Σ_i [ logsumexp_j(s_ij) − s_ii ]
 * </pre>
 * with {@code s_ij = q_i·c_j} (or cosine, or divided by a temperature, as the model defines). The
 * symmetric form ({@code symmetric: true}) adds the code→query direction, the same loss on
 * {@code sᵀ}, and averages the two. Pairs flagged as duplicates are removed from the denominator when
 * {@code mask_duplicates} is set. No α, β or t: the relevance input is ignored.
 *
 * <p>Computed as a rank-2 stable log-sum-exp (row max subtracted under stopGradient); it never uses
 * {@code LogSoftmax} on rank ≥ 3 (wrong gradient in TF Java) nor the sparse cross-entropy op (no
 * gradient).
 *
 * <h2>Reference</h2>
 * Li, Zhou, Luu, Miao, "Rethinking Negative Pairs in Code Search", EMNLP 2023, arXiv 2310.08069, Eq. 1;
 * van den Oord et al., "Representation Learning with Contrastive Predictive Coding", arXiv 1807.03748.
 *
 * <h2>Worked example</h2>
 * <pre>
 *   s = [[ln 3, ln 2],
 *        [0,    0   ]]
 *   query→code: row 0: log(3 + 2) − ln 3 = ln(5/3); row 1: log(1 + 1) − 0 = ln 2
 *               L = (ln(5/3) + ln 2) / 2 = ln(10/3) / 2 = 0.6019864
 *   code→query (sᵀ = [[ln 3, 0], [ln 2, 0]]): ln(4/3) and log(2 + 1) = ln 3, mean ln 2 = 0.6931472
 *   symmetric:  (0.6019864 + 0.6931472) / 2 = 0.6475668
 * </pre>
 */
public final class InfoNce implements Objective {
  private final ObjectiveConfig config;

  /** Builds InfoNCE; {@code config.symmetric()} and {@code config.maskDuplicates()} apply. */
  public InfoNce(ObjectiveConfig config) {
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
    Operand<T> weights = ObjectiveOutputs.unitWeights(tf, scores, dup); // [B,B]
    Operand<T> loss = BatchOps.weightedInfoNceLoss(tf, scores, weights); // []
    if (config.symmetric()) {
      Operand<T> scoresT = BatchOps.transpose(tf, scores); // [B,B]: row j = code j against every query
      Operand<T> weightsT = ObjectiveOutputs.unitWeights(tf, scoresT, BatchOps.transpose(tf, dup)); // [B,B]
      Operand<T> codeToQuery = BatchOps.weightedInfoNceLoss(tf, scoresT, weightsT); // []
      loss = tf.math.div(tf.math.add(loss, codeToQuery), BatchOps.scalar(tf, scores.type(), 2));
    }
    return new ObjectiveOutputs<>(loss, weights, WeightStats.of(tf, weights, BatchOps.none(tf, scores), dup));
  }
}
