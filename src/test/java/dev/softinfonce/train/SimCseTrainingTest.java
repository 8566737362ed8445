package dev.softinfonce.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.softinfonce.config.ConfigException;
import dev.softinfonce.config.ExperimentConfig;
import dev.softinfonce.model.InferenceModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.Graph;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.StdArrays;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;

/**
 * {@code objective.name: simcse}: the training graph encodes the docstrings twice with different dropout
 * masks, its loss is SimCSE's (checked against a plain-Java cross-entropy over cos/τ of the fetched
 * views), the Trainer drives it to a lower loss on a toy corpus, and its run folder serves as
 * {@code estimator.model} of a Soft-InfoNCE run.
 */
class SimCseTrainingTest {
  @TempDir Path dir;

  static ExperimentConfig tiny(String... overrides) {
    return ExperimentConfig.builder()
        .set("model.vocab_size", 300).set("model.hidden_size", 32).set("model.num_layers", 1)
        .set("model.num_heads", 2).set("model.intermediate_size", 64).set("model.max_positions", 64)
        .set("model.max_query_length", 16).set("model.max_code_length", 24)
        .set("objective.name", "simcse").set("objective.t", 0.07)
        .set("train.batch_size", 8).set("train.progress", false)
        .overrides(List.of(overrides)).build();
  }

  /** Views, logits and loss of one forward pass (no update) at dropout step {@code step}. */
  private record Forward(float[][] z1, float[][] z2, float[][] logits, float loss) {}

  private static Forward forward(SimCseTrainingGraph tg, Session s, int[][] ids, int[][] mask, long step) {
    try (TInt32 idT = Trainer.ints(ids); TInt32 maskT = Trainer.ints(mask); TInt64 st = TInt64.scalarOf(step);
         Result r = s.runner().feed(tg.queryIds, idT).feed(tg.queryMask, maskT).feed(tg.outputs().stepSeed(), st)
             .fetch(tg.view1).fetch(tg.view2).fetch(tg.scores).fetch(tg.outputs().loss()).run()) {
      int b = ids.length;
      int d = (int) r.get(0).shape().get(1);
      float[][] z1 = new float[b][d];
      float[][] z2 = new float[b][d];
      float[][] l = new float[b][b];
      StdArrays.copyFrom((TFloat32) r.get(0), z1);
      StdArrays.copyFrom((TFloat32) r.get(1), z2);
      StdArrays.copyFrom((TFloat32) r.get(2), l);
      return new Forward(z1, z2, l, ((TFloat32) r.get(3)).getFloat());
    }
  }

  private static int[][][] randomBatch(long seed, int b, int len, int vocab) {
    Random rnd = new Random(seed);
    int[][] ids = new int[b][len];
    int[][] mask = new int[b][len];
    for (int i = 0; i < b; i++) {
      int real = 3 + rnd.nextInt(len - 2);
      for (int p = 0; p < real; p++) {
        ids[i][p] = 4 + rnd.nextInt(vocab - 4);
        mask[i][p] = 1;
      }
    }
    return new int[][][] {ids, mask};
  }

  /** Plain-Java SimCSE: cos(z1_i, z2_j)/τ, mean over rows of logsumexp − diagonal. */
  static double[][] plainLogits(float[][] z1, float[][] z2, double tau) {
    int b = z1.length;
    double[][] l = new double[b][b];
    for (int i = 0; i < b; i++) {
      for (int j = 0; j < b; j++) {
        double dot = 0;
        double n1 = 0;
        double n2 = 0;
        for (int k = 0; k < z1[i].length; k++) {
          dot += (double) z1[i][k] * z2[j][k];
          n1 += (double) z1[i][k] * z1[i][k];
          n2 += (double) z2[j][k] * z2[j][k];
        }
        l[i][j] = dot / Math.sqrt(n1) / Math.sqrt(n2) / tau;
      }
    }
    return l;
  }

  static double plainLoss(double[][] l) {
    double sum = 0;
    for (int i = 0; i < l.length; i++) {
      double max = Double.NEGATIVE_INFINITY;
      for (double v : l[i]) {
        max = Math.max(max, v);
      }
      double e = 0;
      for (double v : l[i]) {
        e += Math.exp(v - max);
      }
      sum += max + Math.log(e) - l[i][i];
    }
    return sum / l.length;
  }

  private static double maxAbsDiff(float[][] a, float[][] b) {
    double m = 0;
    for (int i = 0; i < a.length; i++) {
      for (int k = 0; k < a[i].length; k++) {
        m = Math.max(m, Math.abs(a[i][k] - b[i][k]));
      }
    }
    return m;
  }

  @Test
  void twoViewsDifferOnlyByDropoutAndTheLossIsSimCse() {
    int[][][] batch = randomBatch(7, 6, 10, 300);
    try (Graph g = new Graph()) {
      SimCseTrainingGraph tg = SimCseTrainingGraph.build(g, tiny());
      try (Session s = new Session(g)) {
        s.initialize();
        Forward f = forward(tg, s, batch[0], batch[1], 3);
        // Different masks: the views of the same docstrings differ ...
        assertTrue(maxAbsDiff(f.z1(), f.z2()) > 1e-3, "views identical: one dropout mask for both encodes");
        // ... the masks are a function of the step: the same step gives the same views, another step others.
        Forward again = forward(tg, s, batch[0], batch[1], 3);
        assertEquals(0.0, maxAbsDiff(f.z1(), again.z1()));
        assertEquals(0.0, maxAbsDiff(f.z2(), again.z2()));
        assertTrue(maxAbsDiff(f.z1(), forward(tg, s, batch[0], batch[1], 4).z1()) > 1e-3);
        // Loss and logits against plain Java over the fetched views (τ = objective.t = 0.07).
        double[][] l = plainLogits(f.z1(), f.z2(), 0.07);
        for (int i = 0; i < l.length; i++) {
          for (int j = 0; j < l.length; j++) {
            assertEquals(l[i][j], f.logits()[i][j], 1e-4 * Math.max(1, Math.abs(l[i][j])), "logit " + i + "," + j);
          }
        }
        double expected = plainLoss(l);
        assertEquals(expected, f.loss(), 1e-5 * Math.max(1, expected));
      }
    }
    // Control: without dropout both encodes are the same function, so the views agree to the bit.
    try (Graph g = new Graph()) {
      SimCseTrainingGraph tg = SimCseTrainingGraph.build(g, tiny("model.hidden_dropout=0", "model.attention_dropout=0"));
      try (Session s = new Session(g)) {
        s.initialize();
        Forward f = forward(tg, s, batch[0], batch[1], 3);
        assertEquals(0.0, maxAbsDiff(f.z1(), f.z2()));
      }
    }
  }

  @Test
  void validationRankCountsColumnsStrictlyAboveThePositive() {
    float[][] l = {{3, 1, 4}, {0, 2, 1}, {5, 5, 1}};
    assertEquals(2, SimCseValidation.rank(l, 0)); // 4 > 3
    assertEquals(1, SimCseValidation.rank(l, 1));
    assertEquals(3, SimCseValidation.rank(l, 2)); // 5 and 5 > 1
  }

  @Test
  void configRejectsSimcseWithAnEstimatorOrDuplicateMasking() {
    String est = assertThrows(ConfigException.class, () -> tiny("estimator.name=bm25")).getMessage();
    assertTrue(est.contains("estimator.name") && est.contains("simcse"), est);
    String dup = assertThrows(ConfigException.class, () -> tiny("objective.mask_duplicates=true")).getMessage();
    assertTrue(dup.contains("objective.mask_duplicates"), dup);
    String temp = assertThrows(ConfigException.class, () -> tiny("model.learn_temperature=true")).getMessage();
    assertTrue(temp.contains("model.learn_temperature"), temp);
  }

  @Test
  void trainerLowersTheLossAndItsRunServesAsTheSimcseEstimator() throws Exception {
    Path train = TrainerResumeTest.syntheticCorpus(dir, 160);
    Path validDir = Files.createDirectories(dir.resolve("valid"));
    Path valid = TrainerResumeTest.syntheticCorpus(validDir, 40); // same format, written as train.jsonl
    Path run = dir.resolve("simcse");
    List<String> messages = new ArrayList<>();
    ExperimentConfig cfg = tiny("data.train=" + train, "data.valid=" + valid, "train.output_dir=" + run,
        "train.max_steps=40", "train.log_every=1", "train.checkpoint_every=20", "train.eval_every=20",
        "train.learning_rate=3e-3", "train.warmup_steps=3");
    Trainer.Result r = Trainer.of(cfg).messages(messages::add).run();
    assertEquals(40, r.steps());

    List<Double> losses = new ArrayList<>();
    List<Map<String, Object>> validations = new ArrayList<>();
    for (Map<String, Object> rec : MetricsLog.read(run.resolve(MetricsLog.FILE))) {
      if (rec.containsKey("valid_mrr")) {
        validations.add(rec);
      } else if (rec.get("loss") instanceof Number n) {
        losses.add(n.doubleValue());
        assertEquals(1.0, ((Number) rec.get("weight_mean")).doubleValue(), 0.0, "simcse weights are all 1");
      }
    }
    assertEquals(40, losses.size());
    double first = losses.subList(0, 5).stream().mapToDouble(x -> x).average().orElseThrow();
    double last = losses.subList(35, 40).stream().mapToDouble(x -> x).average().orElseThrow();
    assertTrue(last < 0.7 * first, "SimCSE loss did not decrease: first 5 " + first + ", last 5 " + last);
    assertEquals(2, validations.size(), validations.toString());
    for (Map<String, Object> v : validations) {
      double mrr = ((Number) v.get("valid_mrr")).doubleValue();
      assertTrue(mrr > 0 && mrr <= 1, v.toString());
      assertTrue(v.containsKey("valid_loss"), v.toString());
    }
    assertTrue(messages.stream().anyMatch(m -> m.contains("valid (simcse")), messages.toString());

    // Same checkpoint layout as any run: loadable by InferenceModel, and as estimator.model by run folder.
    Path best = Checkpoints.resolveModel(run, "estimator.model");
    assertEquals(r.bestCheckpoint(), best);
    try (InferenceModel m = InferenceModel.load(best, 16, 1)) {
      assertEquals(32, m.encodeQueries(List.of("read the file x1"), null)[0].length);
    }
    Path soft = dir.resolve("soft");
    ExperimentConfig softCfg = ExperimentConfig.builder()
        .set("data.train", train.toString())
        .set("model.vocab_size", 300).set("model.hidden_size", 32).set("model.num_layers", 1)
        .set("model.num_heads", 2).set("model.intermediate_size", 64)
        .set("objective.name", "soft_infonce").set("objective.alpha", 1.3).set("objective.beta", 0.7)
        .set("objective.t", 0.1).set("estimator.name", "simcse").set("estimator.model", run.toString())
        .set("train.output_dir", soft.toString()).set("train.batch_size", 8).set("train.max_steps", 4)
        .set("train.log_every", 1).set("train.progress", false).build();
    List<String> softMessages = new ArrayList<>();
    Trainer.of(softCfg).messages(softMessages::add).run();
    Path latest = Checkpoints.latest(soft).orElseThrow();
    String saved = ExperimentConfig.load(latest.resolve(Checkpoints.CONFIG), List.of()).estimator().model();
    assertEquals(best.toString(), saved, "saved config should name the resolved checkpoint");
    assertTrue(softMessages.stream().anyMatch(m -> m.startsWith("estimator simcse: loaded")), softMessages.toString());
    for (Map<String, Object> rec : MetricsLog.read(soft.resolve(MetricsLog.FILE))) {
      double min = ((Number) rec.get("weight_min")).doubleValue();
      double max = ((Number) rec.get("weight_max")).doubleValue();
      assertTrue(min >= 0.1 - 1e-6 && max > min, "SimCSE-weighted negatives should vary: " + rec);
    }
  }
}
