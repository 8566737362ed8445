package dev.softinfonce.estimator;

import java.util.Set;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * The reference code's <em>accidental</em> "trained model" estimator: the live trainee's own scores
 * {@code s = q·cᵀ} under stop-gradient (self-weighting).
 *
 * <p>In the released code the predictor and the trainee wrap the same encoder object
 * ({@code model_predict = Model(model)}, {@code model_train = Model(model)}; paper.md §3.3, §9 item 1),
 * so the estimator is the model being trained, not the separately loaded frozen InfoNCE checkpoint the
 * paper describes ({@link TrainedModelEstimator}). This variant reproduces that behaviour and is only
 * selected by its own name, {@code estimator.name: self}. Unlike the reference, dropout is whatever the
 * live scores were computed with (the training graph's), not toggled by eval()/train() calls.
 */
public final class SelfEstimator implements RelevanceEstimator {

  @Override
  public String name() {
    return "self";
  }

  @Override
  public Set<EstimatorInput> inputs() {
    return Set.of(EstimatorInput.LIVE_SCORES);
  }

  /** @return the live scores {@code [B, B]} behind {@code stopGradient} */
  @Override
  public Operand<TFloat32> sim(Ops tf, EstimatorInputs in) {
    in.requireAll(this);
    return tf.withName("self_sim").stopGradient(in.liveScores());
  }
}
