package dev.softinfonce.estimator;

import dev.softinfonce.nn.L2Normalize;
import java.util.Objects;
import java.util.Set;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.op.linalg.MatMul;
import org.tensorflow.types.TFloat32;

/**
 * SimCSE estimator (paper §3.2): a frozen sentence encoder scores the cosine similarity between query
 * i and the docstring of example j, {@code sim[i][j] = ê(q_i) · ê(d_j)} with {@code ê = e/‖e‖}.
 * The paper estimates query–code relevance indirectly through the code's own docstring ("code's
 * positive query"); in the reference the docstring is the query itself, so {@code sim = Q̂ Q̂ᵀ}, and the
 * objective then uses t = 0.1 (Table 7).
 *
 * <p>The encoder is trained beforehand with unsupervised SimCSE ({@link dev.softinfonce.objective.SimCseLoss}) on the training
 * docstrings, and must be built frozen (inference mode, variables named per
 * {@link RelevanceEstimator#isEstimatorVariable}). Its inputs are ids of <em>its own</em> tokenizer: the
 * caller puts them in {@link EstimatorInputs} (query and, if different, docstring).
 */
public final class SimCseEstimator implements RelevanceEstimator {
  private final TextEncoder encoder;

  /** @param encoder the frozen SimCSE sentence encoder, {@code [B, L] → [B, D]} */
  public SimCseEstimator(TextEncoder encoder) {
    this.encoder = Objects.requireNonNull(encoder, "encoder");
  }

  @Override
  public String name() {
    return "simcse";
  }

  @Override
  public Set<EstimatorInput> inputs() {
    return Set.of(EstimatorInput.QUERY, EstimatorInput.DOCSTRING);
  }

  @Override
  public Operand<TFloat32> sim(Ops tf, EstimatorInputs in) {
    in.requireAll(this);
    Ops s = tf.withSubScope("simcse");
    Operand<TFloat32> q = L2Normalize.rows(s,
        encoder.encode(in.queryIds(), in.queryMask()));                    // [B, D]
    Operand<TFloat32> d = in.docstringIds() == in.queryIds() && in.docstringMask() == in.queryMask()
        ? q // the reference's case: one forward pass
        : L2Normalize.rows(s, encoder.encode(in.docstringIds(), in.docstringMask())); // [B, D]
    Operand<TFloat32> cosine = s.linalg.matMul(q, d, MatMul.transposeB(true)); // [B, B]
    return tf.withName("simcse_sim").stopGradient(cosine);
  }
}
