package dev.softinfonce.estimator;

import java.util.Objects;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.ReduceMax;
import org.tensorflow.op.linalg.MatMul;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.family.TFloating;

/**
 * Unsupervised SimCSE objective (Gao, Yao, Chen 2021, arXiv 2104.08821), used to train the SimCSE
 * estimator's sentence encoder on the training docstrings (paper §3.2; reference {@code nl_simcse.py}).
 *
 * <h2>Formula</h2>
 * The same batch is encoded twice with dropout on, giving views {@code z1, z2 [B, D]}; with
 * {@code ẑ = z/‖z‖} and temperature τ (0.07 in the reference):
 * <pre>
 *   L = −(1/B) Σ_i log( exp(ẑ1_i·ẑ2_i / τ) / Σ_j exp(ẑ1_i·ẑ2_j / τ) )
 * </pre>
 * i.e. in-batch cross-entropy over cosine/τ logits where the positive of row i is its own second view.
 * The two views differ only by dropout, so the encoder must be in training mode and draw independent
 * masks on each call.
 *
 * <h2>Example</h2>
 * {@code z1 = z2 = [[1,0],[0,1]]}, τ = 0.07: logits {@code [[14.29, 0],[0, 14.29]]},
 * {@code L = log(1 + e^{−14.29}) ≈ 6.2e−7}. With {@code z2 = [[0,1],[1,0]]} (views swapped)
 * {@code L = 14.29 + log(1 + e^{−14.29}) ≈ 14.286}.
 *
 * <h2>Relations</h2>
 * The same form as InfoNCE with cosine/τ, applied to docstring–docstring pairs instead of query–code.
 * The estimator ({@link SimCseEstimator}) later uses the trained encoder frozen, without dropout.
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
    Operand<T> a = Embeddings.l2Normalize(s, z1);                          // [B, D]
    Operand<T> b = Embeddings.l2Normalize(s, z2);                          // [B, D]
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

  /**
   * Encodes the batch twice with {@code trainingEncoder} (dropout on; each call must draw fresh
   * dropout masks) and returns {@link #loss(Ops, Operand, Operand)} of the two views.
   *
   * @param ids docstring ids {@code [B, L]}
   * @param mask {@code [B, L]}
   */
  public Operand<TFloat32> loss(Ops tf, TextEncoder trainingEncoder, Operand<TInt32> ids,
      Operand<TInt32> mask) {
    Objects.requireNonNull(trainingEncoder, "trainingEncoder");
    Operand<TFloat32> z1 = trainingEncoder.encode(ids, mask);             // [B, D]
    Operand<TFloat32> z2 = trainingEncoder.encode(ids, mask);             // [B, D], other dropout
    return loss(tf, z1, z2);
  }
}
