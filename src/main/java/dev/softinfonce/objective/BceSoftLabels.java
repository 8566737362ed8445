package dev.softinfonce.objective;

import dev.softinfonce.config.ObjectiveConfig;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.ReduceMax;
import org.tensorflow.op.core.ReduceSum;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.family.TFloating;

/**
 * Binary cross-entropy with soft labels over the batch's softmax (paper §4.3, Theorem 2; reference
 * flag {@code --bce}). One of the alternatives the paper compares against (Table 2).
 *
 * <h2>Formula</h2>
 * <pre>
 *   S_ij = softmax_{j≠i}( sim_ij / t ),   y_i = [ y_ii = 1, y_ij = S_ij ]        (constant)
 *   P_ij = exp(s_ij) / Σ_k exp(s_ik)
 *   L    = −(1/N²) Σ_i Σ_j [ y_ij·log P_ij + (1 − y_ij)·log(1 − P_ij) ]
 * </pre>
 * As torch {@code BCELoss} in the reference code, each log is clamped at −100. {@code log P} is
 * {@code s − logsumexp}; {@code log(1 − P_ij)} is {@code log Σ_{k≠j} exp(s_ik) − logsumexp}, with the
 * sum over k ≠ j formed without cancellation (for the row's arg-max column it is a log-sum-exp of the
 * other columns), so a dominating logit does not turn into {@code log 0}. Symbols: {@code t} the relevance temperature;
 * α, β, {@code min_weight} unused. Without relevance S is uniform. Removed duplicates leave the
 * softmax and the sum (the normaliser stays N²).
 *
 * <h2>Reference</h2>
 * Li, Zhou, Luu, Miao, "Rethinking Negative Pairs in Code Search", EMNLP 2023, arXiv 2310.08069, §4.3.
 *
 * <h2>Worked example (N = 3, t = 1)</h2>
 * <pre>
 *   sim = [[9, ln 3, 0], [0, 9, 0], [0, 0, 9]]    →  y = [[1, 3/4, 1/4], [1/2, 1, 1/2], [1/2, 1/2, 1]]
 *   s   = [[ln 2, 0, 0], [0, 0, 0], [0, ln 3, 0]]  →  P = [[1/2, 1/4, 1/4], [1/3, 1/3, 1/3], [1/5, 3/5, 1/5]]
 *   row 0: ln 2 + [3/4·ln 4 + 1/4·ln(4/3)] + [1/4·ln 4 + 3/4·ln(4/3)] = ln(32/3)
 *   row 1: ln 3 + 2·[1/2·ln 3 + 1/2·ln(3/2)]                          = ln(27/2)
 *   row 2: ln 5 + [1/2·ln 5 + 1/2·ln(5/4)] + [1/2·ln(5/3) + 1/2·ln(5/2)] = ln(125/√24)
 *   L = (ln(32/3) + ln(27/2) + ln(125/√24)) / 9 = 0.9121222
 * </pre>
 */
public final class BceSoftLabels implements Objective {
  /** torch {@code BCELoss} clamps each log term at this value. */
  static final double LOG_CLAMP = -100;

  private final ObjectiveConfig config;

  /** Builds BCE with soft labels; reads {@code t} and {@code mask_duplicates}. */
  public BceSoftLabels(ObjectiveConfig config) {
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
    Operand<TBool> kept = BatchOps.kept(tf, scores, dup); // [B,B]
    Operand<T> zero = BatchOps.filled(tf, scores, 0); // [B,B]
    Operand<T> clamp = BatchOps.scalar(tf, type, LOG_CLAMP);
    Operand<TInt32> rows = tf.constant(1);

    // e_ij = exp(s_ij − m_i) over kept columns; m_i the row max (stopGradient, cancels analytically).
    Operand<T> masked = tf.select(kept, scores, BatchOps.filled(tf, scores, BatchOps.MASKED_LOGIT)); // [B,B]
    Operand<T> max = tf.stopGradient(tf.reduceMax(masked, rows, ReduceMax.keepDims(true))); // [B,1]
    Operand<T> e = tf.select(kept, tf.math.exp(tf.math.sub(scores, max)), zero); // [B,B], max entry = 1
    Operand<T> total = tf.reduceSum(e, rows, ReduceSum.keepDims(true)); // [B,1] ≥ 1
    Operand<T> logTotal = tf.math.log(total); // [B,1]

    // log Σ_{k≠j} e_ik: for every column but the row's arg-max, total − e_ij ≥ 1 (it still holds the
    // max entry 1), so the subtraction is accurate. For the arg-max column the other columns are summed
    // in log space, so a mass far below float range is still a finite log (then clamped at −100).
    Operand<TBool> isArgMax = tf.stopGradient(tf.math.greater(tf.oneHot(tf.math.argMax(tf.stopGradient(masked), rows),
        BatchOps.n(tf, scores), BatchOps.scalar(tf, type, 1), BatchOps.scalar(tf, type, 0)), zero)); // [B,B]
    Operand<T> logOthersOfArgMax = BatchOps.logSumExp(tf, tf.math.sub(scores, max),
        tf.math.logicalAnd(kept, tf.math.logicalNot(isArgMax))); // [B], −1e30-ish when nothing else is kept
    Operand<T> safeRest = tf.select(isArgMax, tf.math.add(zero, total), tf.math.sub(total, e)); // [B,B] ≥ 1
    Operand<T> logExcluding = tf.select(isArgMax, tf.math.add(zero, tf.expandDims(logOthersOfArgMax, rows)),
        tf.math.log(safeRest)); // [B,B]

    Operand<T> logP = tf.math.maximum(tf.math.sub(tf.math.sub(scores, max), logTotal), clamp); // [B,B]
    Operand<T> log1mP = tf.math.maximum(tf.math.sub(logExcluding, logTotal), clamp); // [B,B]

    Operand<T> y = BatchOps.softTargets(tf, scores, relevance, config.t()); // [B,B]
    Operand<T> one = BatchOps.scalar(tf, type, 1);
    Operand<T> terms = tf.math.add(tf.math.mul(y, logP), tf.math.mul(tf.math.sub(one, y), log1mP)); // [B,B]
    terms = tf.select(kept, terms, zero);
    Operand<T> n = BatchOps.nAs(tf, scores, type);
    // −(1/N²) Σ_ij = −mean_i [ (1/N) Σ_j ]
    return tf.math.neg(tf.math.div(BatchOps.mean(tf, tf.reduceSum(terms, rows)), n)); // []
  }
}
