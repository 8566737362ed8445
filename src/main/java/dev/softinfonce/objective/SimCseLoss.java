package dev.softinfonce.objective;

import dev.softinfonce.nn.L2Normalize;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.ReduceMax;
import org.tensorflow.op.linalg.MatMul;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.family.TFloating;

/**
 * Unsupervised SimCSE loss (Gao, Yao, Chen 2021), which trains the SimCSE estimator's sentence encoder
 * on the training docstrings ({@code objective.name: simcse}, built by {@code train.SimCseTrainingGraph}).
 * Unlike the other objectives it does not score queries against code: its two inputs are two dropout
 * views of the same docstrings, and it sees embeddings, not a score matrix.
 *
 * <h2>Formula</h2>
 * The same batch is encoded twice with dropout on, giving views {@code z1, z2 [B, D]}; with
 * {@code ẑ = z/‖z‖} (rows) and temperature τ ({@code objective.t}; 0.07 in the reference):
 * <pre>
 *   l_ij = ẑ1_i·ẑ2_j / τ                                           [B,B] logits
 *   L    = −(1/B) Σ_i log( exp(l_ii) / Σ_j exp(l_ij) )  =  (1/B) Σ_i [ logsumexp_j(l_ij) − l_ii ]
 * </pre>
 * i.e. in-batch cross-entropy over cosine/τ logits where the positive of row i is its own second view.
 * It is InfoNCE (Eq. 1) with cosine/τ scores, applied to docstring–docstring pairs instead of
 * query–code. The two views differ only by dropout, so the encoder must be in training mode and draw
 * independent masks on each call. The estimator ({@code estimator.SimCseEstimator}) later uses the
 * trained encoder frozen, without dropout.
 *
 * <h2>Reference</h2>
 * Gao, Yao, Chen, "SimCSE: Simple Contrastive Learning of Sentence Embeddings", EMNLP 2021,
 * arXiv 2104.08821, Eq. 1; Li et al., "Rethinking Negative Pairs in Code Search", EMNLP 2023, §3.2
 * (reference code {@code nl_simcse.py}).
 *
 * <h2>Worked example (B = 2, τ = 0.5)</h2>
 * <pre>
 *   z1 = [[1, 0], [0, 1]]      z2 = [[2, 0], [1, 1]]   →  ẑ2 = [[1, 0], [1/√2, 1/√2]]
 *   cos = [[1, 1/√2], [0, 1/√2]]                       →  l = [[2, √2], [0, √2]]
 *   row 0: log(e² + e^√2) − 2 = log(1 + e^(√2 − 2)) = 0.4425476
 *   row 1: log(1 + e^√2) − √2 = log(1 + e^(−√2))    = 0.2176217
 *   L = (0.4425476 + 0.2176217) / 2 = 0.3300847
 * </pre>
 */
public final class SimCseLoss {
  /** τ of the reference {@code nl_simcse.py}. */
  public static final double TEMPERATURE_DEFAULT = 0.07;

  private final double temperature;

  /** With τ = {@value #TEMPERATURE_DEFAULT}. */
  public SimCseLoss() {
    this(TEMPERATURE_DEFAULT);
  }

  /** @param temperature τ &gt; 0 */
  public SimCseLoss(double temperature) {
    if (!(temperature > 0) || Double.isInfinite(temperature)) {
      throw new IllegalArgumentException("SimCSE temperature must be finite and > 0, got " + temperature);
    }
    this.temperature = temperature;
  }

  public double temperature() {
    return temperature;
  }

  /**
   * The loss from two views.
   *
   * @param z1 first view {@code [B, D]}
   * @param z2 second view {@code [B, D]}, same rows
   * @return scalar mean cross-entropy
   */
  public <T extends TFloating> Operand<T> loss(Ops tf, Operand<T> z1, Operand<T> z2) {
    return lossFromLogits(tf, logits(tf, z1, z2));
  }

  /**
   * The SimCSE logits {@code ẑ1·ẑ2ᵀ / τ}: cosine of every first view against every second view over τ.
   *
   * @param z1 first view {@code [B, D]}
   * @param z2 second view {@code [B, D]}
   * @return {@code [B, B]}; row i's positive is column i
   */
  public <T extends TFloating> Operand<T> logits(Ops tf, Operand<T> z1, Operand<T> z2) {
    Ops s = tf.withSubScope("simcse_logits");
    Operand<T> a = L2Normalize.rows(s, z1);                               // [B, D]
    Operand<T> b = L2Normalize.rows(s, z2);                               // [B, D]
    return s.math.div(s.linalg.matMul(a, b, MatMul.transposeB(true)),      // [B, B]
        s.dtypes.cast(s.constant(temperature), z1.type()));
  }

  /**
   * In-batch cross-entropy with the diagonal as positives, from {@link #logits} {@code [B, B]}.
   *
   * @return scalar mean over the rows
   */
  public <T extends TFloating> Operand<T> lossFromLogits(Ops tf, Operand<T> logits) {
    Ops s = tf.withSubScope("simcse_loss");
    Operand<TInt32> n = s.gather(s.shape(logits), s.constant(0), s.constant(0)); // scalar B
    Operand<T> labels = s.oneHot(s.range(s.constant(0), n, s.constant(1)), n, // [B, B] identity
        s.dtypes.cast(s.constant(1.0), logits.type()), s.dtypes.cast(s.constant(0.0), logits.type()));
    // Cross-entropy written out as logsumexp − positive logit. The fused SoftmaxCrossEntropyWithLogits
    // op is avoided: its C++ gradient fails to build for float64 ("Inconsistent values for attr 'T'
    // DT_DOUBLE vs. DT_FLOAT"), and this form is exact in both precisions.
    Operand<TInt32> rowAxis = s.constant(1);
    Operand<T> rowMax = s.stopGradient(                                    // [B, 1]
        s.reduceMax(logits, rowAxis, ReduceMax.keepDims(true)));
    Operand<T> logSumExp = s.math.add(s.reduceSum(rowMax, rowAxis),       // [B]
        s.math.log(s.reduceSum(s.math.exp(s.math.sub(logits, rowMax)), rowAxis)));
    Operand<T> positive = s.reduceSum(s.math.mul(logits, labels), rowAxis); // [B] logits[i][i]
    Operand<T> perRow = s.math.sub(logSumExp, positive);                  // [B]
    return tf.withName("simcse_loss").math.mean(perRow, s.constant(0));
  }
}
