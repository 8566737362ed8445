package dev.softinfonce.objective;

import dev.softinfonce.config.ObjectiveConfig;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import java.util.List;
import org.tensorflow.op.Op;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.family.TFloating;

/**
 * Soft-InfoNCE (paper Eq. 3–4): InfoNCE whose negative terms are weighted by how unlikely each
 * in-batch negative is to be a false negative.
 *
 * <h2>Formula</h2>
 * <pre>
 *   p_ij = softmax_{j≠i}( sim_ij / t )                           over the N−1 negatives of row i
 *   w_ij = max( min_weight, (β − α·p_ij) / (β − α/(N−1)) ),     w_ii = 1, under stopGradient
 *   L    = (1/N) Σ_i [ log( exp(s_ii) + Σ_{j≠i} w_ij·exp(s_ij) ) − s_ii ]
 *        = (1/N) Σ_i [ logsumexp_j( s_ij + log w_ij ) − s_ii ]   (the stable form computed here)
 * </pre>
 * Symbols: {@code sim} the estimator's raw relevance scores (diagonal ignored), {@code t} the softmax
 * temperature over them, {@code α} ({@code alpha}) the strength of the relevance term, {@code β}
 * ({@code beta}) the weight of the uniform term, {@code min_weight} the floor (paper App. C.2: 0.1).
 * Without clamping the weights of a row average exactly 1, so the negative mass N−1 equals InfoNCE's.
 * N is the dynamic batch size, read from the score matrix's shape. The map is evaluated as
 * {@code 1 + α·(1/(N−1) − p)/(β − α/(N−1))}, identical to Eq. 4, with a 0/0 guard so that N = 2 (one
 * negative, p = 1, weight exactly 1) is defined for any α, β. For N ≥ 3 the denominator must be
 * positive; the config rejects settings where it is not for the configured batch size, and an Assert
 * op fails the step if a smaller batch at run time makes it non-positive.
 *
 * <p>Special cases: α = 0, uniform relevance, or no relevance (null) give InfoNCE exactly. With
 * {@code symmetric: true} the code→query direction uses {@code sᵀ} and weights from
 * {@code relevanceᵀ}, and the two losses are averaged. Duplicates ({@code mask_duplicates}) get weight 0.
 *
 * <h2>Reference</h2>
 * Li, Zhou, Luu, Miao, "Rethinking Negative Pairs in Code Search", EMNLP 2023, arXiv 2310.08069,
 * Eq. 3–4, Table 7 (BM25 α 1.5 β 0.5 t 1.0; SimCSE α 1.3 β 0.7 t 0.1; trained model α 1.3 β 0.7 t 5.0).
 *
 * <h2>Worked example (N = 3, α = β = 1, t = 1, min_weight = 0.25)</h2>
 * <pre>
 *   sim = [[5,    ln 3, 0],      s = [[0,    ln 2, 0],
 *          [0,    5,    0],           [0,    0,    0],
 *          [ln 9, 0,    5]]           [ln 4, 0,    0]]
 *   denominator β − α/(N−1) = 1 − 1/2 = 1/2;  the diagonal 5s are ignored.
 *   row 0: p = (3/4, 1/4)   → w = ((1 − 3/4)/(1/2), (1 − 1/4)/(1/2)) = (0.5, 1.5)
 *   row 1: p = (1/2, 1/2)   → w = (1, 1)
 *   row 2: p = (9/10, 1/10) → w = (0.2 → clamped to 0.25, 1.8)
 *   weights = [[1, 0.5, 1.5], [1, 1, 1], [0.25, 1.8, 1]]
 *   loss_0 = log(1 + 0.5·2 + 1.5·1) = ln 3.5
 *   loss_1 = log(1 + 1 + 1)          = ln 3
 *   loss_2 = log(1 + 0.25·4 + 1.8·1) = ln 3.8
 *   L = (ln 3.5 + ln 3 + ln 3.8) / 3 = ln 39.9 / 3 = 1.2287921   (InfoNCE on the same s: ln 72 / 3 = 1.4255554)
 *   weight stats: min 0.25, mean 1.0083333, max 1.8, clamped share 1/6, share below 0.5 1/6
 *     (0.5 itself is not below; in fp32 row 0's 0.5 rounds just below it)
 * </pre>
 */
public final class SoftInfoNce implements Objective {
  /** Name scope of the Eq. 4 weight subgraph: one per direction in a graph ({@code soft_infonce_weights}, {@code _1}). */
  static final String WEIGHTS_SCOPE = "soft_infonce_weights";

  private final ObjectiveConfig config;

  /** Builds Soft-InfoNCE from {@code alpha}, {@code beta}, {@code t}, {@code min_weight}, {@code symmetric}. */
  public SoftInfoNce(ObjectiveConfig config) {
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
    Direction<T> queryToCode = direction(tf, scores, relevance, dup);
    Operand<T> loss = BatchOps.weightedInfoNceLoss(tf, scores, queryToCode.weights()); // []
    if (config.symmetric()) {
      // The code→query direction has weights of its own, from relevanceᵀ: a second subgraph, not a copy.
      Operand<T> scoresT = BatchOps.transpose(tf, scores); // [B,B]
      Direction<T> codeToQuery = direction(tf, scoresT, BatchOps.transpose(tf, relevance), BatchOps.transpose(tf, dup));
      loss = tf.math.div(tf.math.add(loss, BatchOps.weightedInfoNceLoss(tf, scoresT, codeToQuery.weights())),
          BatchOps.scalar(tf, scores.type(), 2)); // []
    }
    return new ObjectiveOutputs<>(loss, queryToCode.weights(),
        WeightStats.of(tf, queryToCode.weights(), queryToCode.clamped(), dup));
  }

  /** One direction's final weights [B,B] and where they were raised to {@code min_weight} [B,B]. */
  private record Direction<T extends TFloating>(Operand<T> weights, Operand<TBool> clamped) {}

  /** Eq. 4 once for {@code scores}' rows: the floored, finished weights and the clamped entries. */
  private <T extends TFloating> Direction<T> direction(Ops tf, Operand<T> scores, Operand<T> relevance,
      Operand<TBool> dup) {
    Operand<T> floor = BatchOps.scalar(tf, scores.type(), config.minWeight());
    if (relevance == null) { // no estimator: weight 1, above any floor ≤ 1
      Operand<T> w = tf.math.maximum(BatchOps.filled(tf, scores, 1), floor); // [B,B]
      return new Direction<>(BatchOps.finishWeights(tf, scores, w, dup), BatchOps.none(tf, scores));
    }
    Operand<T> raw = rawWeights(tf.withSubScope(WEIGHTS_SCOPE), scores, relevance); // [B,B]
    Operand<T> w = tf.math.maximum(raw, floor); // [B,B]
    return new Direction<>(BatchOps.finishWeights(tf, scores, w, dup), tf.math.less(raw, floor));
  }

  /** Eq. 4 before the floor, off-diagonal entries meaningful: {@code 1 + α(1/(N−1) − p)/(β − α/(N−1))}. */
  private <T extends TFloating> Operand<T> rawWeights(Ops tf, Operand<T> scores, Operand<T> relevance) {
    Class<T> type = scores.type();
    Operand<T> p = BatchOps.negativeSoftmax(tf, scores, relevance, config.t()); // [B,B]
    Operand<T> uniform = tf.math.div(BatchOps.scalar(tf, type, 1),
        tf.math.sub(BatchOps.nAs(tf, scores, type), BatchOps.scalar(tf, type, 1))); // [] 1/(N−1)
    Operand<T> alpha = BatchOps.scalar(tf, type, config.alpha());
    Operand<T> denominator = tf.math.sub(BatchOps.scalar(tf, type, config.beta()), tf.math.mul(alpha, uniform)); // []
    // A batch smaller than the configured one (e.g. a last partial batch) can make β − α/(N−1) ≤ 0,
    // which would invert the weights; fail the step with a message instead of training on them.
    Operand<TInt32> n = BatchOps.n(tf, scores);
    Operand<TBool> valid = tf.math.logicalOr(tf.math.lessEqual(n, tf.constant(2)),
        tf.math.greater(denominator, BatchOps.scalar(tf, type, 0)));
    Op check = tf.assertThat(valid, List.of(tf.constant("Soft-InfoNCE: beta - alpha/(N-1) must be > 0 (Eq. 4) "
        + "for batch size N >= 3; alpha=" + config.alpha() + " beta=" + config.beta() + ", got N ="), n));
    // N = 2: p = 1 = 1/(N−1) exactly, so the numerator is 0 and divNoNan keeps w = 1 even when β = α.
    Operand<T> shift = tf.withControlDependencies(check).math.divNoNan(tf.math.sub(uniform, p), denominator); // [B,B]
    return tf.stopGradient(tf.math.add(BatchOps.scalar(tf, type, 1), tf.math.mul(alpha, shift))); // [B,B]
  }
}
