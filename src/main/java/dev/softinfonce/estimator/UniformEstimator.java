package dev.softinfonce.estimator;

import java.util.Set;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * All scores equal ({@code sim = 0 [B, B]}): the softmax over the negatives is uniform, 1/(N−1), so
 * every Soft-InfoNCE weight is exactly 1 and the objective reduces to InfoNCE (paper §2.2). Used for
 * ablations and as the default.
 */
public final class UniformEstimator implements RelevanceEstimator {

  @Override
  public String name() {
    return "uniform";
  }

  /** Only the query, to know the batch size. */
  @Override
  public Set<EstimatorInput> inputs() {
    return Set.of(EstimatorInput.QUERY);
  }

  @Override
  public Operand<TFloat32> sim(Ops tf, EstimatorInputs in) {
    in.requireAll(this);
    Ops s = tf.withSubScope("uniform");
    Operand<TInt32> b = s.gather(s.shape(in.queryIds()), s.constant(0), s.constant(0)); // scalar B
    Operand<TFloat32> zeros = s.zeros(s.stack(java.util.List.of(b, b)), TFloat32.class); // [B, B]
    return tf.withName("uniform_sim").stopGradient(zeros);
  }
}
