package dev.softinfonce.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.softinfonce.corpus.TokenizedCorpus;
import dev.softinfonce.config.ExperimentConfig;
import dev.softinfonce.config.ModelConfig;
import dev.softinfonce.data.Datasets;
import dev.softinfonce.data.Example;
import dev.softinfonce.estimator.EstimatorData;
import dev.softinfonce.estimator.EstimatorGraph;
import dev.softinfonce.model.InferenceModel;
import dev.softinfonce.model.PretrainedCheckpoint;
import dev.softinfonce.text.TokenizedBatch;
import dev.softinfonce.text.Tokenizer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.Graph;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.StdArrays;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;

/**
 * Frozen estimators in a real {@link TrainingGraph}: their variables stay bit-identical through AdamW
 * steps while the trainee's change (SimCSE and trained-online), and the cached trained-model estimator
 * yields the same relevance as the online one for the same frozen checkpoint.
 */
class FrozenEstimatorTest {
  @TempDir Path dir;

  private static final int VOCAB = 120;
  private static final int B = 6;

  private static ExperimentConfig softConfig(String estimator, String... overrides) {
    return ExperimentConfig.builder()
        .set("model.vocab_size", VOCAB).set("model.hidden_size", 32).set("model.num_layers", 1)
        .set("model.num_heads", 2).set("model.intermediate_size", 64).set("model.max_positions", 64)
        .set("model.max_query_length", 16).set("model.max_code_length", 24)
        .set("objective.name", "soft_infonce").set("objective.alpha", 1.3).set("objective.beta", 0.7)
        .set("objective.t", 0.1).set("estimator.name", estimator).set("estimator.model", "unused-here")
        .set("train.batch_size", B).set("train.learning_rate", 1e-2)
        .overrides(List.of(overrides)).build();
  }

  /** The frozen encoder's own (smaller) architecture. */
  private static ModelConfig estimatorModel() {
    return ExperimentConfig.builder().set("model.vocab_size", VOCAB).set("model.hidden_size", 16)
        .set("model.num_layers", 1).set("model.num_heads", 2).set("model.intermediate_size", 32)
        .set("model.max_positions", 64).set("model.max_query_length", 16).set("model.max_code_length", 24)
        .build().model();
  }

  private static int[][][] randomIds(Random rnd, int len) {
    int[][] ids = new int[B][len];
    int[][] mask = new int[B][len];
    for (int i = 0; i < B; i++) {
      int real = 2 + rnd.nextInt(len - 1);
      for (int p = 0; p < real; p++) {
        ids[i][p] = 4 + rnd.nextInt(VOCAB - 4);
        mask[i][p] = 1;
      }
    }
    return new int[][][] {ids, mask};
  }

  private static Map<String, float[]> values(Session s, Map<String, Variable<?>> vars) {
    Map<String, float[]> out = new LinkedHashMap<>();
    for (var e : vars.entrySet()) {
      try (Result r = s.runner().fetch(e.getValue()).run()) {
        TFloat32 t = (TFloat32) r.get(0);
        float[] v = new float[(int) t.shape().size()];
        t.copyTo(DataBuffers.of(v, false, false));
        out.put(e.getKey(), v);
      }
    }
    return out;
  }

  private static void trainStep(TrainingGraph tg, Session s, Random rnd, long step) {
    int[][][] q = randomIds(rnd, 8);
    int[][][] c = randomIds(rnd, 12);
    List<Tensor> feeds = new ArrayList<>();
    try {
      Session.Runner r = s.runner();
      r.feed(tg.queryIds, add(feeds, Trainer.ints(q[0]))).feed(tg.queryMask, add(feeds, Trainer.ints(q[1])))
          .feed(tg.codeIds, add(feeds, Trainer.ints(c[0]))).feed(tg.codeMask, add(feeds, Trainer.ints(c[1])))
          .feed(tg.sameCode, add(feeds, Trainer.bools(new boolean[B][B])))
          .feed(tg.exampleIndex, add(feeds, TInt32.vectorOf(0, 1, 2, 3, 4, 5)))
          .feed(tg.outputs().update().learningRate(), add(feeds, TFloat32.scalarOf(1e-2f)))
          .feed(tg.outputs().stepSeed(), add(feeds, TInt64.scalarOf(step)))
          .feed(tg.estimator.queryIds, add(feeds, Trainer.ints(q[0])))
          .feed(tg.estimator.queryMask, add(feeds, Trainer.ints(q[1])))
          .feed(tg.estimator.codeIds, add(feeds, Trainer.ints(c[0])))
          .feed(tg.estimator.codeMask, add(feeds, Trainer.ints(c[1])));
      StepOutputs o = tg.outputs();
      try (Result res = r.addTarget(o.update().train()).fetch(o.loss()).fetch(o.weightStats().min())
          .fetch(o.weightStats().max()).run()) {
        assertTrue(Float.isFinite(((TFloat32) res.get(0)).getFloat()));
        // The estimator really weighs the negatives (not all 1), so its output is on the path.
        assertTrue(((TFloat32) res.get(2)).getFloat() > ((TFloat32) res.get(1)).getFloat());
      }
    } finally {
      feeds.forEach(Tensor::close);
    }
  }

  private static <T extends Tensor> T add(List<Tensor> all, T t) {
    all.add(t);
    return t;
  }

  private static void frozenThroughTraining(ExperimentConfig cfg) {
    try (Graph g = new Graph()) {
      TrainingGraph tg = TrainingGraph.build(g, cfg,
          new EstimatorGraph.Resources(Set.of(0), 4.0, B, estimatorModel()));
      assertNotNull(tg.estimator.encoder);
      Map<String, Variable<?>> frozen = tg.estimator.encoder.variables();
      assertFalse(frozen.isEmpty());
      frozen.keySet().forEach(n -> assertTrue(n.startsWith(EstimatorGraph.ENCODER_PREFIX), n));
      try (Session s = new Session(g)) {
        s.initialize();
        Map<String, float[]> frozenBefore = values(s, frozen);
        Map<String, float[]> traineeBefore = values(s, tg.outputs().trainableVariables());
        Random rnd = new Random(11);
        for (int step = 0; step < 3; step++) {
          trainStep(tg, s, rnd, step);
        }
        Map<String, float[]> frozenAfter = values(s, frozen);
        for (String n : frozen.keySet()) {
          float[] a = frozenBefore.get(n);
          float[] b = frozenAfter.get(n);
          assertEquals(a.length, b.length);
          for (int k = 0; k < a.length; k++) {
            assertEquals(Float.floatToRawIntBits(a[k]), Float.floatToRawIntBits(b[k]), n + "[" + k + "] changed");
          }
        }
        Map<String, float[]> traineeAfter = values(s, tg.outputs().trainableVariables());
        int changed = 0;
        for (String n : traineeBefore.keySet()) {
          changed += java.util.Arrays.equals(traineeBefore.get(n), traineeAfter.get(n)) ? 0 : 1;
        }
        for (String n : List.of("embeddings.word_embeddings.weight", "encoder.layer.0.attention.self.query.weight")) {
          assertFalse(java.util.Arrays.equals(traineeBefore.get(n), traineeAfter.get(n)), n + " did not train");
        }
        assertTrue(changed > traineeBefore.size() / 2, changed + " of " + traineeBefore.size() + " changed");
      }
    }
  }

  @Test
  void simcseEstimatorStaysBitIdenticalWhileTheTraineeTrains() {
    frozenThroughTraining(softConfig("simcse"));
  }

  @Test
  void trainedOnlineEstimatorStaysBitIdenticalWhileTheTraineeTrains() {
    frozenThroughTraining(softConfig("trained", "objective.t=5.0", "estimator.mode=online"));
  }

  /** Relevance [B,B] of the batch {@code idx} for a trained-estimator config, as the Trainer would set it up. */
  private static float[][] relevance(ExperimentConfig cfg, List<Example> train, Path tokenizer, int[] idx) {
    try (Tokenizer qTok = Tokenizer.load(tokenizer, cfg.model().maxQueryLength());
         Tokenizer cTok = Tokenizer.load(tokenizer, cfg.model().maxCodeLength());
         Graph g = new Graph()) {
      EstimatorData side = EstimatorData.prepare(cfg, train);
      TrainingGraph tg = TrainingGraph.build(g, cfg,
          new EstimatorGraph.Resources(Trainer.specialIds(qTok), 4.0, train.size(), side.model()));
      TokenizedBatch q = TokenizedCorpus.of(train, Example::query, qTok).batch(idx);
      TokenizedBatch c = TokenizedCorpus.of(train, Example::code, cTok).batch(idx);
      List<Tensor> feeds = new ArrayList<>();
      try (Session s = new Session(g)) {
        s.initialize();
        Session.Runner r = s.runner().feed(tg.queryIds, add(feeds, Trainer.ints(q.ids())))
            .feed(tg.queryMask, add(feeds, Trainer.ints(q.mask())))
            .feed(tg.codeIds, add(feeds, Trainer.ints(c.ids()))).feed(tg.codeMask, add(feeds, Trainer.ints(c.mask())))
            .feed(tg.exampleIndex, add(feeds, TInt32.vectorOf(idx)));
        tg.estimator.restore(s, tg.outputs().tf(), side, message -> { });
        tg.estimator.feed(r, idx, side, feeds);
        try (Result res = r.fetch(tg.relevance).run()) {
          float[][] rel = new float[idx.length][idx.length];
          StdArrays.copyFrom((TFloat32) res.get(0), rel);
          return rel;
        }
      } finally {
        feeds.forEach(Tensor::close);
      }
    }
  }

  @Test
  void cachedTrainedEstimatorGivesTheOnlineRelevance() throws Exception {
    Path train = TrainerResumeTest.syntheticCorpus(dir, 120);
    Path teacher = dir.resolve("teacher");
    ExperimentConfig teacherCfg = ExperimentConfig.builder().set("data.train", train.toString())
        .set("model.vocab_size", 300).set("model.hidden_size", 32).set("model.num_layers", 1)
        .set("model.num_heads", 2).set("model.intermediate_size", 64)
        .set("train.output_dir", teacher.toString()).set("train.batch_size", 8).set("train.max_steps", 6)
        .set("train.learning_rate", 3e-3).set("train.progress", false).build();
    Trainer.of(teacherCfg).messages(m -> {}).run();

    List<String> common = List.of("data.train=" + train, "model.vocab_size=300", "model.hidden_size=32",
        "model.num_layers=1", "model.num_heads=2", "model.intermediate_size=64", "objective.name=soft_infonce",
        "objective.alpha=1.3", "objective.beta=0.7", "objective.t=5.0", "estimator.name=trained",
        "estimator.model=" + teacher, "train.batch_size=8", "eval.batch_size=16");
    List<String> online = new ArrayList<>(common);
    online.add("estimator.mode=online");
    List<String> cached = new ArrayList<>(common);
    cached.add("estimator.mode=cached");
    ExperimentConfig onlineCfg = Trainer.resolveModelFolders(ExperimentConfig.builder().overrides(online).build());
    ExperimentConfig cachedCfg = Trainer.resolveModelFolders(ExperimentConfig.builder().overrides(cached).build());
    assertEquals(Checkpoints.latest(teacher).orElseThrow().toString(), onlineCfg.estimator().model());

    List<Example> examples = Datasets.loadTrain(onlineCfg.data());
    Path tokenizer = teacher.resolve(PretrainedCheckpoint.TOKENIZER); // the trainee shares it here
    int[] idx = {5, 17, 3, 99, 42, 8, 110, 64};
    float[][] a = relevance(onlineCfg, examples, tokenizer, idx);
    float[][] b = relevance(cachedCfg, examples, tokenizer, idx);
    double spread = 0;
    for (int i = 0; i < idx.length; i++) {
      for (int j = 0; j < idx.length; j++) {
        assertEquals(a[i][j], b[i][j], 1e-4 * Math.max(1, Math.abs(a[i][j])), "relevance " + i + "," + j);
        spread = Math.max(spread, Math.abs(a[i][j] - a[0][0]));
      }
    }
    assertTrue(spread > 1e-3, "relevance is constant; the comparison would prove nothing");
  }

  @Test
  void trainedEstimatorScoresWithTheFrozenModelsTemperature() throws Exception {
    // A cosine teacher (normalize, τ = 0.05): relevance must be its own head's q·c/τ = 20·cos, not raw
    // cos in [-1, 1], which softmax(sim / 5) would flatten into uniform weights.
    Path train = TrainerResumeTest.syntheticCorpus(dir, 120);
    Path teacher = dir.resolve("cosine-teacher");
    ExperimentConfig teacherCfg = ExperimentConfig.builder().set("data.train", train.toString())
        .set("model.vocab_size", 300).set("model.hidden_size", 32).set("model.num_layers", 1)
        .set("model.num_heads", 2).set("model.intermediate_size", 64).set("model.normalize", true)
        .set("model.temperature", 0.05)
        .set("train.output_dir", teacher.toString()).set("train.batch_size", 8).set("train.max_steps", 4)
        .set("train.progress", false).build();
    Trainer.of(teacherCfg).messages(m -> {}).run();
    ExperimentConfig cfg = Trainer.resolveModelFolders(ExperimentConfig.builder().overrides(List.of(
        "data.train=" + train, "model.vocab_size=300", "model.hidden_size=32", "model.num_layers=1",
        "model.num_heads=2", "model.intermediate_size=64", "objective.name=soft_infonce", "objective.alpha=1.3",
        "objective.beta=0.7", "objective.t=5.0", "estimator.name=trained", "estimator.model=" + teacher,
        "train.batch_size=8")).build());
    List<Example> examples = Datasets.loadTrain(cfg.data());
    int[] idx = {1, 30, 77, 12};
    float[][] rel = relevance(cfg, examples, teacher.resolve(PretrainedCheckpoint.TOKENIZER), idx);
    try (InferenceModel m = InferenceModel.load(Path.of(cfg.estimator().model()), 8, 1)) {
      List<Example> picked = java.util.Arrays.stream(idx).mapToObj(examples::get).toList();
      float[][] q = m.encodeQueries(picked.stream().map(Example::query).toList(), null);
      float[][] c = m.encodeCodes(picked.stream().map(Example::code).toList(), null);
      for (int i = 0; i < idx.length; i++) {
        for (int j = 0; j < idx.length; j++) {
          double cos = 0;
          for (int d = 0; d < q[i].length; d++) {
            cos += q[i][d] * c[j][d];
          }
          assertEquals(20 * cos, rel[i][j], 1e-3, "relevance " + i + "," + j);
        }
      }
    }
  }
}
