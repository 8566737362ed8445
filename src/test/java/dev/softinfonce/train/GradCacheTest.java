package dev.softinfonce.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.softinfonce.config.ExperimentConfig;
import dev.softinfonce.estimator.EstimatorGraph;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.StdArrays;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;

/**
 * The gradient cache ({@code train.grad_cache.chunk_size}) against the one-pass step on the same batch,
 * the same initial variables and the same dropout step, with dropout on (hidden and attention 0.1): the
 * loss, the full-batch gradient of every trained variable and the AdamW update must agree within 1e-5
 * (fp32). Dropout draws are addressed by batch row ({@code nn.Dropout}), so a chunk re-encoded in the
 * backward pass, and the one-pass graph, draw the same masks; with any other masks the losses differ by
 * far more than the tolerance (checked below by shifting the chunks' row offset).
 */
class GradCacheTest {
  private static final int BATCH = 64;
  private static final double TOL = 1e-5;

  static ExperimentConfig config(String objective, String estimator, int chunk) {
    return ExperimentConfig.builder()
        .set("model.vocab_size", 60).set("model.hidden_size", 16).set("model.num_layers", 2)
        .set("model.num_heads", 2).set("model.intermediate_size", 32).set("model.max_positions", 32)
        .set("model.max_query_length", 9).set("model.max_code_length", 13)
        .set("model.hidden_dropout", 0.1).set("model.attention_dropout", 0.1)
        .set("objective.name", objective).set("estimator.name", estimator)
        .set("train.batch_size", BATCH).set("train.seed", 5).set("train.learning_rate", 1e-3)
        .set("train.grad_clip", 1.0).set("train.threads", 1).set("train.grad_cache.chunk_size", chunk)
        .build();
  }

  @Test
  void infonceInChunksOf8EqualsTheFullBatch() {
    assertSameStep(config("infonce", "uniform", 0), config("infonce", "uniform", 8));
  }

  @Test
  void softInfonceWithBm25InChunksOf8EqualsTheFullBatch() {
    assertSameStep(config("soft_infonce", "bm25", 0), config("soft_infonce", "bm25", 8));
  }

  @Test
  void aLastChunkSmallerThanTheOthersEqualsTheFullBatch() {
    assertSameStep(config("infonce", "uniform", 0), config("infonce", "uniform", 24)); // 24 + 24 + 16
  }

  @Test
  void learntTemperatureGetsItsGradientFromTheObjectiveRun() {
    ExperimentConfig one = config("infonce", "uniform", 0).toBuilder().set("model.learn_temperature", true)
        .set("model.normalize", true).set("model.temperature", 0.05).build();
    assertSameStep(one, one.toBuilder().set("train.grad_cache.chunk_size", 16).build());
  }

  @Test
  void simcseViewsInChunksOf8EqualTheFullBatch() {
    ExperimentConfig simcse = config("infonce", "uniform", 0).toBuilder().set("objective.name", "simcse")
        .set("objective.t", 0.07).set("model.normalize", true).build();
    assertSameStep(simcse, simcse.toBuilder().set("train.grad_cache.chunk_size", 8).build());
  }

  @Test
  void otherDropoutMasksGiveAnotherLoss() {
    ExperimentConfig chunked = config("infonce", "uniform", 8);
    Batch batch = Batch.draw(chunked);
    float reference = run(config("infonce", "uniform", 0), batch, 3).loss;
    float other = run(chunked, batch, 4).loss; // the masks of another step
    assertTrue(Math.abs(reference - other) > 100 * TOL, "masks matter: " + reference + " vs " + other);
  }

  private static void assertSameStep(ExperimentConfig oneConfig, ExperimentConfig chunkedConfig) {
    Batch batch = Batch.draw(oneConfig);
    Outcome one = run(oneConfig, batch, 3);
    Outcome chunked = run(chunkedConfig, batch, 3);
    assertEquals(one.before.keySet(), chunked.before.keySet());
    for (String name : one.before.keySet()) {
      assertClose(one.before.get(name), chunked.before.get(name), 0, name + " starts equal");
    }
    assertEquals(one.loss, chunked.loss, TOL, "loss");
    assertEquals(one.gradNorm, chunked.gradNorm, TOL * Math.max(1, one.gradNorm), "gradient norm");
    assertTrue(one.gradNorm > 0.01, "a real gradient: " + one.gradNorm);
    double moved = 0;
    for (String name : one.before.keySet()) {
      assertClose(one.gradient.get(name), chunked.gradient.get(name), TOL, "gradient of " + name);
      float[] a = one.after.get(name);
      float[] b = chunked.after.get(name);
      float[] start = one.before.get(name);
      float[] da = new float[a.length];
      float[] db = new float[a.length];
      for (int i = 0; i < a.length; i++) {
        da[i] = a[i] - start[i];
        db[i] = b[i] - start[i];
        moved = Math.max(moved, Math.abs(da[i]));
      }
      assertClose(da, db, TOL, "update of " + name);
    }
    assertTrue(moved > 1e-4, "the step moved the variables: " + moved);
  }

  private static void assertClose(float[] expected, float[] actual, double tol, String what) {
    assertEquals(expected.length, actual.length, what);
    double worst = 0;
    for (int i = 0; i < expected.length; i++) {
      worst = Math.max(worst, Math.abs(expected[i] - actual[i]));
    }
    assertTrue(worst <= tol, what + ": max |difference| " + worst + " > " + tol);
  }

  /** What one step did: variables before and after (flat), the full-batch gradient, loss and gradient norm. */
  private record Outcome(Map<String, float[]> before, Map<String, float[]> gradient, Map<String, float[]> after,
      float loss, float gradNorm) {}

  /** One training step of {@code cfg} on {@code batch} with the dropout masks of step {@code dropoutStep}. */
  private static Outcome run(ExperimentConfig cfg, Batch batch, long dropoutStep) {
    try (Graph g = new Graph()) {
      StepGraph tg = TrainingGraph.simcse(cfg) ? SimCseTrainingGraph.build(g, cfg)
          : TrainingGraph.build(g, cfg, new EstimatorGraph.Resources(Set.of(0), 6.0, BATCH, null));
      List<String> names = new ArrayList<>();
      List<Output<?>> vars = new ArrayList<>();
      for (Map.Entry<String, org.tensorflow.op.core.Variable<?>> e : tg.outputs().trainableVariables().entrySet()) {
        names.add(e.getKey());
        vars.add(e.getValue().asOutput());
      }
      // The one-pass graph's gradient, evaluated before its update; the cache's is read after its step.
      List<Operand<?>> gradients = new ArrayList<>();
      GradCache.Plan plan = tg.outputs().gradCache();
      if (plan == null) {
        Output<?> loss = tg.outputs().loss().asOutput();
        for (Output<?> gr : g.addGradients("check", new Output<?>[] {loss}, vars.toArray(new Output<?>[0]),
            null)) {
          gradients.add(gr);
        }
      } else {
        for (Output<?> v : vars) {
          gradients.add(plan.gradients().get(plan.variables().indexOf(v)));
        }
      }
      List<Tensor> open = new ArrayList<>();
      try (Session s = new Session(g)) {
        s.initialize();
        Map<Operand<?>, Tensor> in = batch.feeds(tg, dropoutStep, open);
        Consumer<Session.Runner> feed = r -> in.forEach(r::feed);
        Map<String, float[]> before = values(s, names, vars, feed);
        float loss;
        float norm;
        Map<String, float[]> gradient;
        if (plan == null) {
          gradient = values(s, names, gradients, feed);
          Session.Runner r = s.runner();
          feed.accept(r);
          StepOutputs o = tg.outputs();
          try (Result res = r.addTarget(o.update().train()).fetch(o.loss()).fetch(o.update().gradNorm()).run()) {
            loss = ((TFloat32) res.get(0)).getFloat();
            norm = ((TFloat32) res.get(1)).getFloat();
          }
        } else {
          float[] v = GradCacheStep.step(s, plan, BATCH, feed, List.of(tg.outputs().loss()));
          loss = v[0];
          norm = v[1];
          gradient = values(s, names, gradients, feed);
        }
        return new Outcome(before, gradient, values(s, names, vars, feed), loss, norm);
      } finally {
        open.forEach(Tensor::close);
      }
    }
  }

  private static <T extends Tensor> T keep(List<Tensor> open, T t) {
    open.add(t);
    return t;
  }

  private static Map<String, float[]> values(Session s, List<String> names, List<? extends Operand<?>> xs,
      Consumer<Session.Runner> feed) {
    Session.Runner r = s.runner();
    feed.accept(r);
    xs.forEach(r::fetch);
    Map<String, float[]> out = new LinkedHashMap<>();
    try (Result res = r.run()) {
      for (int i = 0; i < names.size(); i++) {
        TFloat32 t = (TFloat32) res.get(i);
        float[] flat = new float[(int) t.size()];
        t.copyTo(org.tensorflow.ndarray.buffer.DataBuffers.of(flat, false, false));
        out.put(names.get(i), flat);
      }
    }
    return out;
  }

  /** One batch of random token ids with real lengths, two duplicate codes and example indices. */
  private record Batch(int[][] qIds, int[][] qMask, int[][] cIds, int[][] cMask, boolean[][] same, int[] index) {
    static Batch draw(ExperimentConfig cfg) {
      Random rnd = new Random(11);
      int[][][] q = MixedPrecisionTrainingTest.tokens(rnd, BATCH, cfg.model().maxQueryLength(), cfg.model().vocabSize());
      int[][][] c = MixedPrecisionTrainingTest.tokens(rnd, BATCH, cfg.model().maxCodeLength(), cfg.model().vocabSize());
      c[0][7] = c[0][3].clone(); // rows 3 and 7 hold the same code
      c[1][7] = c[1][3].clone();
      boolean[][] same = new boolean[BATCH][BATCH];
      int[] index = new int[BATCH];
      for (int i = 0; i < BATCH; i++) {
        same[i][i] = true;
        index[i] = i;
      }
      same[3][7] = same[7][3] = true;
      return new Batch(q[0], q[1], c[0], c[1], same, index);
    }

    Map<Operand<?>, Tensor> feeds(StepGraph sg, long dropoutStep, List<Tensor> open) {
      Map<Operand<?>, Tensor> in = new LinkedHashMap<>();
      if (sg instanceof SimCseTrainingGraph simcse) { // the docstrings (here the query tokens) only
        in.put(simcse.queryIds, keep(open, TInt32.tensorOf(StdArrays.ndCopyOf(qIds))));
        in.put(simcse.queryMask, keep(open, TInt32.tensorOf(StdArrays.ndCopyOf(qMask))));
      } else {
        TrainingGraph tg = (TrainingGraph) sg;
        in.put(tg.queryIds, keep(open, TInt32.tensorOf(StdArrays.ndCopyOf(qIds))));
        in.put(tg.queryMask, keep(open, TInt32.tensorOf(StdArrays.ndCopyOf(qMask))));
        in.put(tg.codeIds, keep(open, TInt32.tensorOf(StdArrays.ndCopyOf(cIds))));
        in.put(tg.codeMask, keep(open, TInt32.tensorOf(StdArrays.ndCopyOf(cMask))));
        in.put(tg.sameCode, keep(open, TBool.tensorOf(StdArrays.ndCopyOf(same))));
        in.put(tg.exampleIndex, keep(open, TInt32.vectorOf(index)));
      }
      in.put(sg.outputs().update().learningRate(), keep(open, TFloat32.scalarOf(1e-3f)));
      in.put(sg.outputs().stepSeed(), keep(open, TInt64.scalarOf(dropoutStep)));
      return in;
    }
  }
}
