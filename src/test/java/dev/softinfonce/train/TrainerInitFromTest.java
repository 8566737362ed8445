package dev.softinfonce.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.softinfonce.config.ExperimentConfig;
import dev.softinfonce.config.ModelConfig;
import dev.softinfonce.model.PretrainedStarts;
import dev.softinfonce.model.PretrainedStartsTest;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code model.init_from} loads every trainee tensor and takes the architecture from the checkpoint. */
class TrainerInitFromTest {
  @TempDir Path dir;

  @Test
  void initFromACheckpointLoadsEveryTensorAndItsArchitecture() throws Exception {
    Path train = TrainerResumeTest.syntheticCorpus(dir, 160);
    ExperimentConfig a = ExperimentConfig.builder()
        .set("data.train", train.toString()).set("data.valid", train.toString())
        .set("model.vocab_size", 300).set("model.hidden_size", 32).set("model.num_layers", 2)
        .set("model.num_heads", 2).set("model.intermediate_size", 64)
        .set("train.output_dir", dir.resolve("a").toString()).set("train.batch_size", 8).set("train.max_steps", 20)
        .set("train.learning_rate", 3e-3).set("train.progress", false).build();
    Trainer.Result ra = Trainer.of(a).messages(s -> {}).run();

    // B: a different architecture in its own config, init_from A, and a learning rate too small to move
    // anything: its validation at step 1 must equal A's final validation.
    List<String> log = new ArrayList<>();
    ExperimentConfig b = a.toBuilder().set("model.hidden_size", 64).set("model.num_layers", 1)
        .set("model.init_from", ra.lastCheckpoint().toString())
        .set("train.output_dir", dir.resolve("b").toString()).set("train.max_steps", 1)
        .set("train.learning_rate", 1e-12).set("train.warmup_steps", 0).build();
    Trainer tb = Trainer.of(b).messages(log::add);
    assertEquals(32, tb.config().model().hiddenSize(), "architecture comes from the checkpoint");
    assertEquals(2, tb.config().model().numLayers());
    Trainer.Result rb = tb.run();
    assertTrue(log.stream().anyMatch(l -> l.matches("init_from .*: loaded (\\d+) of \\1 trainable tensors.*")),
        String.join("\n", log));
    assertEquals(ra.bestValidMrr(), rb.bestValidMrr(), 1e-6);
  }

  @Test
  void aHuggingFaceFolderIsAStartWithNoOtherModelKey() throws Exception {
    Path train = TrainerResumeTest.syntheticCorpus(dir, 64);
    Path tok = dir.resolve("tok.json");
    try (var in = TrainerInitFromTest.class.getClassLoader().getResourceAsStream("all-minilm-l6-v2-tokenizer.json")) {
      java.nio.file.Files.copy(in, tok);
    }
    ModelConfig tiny = ExperimentConfig.builder().set("model.vocab_size", 30522).set("model.hidden_size", 16)
        .set("model.num_layers", 1).set("model.num_heads", 2).set("model.intermediate_size", 32)
        .set("model.max_positions", 32).set("model.max_query_length", 16).set("model.max_code_length", 16)
        .build().model();
    Path hf = dir.resolve("hf");
    PretrainedStartsTest.writeHuggingFaceFolder(hf, tiny, tok);
    System.setProperty(PretrainedStarts.CACHE_PROPERTY, dir.resolve("cache").toString());
    try {
      List<String> log = new ArrayList<>();
      ExperimentConfig cfg = ExperimentConfig.builder()
          .set("data.train", train.toString()).set("model.init_from", hf.toString())
          .set("train.output_dir", dir.resolve("run").toString()).set("train.batch_size", 8).set("train.max_steps", 2)
          .set("train.progress", false).build();
      Trainer t = Trainer.of(cfg).messages(log::add);
      assertEquals(16, t.config().model().hiddenSize());
      assertEquals(ModelConfig.Pooling.CLS, t.config().model().pooling(), "from 1_Pooling/config.json");
      assertTrue(t.config().model().normalize(), "from the Normalize module");
      assertTrue(t.config().model().initFrom().startsWith(dir.resolve("cache").toString()), t.config().model().initFrom());
      Trainer.Result r = t.run();
      assertEquals(2, r.steps());
      assertTrue(Double.isFinite(r.finalLoss()));
      assertTrue(log.stream().anyMatch(l -> l.matches("init_from .*: loaded (\\d+) of \\1 trainable tensors.*")),
          String.join("\n", log));
    } finally {
      System.clearProperty(PretrainedStarts.CACHE_PROPERTY);
    }
  }
}
