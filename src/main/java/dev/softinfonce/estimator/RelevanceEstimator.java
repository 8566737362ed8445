package dev.softinfonce.estimator;

import java.util.Set;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * A relevance estimator (paper §3): builds the raw score matrix {@code sim [B, B]}, where
 * {@code sim[i][j]} says how relevant the code of example j is to query i. The objective turns the
 * off-diagonal part into negative weights (Soft-InfoNCE Eq. 4: softmax over j ≠ i with temperature t);
 * the diagonal is ignored there.
 *
 * <p><b>Never differentiated.</b> Every implementation returns its result through
 * {@code tf.stopGradient}, so no gradient reaches the trainee through the weights, and none reaches the
 * estimator's own variables.
 *
 * <p><b>Frozen variables.</b> Variables belonging to an estimator (frozen encoders, cached embedding
 * tables) must be named with the prefix {@value #VARIABLE_PREFIX} (or live under the name scope
 * {@code estimator/}, as {@code tf.withSubScope("estimator")} produces). The trainer calls
 * {@link #isEstimatorVariable(String)} to drop them from the gradient/apply list and from the optimizer
 * slots. Recipe (checked in {@code EstimatorStopGradientTest}): collect the graph's {@code VariableV2}
 * ops whose name fails this predicate, call {@code graph.addGradients(loss, thoseOutputs)}, wrap the
 * pairs in {@code Optimizer.GradAndVar} and call {@code optimizer.applyGradients}. Do not use
 * {@code Optimizer.computeGradients(loss)}/{@code minimize}: they differentiate with respect to every
 * variable in the graph, and TF throws "Cannot compute the partial derivative for node ... as it's
 * unreachable" for a variable with no forward path to the loss (e.g. an unused cache). A variable whose
 * only path runs through {@code stopGradient} gets a closed {@code Output} (no gradient), which
 * {@code applyGradients} skips.
 *
 * <p>Implementations build ops only; they never run a session.
 */
public interface RelevanceEstimator {

  /** Name prefix of every estimator-owned variable, e.g. {@code estimator.cache_query}. */
  String VARIABLE_PREFIX = "estimator.";

  /** Name-scope form of the prefix, produced by {@code tf.withSubScope("estimator")}. */
  String VARIABLE_SCOPE = "estimator/";

  /**
   * Whether a graph variable belongs to an estimator and must therefore never be updated by the
   * trainer (nor saved as a trainee parameter).
   *
   * @param variableName the variable op's name, e.g. {@code variable.op().name()}
   */
  static boolean isEstimatorVariable(String variableName) {
    return variableName.startsWith(VARIABLE_PREFIX) || variableName.startsWith(VARIABLE_SCOPE);
  }

  /** The estimator's YAML name ({@code bm25}, {@code simcse}, {@code trained}, {@code self}, ...). */
  String name();

  /** The batch inputs {@link #sim} reads; the caller must provide at least these. */
  Set<EstimatorInput> inputs();

  /**
   * Builds the relevance scores.
   *
   * @param tf ops of the training graph
   * @param in the batch operands; must hold every input in {@link #inputs()}
   * @return {@code sim [B, B]}, float32, behind {@code tf.stopGradient}
   * @throws IllegalArgumentException if a needed input is missing
   */
  Operand<TFloat32> sim(Ops tf, EstimatorInputs in);
}
