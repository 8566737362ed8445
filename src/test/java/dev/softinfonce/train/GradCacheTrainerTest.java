package dev.softinfonce.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.softinfonce.config.ExperimentConfig;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code train.grad_cache.chunk_size} through the trainer: the logged losses of a short run in chunks
 * (with a smaller last chunk) follow those of the one-pass run, and a SimCSE run trains and validates in
 * chunks (its two dropout views are two tower outputs of the cache).
 */
class GradCacheTrainerTest {
  @TempDir Path dir;

  private ExperimentConfig config(Path train, String run, int chunk) {
    return ExperimentConfig.builder()
        .set("data.train", train.toString()).set("data.valid", train.toString())
        .set("model.vocab_size", 300).set("model.hidden_size", 16).set("model.num_layers", 1)
        .set("model.num_heads", 2).set("model.intermediate_size", 32)
        .set("train.output_dir", dir.resolve(run).toString()).set("train.batch_size", 8).set("train.max_steps", 4)
        .set("train.log_every", 1).set("train.progress", false).set("train.grad_cache.chunk_size", chunk).build();
  }

  @Test
  void chunkedRunLogsTheLossesOfTheOnePassRun() throws Exception {
    Path train = TrainerResumeTest.syntheticCorpus(dir, 40);
    Trainer.of(config(train, "one", 0)).messages(s -> { }).run();
    Trainer.Result chunked = Trainer.of(config(train, "chunked", 3)).messages(s -> { }).run(); // 3 + 3 + 2
    assertEquals(4, chunked.steps());
    List<Double> one = losses(dir.resolve("one"));
    List<Double> cached = losses(dir.resolve("chunked"));
    assertEquals(4, one.size());
    for (int i = 0; i < one.size(); i++) {
      assertEquals(one.get(i), cached.get(i), 1e-4, "loss at step " + (i + 1));
    }
  }

  @Test
  void simcseTrainsAndValidatesInChunks() throws Exception {
    Path train = TrainerResumeTest.syntheticCorpus(dir, 40);
    ExperimentConfig cfg = config(train, "simcse", 4).toBuilder().set("objective.name", "simcse")
        .set("objective.t", 0.07).set("model.normalize", true).build();
    Trainer.Result r = Trainer.of(cfg).messages(s -> { }).run();
    assertEquals(4, r.steps());
    assertTrue(Double.isFinite(r.finalLoss()) && r.finalLoss() > 0, "loss " + r.finalLoss());
    assertTrue(r.bestValidMrr() != null && r.bestValidMrr() > 0, "validated: " + r.bestValidMrr());
  }

  private static List<Double> losses(Path run) throws Exception {
    return MetricsLog.read(run.resolve(MetricsLog.FILE)).stream().filter(m -> !m.containsKey(Trainer.SELECT_METRIC))
        .map(m -> ((Number) m.get("loss")).doubleValue()).toList();
  }
}
