package dev.softinfonce.objective;

import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TBool;
import org.tensorflow.types.family.TFloating;

/**
 * What one {@link Objective#build} call adds to a graph: the loss, the negative weights it used and
 * their statistics, all from one weight subgraph (so a graph that fetches all three holds the
 * estimator-derived weights once).
 *
 * @param loss [] scalar, a mean over the batch's rows
 * @param weights [B,B] multiplier of each {@code exp(s_ij)} term in the query→code softmax denominator:
 *     diagonal 1, removed pairs 0, under stopGradient; 1 off the diagonal for objectives that do not
 *     weight negatives
 * @param stats min, mean, max, clamped share and share below 0.5 of {@code weights} over the kept off-diagonal entries
 */
public record ObjectiveOutputs<T extends TFloating>(Operand<T> loss, Operand<T> weights, WeightStats<T> stats) {

  /**
   * The outputs of an objective that does not weight its negatives: weights 1 off the diagonal, 0 on
   * removed duplicates, nothing clamped.
   *
   * @param duplicateMask [B,B] the pairs the objective removed, or null
   */
  static <T extends TFloating> ObjectiveOutputs<T> unweighted(Ops tf, Operand<T> scores, Operand<T> loss,
      Operand<TBool> duplicateMask) {
    Operand<T> weights = unitWeights(tf, scores, duplicateMask); // [B,B]
    return new ObjectiveOutputs<>(loss, weights, WeightStats.of(tf, weights, BatchOps.none(tf, scores), duplicateMask));
  }

  /** Weights 1 everywhere but on removed pairs (0). [B,B], constant */
  static <T extends TFloating> Operand<T> unitWeights(Ops tf, Operand<T> scores, Operand<TBool> duplicateMask) {
    return BatchOps.finishWeights(tf, scores, BatchOps.filled(tf, scores, 1), duplicateMask);
  }
}
