package dev.softinfonce.objective;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.softinfonce.config.ObjectiveConfig;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.StdArrays;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat64;

/**
 * Finite-difference checks of every objective's TF gradient (float64), with respect to the scores and
 * through query/code embeddings (dot and cosine); and graph checks that nothing flows into the
 * relevance input or out of the weights.
 */
class GradientTest {
  private static final List<Map<String, Object>> OBJECTIVES = List.of(
      Map.of("name", "infonce"),
      Map.of("name", "infonce", "symmetric", true),
      Map.of("name", "soft_infonce", "alpha", 1.3, "beta", 0.7, "t", 0.5, "min_weight", 0.3),
      Map.of("name", "soft_infonce", "alpha", 1.3, "beta", 0.7, "t", 0.5, "symmetric", true, "mask_duplicates", true),
      Map.of("name", "bce", "t", 0.5, "mask_duplicates", true),
      Map.of("name", "weighted_infonce", "t", 0.5),
      Map.of("name", "kl_regularization", "alpha", 0.7, "beta", 1.3, "t", 0.5, "mask_duplicates", true),
      Map.of("name", "fn_cancel_topk", "top_k", 2),
      Map.of("name", "fn_cancel_ratio", "ratio", 0.5, "mask_duplicates", true));

  private static final double H = 1e-5;

  /** Graph with placeholders {@code inputs}, a loss, its gradients; evaluates loss at fed values. */
  private static final class Probe implements AutoCloseable {
    final Graph g = new Graph();
    final Session s = new Session(g);
    final Ops tf = Ops.create(g);
    final List<Placeholder<TFloat64>> inputs;
    final Placeholder<TFloat64> relevance;
    final Placeholder<TBool> dup;
    final Operand<TFloat64> loss;
    final Output<?>[] grads;

    Probe(int nInputs, BiFunction<Ops, List<Placeholder<TFloat64>>, Operand<TFloat64>> scoresOf,
        Objective objective) {
      inputs = new java.util.ArrayList<>();
      for (int i = 0; i < nInputs; i++) {
        inputs.add(tf.placeholder(TFloat64.class, Placeholder.shape(Shape.of(-1, -1))));
      }
      relevance = tf.placeholder(TFloat64.class, Placeholder.shape(Shape.of(-1, -1)));
      dup = tf.placeholder(TBool.class, Placeholder.shape(Shape.of(-1, -1)));
      loss = objective.build(tf, scoresOf.apply(tf, inputs), relevance, dup).loss();
      grads = g.addGradients(loss.asOutput(), inputs.stream().map(Operand::asOutput).toArray(Output<?>[]::new));
    }

    double[][][] run(double[][][] values, double[][] rel, boolean[][] d, boolean withGrads) {
      var runner = s.runner();
      List<AutoCloseable> open = new java.util.ArrayList<>();
      try {
        for (int i = 0; i < values.length; i++) {
          TFloat64 t = TFloat64.tensorOf(StdArrays.ndCopyOf(values[i]));
          open.add(t);
          runner.feed(inputs.get(i), t);
        }
        TFloat64 rt = TFloat64.tensorOf(StdArrays.ndCopyOf(rel));
        TBool dt = TBool.tensorOf(StdArrays.ndCopyOf(d));
        open.add(rt);
        open.add(dt);
        runner.feed(relevance, rt).feed(dup, dt).fetch(loss);
        if (withGrads) {
          for (Output<?> gr : grads) {
            runner.fetch(gr);
          }
        }
        try (Result r = runner.run()) {
          double[][][] out = new double[1 + (withGrads ? grads.length : 0)][][];
          out[0] = new double[][] {{((TFloat64) r.get(0)).getDouble()}};
          for (int i = 1; i < out.length; i++) {
            out[i] = StdArrays.array2dCopyOf((TFloat64) r.get(i));
          }
          return out;
        }
      } finally {
        for (AutoCloseable c : open) {
          try {
            c.close();
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        }
      }
    }

    @Override
    public void close() {
      s.close();
      g.close();
    }
  }

  private static void checkFiniteDifferences(Probe p, double[][][] values, double[][] rel, boolean[][] dup,
      String what) {
    double[][][] analytic = p.run(values, rel, dup, true);
    for (int k = 0; k < values.length; k++) {
      for (int i = 0; i < values[k].length; i++) {
        for (int j = 0; j < values[k][i].length; j++) {
          double orig = values[k][i][j];
          values[k][i][j] = orig + H;
          double up = p.run(values, rel, dup, false)[0][0][0];
          values[k][i][j] = orig - H;
          double down = p.run(values, rel, dup, false)[0][0][0];
          values[k][i][j] = orig;
          double numeric = (up - down) / (2 * H);
          double a = analytic[1 + k][i][j];
          assertEquals(numeric, a, 1e-7 + 1e-6 * Math.abs(numeric),
              what + " input " + k + " [" + i + "][" + j + "]");
        }
      }
    }
  }

  @Test
  void scoresGradientMatchesFiniteDifferences() {
    Random rnd = new Random(21);
    int n = 5;
    for (Map<String, Object> values : OBJECTIVES) {
      Objective o = Objectives.create(Harness.config(values));
      double[][] s = Harness.gaussian(rnd, n, n, 1.5);
      double[][] rel = Harness.gaussian(rnd, n, n, 1);
      boolean[][] dup = Harness.duplicates(rnd, n, 0.25);
      try (Probe p = new Probe(1, (tf, in) -> in.get(0), o)) {
        checkFiniteDifferences(p, new double[][][] {s}, rel, dup, values.toString());
      }
    }
  }

  @Test
  void embeddingGradientMatchesFiniteDifferences() {
    Random rnd = new Random(22);
    int n = 4;
    int d = 3;
    for (ObjectiveConfig.Similarity sim : ObjectiveConfig.Similarity.values()) {
      for (Map<String, Object> values : List.of(OBJECTIVES.get(1), OBJECTIVES.get(3), OBJECTIVES.get(4),
          OBJECTIVES.get(6), OBJECTIVES.get(7))) {
        Objective o = Objectives.create(Harness.config(values));
        try (Probe p = new Probe(2, (tf, in) -> ScoreMatrix.scores(tf, in.get(0), in.get(1), sim), o)) {
          double[][] q = Harness.gaussian(rnd, n, d, 1);
          double[][] c = Harness.gaussian(rnd, n, d, 1);
          checkFiniteDifferences(p, new double[][][] {q, c}, Harness.gaussian(rnd, n, n, 1),
              Harness.duplicates(rnd, n, 0.25), sim + " " + values);
        }
      }
    }
  }

  /** d(loss + 0·Σ relevance)/d relevance must be exactly 0: the objective's own path is cut by stopGradient. */
  @Test
  void noGradientIntoRelevanceOrOutOfWeights() {
    Random rnd = new Random(23);
    int n = 6;
    for (Map<String, Object> values : OBJECTIVES) {
      Objective o = Objectives.create(Harness.config(values));
      try (Graph g = new Graph(); Session s = new Session(g)) {
        Ops tf = Ops.create(g);
        Placeholder<TFloat64> sp = tf.placeholder(TFloat64.class, Placeholder.shape(Shape.of(-1, -1)));
        Placeholder<TFloat64> rp = tf.placeholder(TFloat64.class, Placeholder.shape(Shape.of(-1, -1)));
        Operand<TFloat64> zeroPath = tf.math.mul(tf.constant(0.0),
            tf.reduceSum(rp, tf.constant(new int[] {0, 1}))); // gives addGradients a defined path
        ObjectiveOutputs<TFloat64> out = o.build(tf, sp, rp, null);
        Operand<TFloat64> loss = tf.math.add(out.loss(), zeroPath);
        Output<?>[] dRel = g.addGradients("grad_rel", new Output<?>[] {loss.asOutput()},
            new Output<?>[] {rp.asOutput()}, null);
        Operand<TFloat64> wSum = tf.math.add(tf.reduceSum(out.weights(), tf.constant(new int[] {0, 1})),
            tf.math.mul(tf.constant(0.0), tf.reduceSum(sp, tf.constant(new int[] {0, 1}))));
        Output<?>[] dW = g.addGradients("grad_w", new Output<?>[] {wSum.asOutput()}, new Output<?>[] {sp.asOutput()},
            null);
        try (TFloat64 st = TFloat64.tensorOf(StdArrays.ndCopyOf(Harness.gaussian(rnd, n, n, 1)));
             TFloat64 rt = TFloat64.tensorOf(StdArrays.ndCopyOf(Harness.gaussian(rnd, n, n, 1)));
             Result r = s.runner().feed(sp, st).feed(rp, rt).fetch(dRel[0]).fetch(dW[0]).run()) {
          for (int k = 0; k < 2; k++) {
            double[][] grad = StdArrays.array2dCopyOf((TFloat64) r.get(k));
            assertEquals(0, Harness.maxAbsDiff(grad, new double[n][n]), 0, values + " output " + k);
          }
        }
      }
    }
  }
}
