package dev.softinfonce.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.softinfonce.config.ExperimentConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every epoch end validates and checkpoints; logged epochs are the epoch each step trained on. */
class TrainerEpochTest {
  @TempDir Path dir;

  @Test
  void validatesAndCheckpointsAtEachEpochEnd() throws Exception {
    Path train = TrainerResumeTest.syntheticCorpus(dir, 160); // 20 batches of 8 per epoch
    ExperimentConfig cfg = ExperimentConfig.builder()
        .set("data.train", train.toString()).set("data.valid", train.toString())
        .set("model.vocab_size", 300).set("model.hidden_size", 16).set("model.num_layers", 1)
        .set("model.num_heads", 2).set("model.intermediate_size", 32)
        .set("train.output_dir", dir.resolve("run").toString()).set("train.batch_size", 8).set("train.epochs", 2)
        .set("train.checkpoint_every", 1000).set("train.log_every", 5).set("train.progress", false).build();
    Trainer.Result r = Trainer.of(cfg).messages(s -> {}).run();
    assertEquals(40, r.steps());
    List<Map<String, Object>> log = MetricsLog.read(dir.resolve("run").resolve(MetricsLog.FILE));
    List<Long> validated = log.stream().filter(m -> m.containsKey(Trainer.SELECT_METRIC))
        .map(m -> ((Number) m.get("step")).longValue()).toList();
    assertEquals(List.of(20L, 40L), validated);
    for (Map<String, Object> m : log) {
      long step = ((Number) m.get("step")).longValue();
      assertEquals(step <= 20 ? 0 : 1, ((Number) m.get("epoch")).intValue(), "epoch logged at step " + step);
    }
    assertTrue(Files.isDirectory(dir.resolve("run/checkpoint-20")) && Files.isDirectory(dir.resolve("run/checkpoint-40")));
    TrainState s20 = Checkpoints.readState(dir.resolve("run/checkpoint-20"));
    assertEquals(1, s20.epoch(), "resume position after epoch 0 is the start of epoch 1");
    assertEquals(0, s20.batchInEpoch());
  }
}
