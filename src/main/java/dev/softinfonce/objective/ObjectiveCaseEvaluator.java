package dev.softinfonce.objective;

import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Session;
import org.tensorflow.ndarray.StdArrays;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TFloat64;
import org.tensorflow.types.family.TFloating;

/**
 * Runs one {@link ObjectiveCase} through the real objective graph: embeddings → {@link ScoreMatrix} →
 * {@link Objectives#create} → loss and weights, in a throwaway graph and session. This is the engine of
 * {@code softinfonce objective eval}, for users comparing implementations; training builds the same
 * ops inside its own graph.
 */
public final class ObjectiveCaseEvaluator {

  /** The loss (mean over rows) and the [B,B] weight matrix (diagonal 1). */
  public record Result(double loss, double[][] weights) {}

  private ObjectiveCaseEvaluator() {}

  /**
   * Evaluates in {@code dtype} ({@code TFloat32} as training does, or {@code TFloat64}); inputs are
   * rounded to that dtype first.
   */
  public static <T extends TFloating> Result evaluate(ObjectiveCase c, Class<T> dtype) {
    try (Graph g = new Graph(); Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      Operand<T> q = tf.dtypes.cast(tf.constant(c.queryEmbeddings()), dtype); // [B,D]
      Operand<T> k = tf.dtypes.cast(tf.constant(c.codeEmbeddings()), dtype); // [B,D]
      Operand<T> scores = ScoreMatrix.scores(tf, q, k, c.config().objective().similarity()); // [B,B]
      Operand<T> rel = c.relevance() == null ? null : tf.dtypes.cast(tf.constant(c.relevance()), dtype); // [B,B]
      Operand<TBool> dup = c.duplicates() == null ? null : tf.constant(c.duplicates()); // [B,B]
      Objective objective = Objectives.create(c.config().objective());
      ObjectiveOutputs<T> out = objective.build(tf, scores, rel, dup);
      Operand<TFloat64> loss = tf.dtypes.cast(out.loss(), TFloat64.class);
      Operand<TFloat64> weights = tf.dtypes.cast(out.weights(), TFloat64.class);
      try (org.tensorflow.Result r = s.runner().fetch(loss).fetch(weights).run()) {
        double l = ((TFloat64) r.get(0)).getDouble();
        double[][] w = StdArrays.array2dCopyOf((TFloat64) r.get(1));
        return new Result(l, w);
      }
    }
  }

  /** Evaluates in float64. */
  public static Result evaluate(ObjectiveCase c) {
    return evaluate(c, TFloat64.class);
  }

  /** Evaluates in float32, the training dtype. */
  public static Result evaluateFloat32(ObjectiveCase c) {
    return evaluate(c, TFloat32.class);
  }
}
