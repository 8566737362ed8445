package dev.softinfonce.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.softinfonce.config.ExperimentConfig;
import dev.softinfonce.data.Datasets;
import dev.softinfonce.eval.ModelEvaluation;
import dev.softinfonce.eval.RetrievalResult;
import dev.softinfonce.model.InferenceModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Validation inside the training session (the trainee's dropout-free view over its own variables) gives
 * the figures a standalone {@code eval} of the saved checkpoint gives, and leaves nothing on disk.
 */
class SessionValidationTest {
  @TempDir Path dir;

  @Test
  void inSessionValidationEqualsEvaluatingTheCheckpoint() throws Exception {
    Path train = TrainerResumeTest.syntheticCorpus(dir, 64);
    Path run = dir.resolve("run");
    ExperimentConfig cfg = ExperimentConfig.builder()
        .set("data.train", train.toString()).set("data.valid", train.toString())
        .set("model.vocab_size", 300).set("model.hidden_size", 16).set("model.num_layers", 1)
        .set("model.num_heads", 2).set("model.intermediate_size", 32).set("model.hidden_dropout", 0.3)
        .set("eval.batch_size", 24) // batches that do not divide the pool: padding as a standalone eval pads
        .set("train.output_dir", run.toString()).set("train.batch_size", 8).set("train.max_steps", 3)
        .set("train.eval_every", 3).set("train.progress", false).build();
    Trainer.Result r = Trainer.of(cfg).messages(s -> {}).run();
    List<Map<String, Object>> log = MetricsLog.read(run.resolve(MetricsLog.FILE));
    Map<String, Object> validated = log.stream().filter(m -> m.containsKey(Trainer.SELECT_METRIC)).findFirst()
        .orElseThrow();
    Path ckpt = run.resolve("checkpoint-3");
    RetrievalResult standalone;
    try (InferenceModel m = InferenceModel.load(ckpt, cfg.eval().batchSize(), 1)) {
      standalone = ModelEvaluation.evaluate(m, Datasets.valid(cfg.data()), cfg.eval(), null);
    }
    assertEquals(standalone.metrics().mrr(), ((Number) validated.get(Trainer.SELECT_METRIC)).doubleValue(), 1e-6);
    assertEquals(standalone.metrics().recallAt1(), ((Number) validated.get("valid_r@1")).doubleValue(), 1e-6);
    assertEquals(ckpt, r.bestCheckpoint());
    try (var files = Files.list(run)) {
      assertFalse(files.anyMatch(p -> p.getFileName().toString().startsWith(".validation")),
          "no validation snapshot on disk");
    }
  }
}
