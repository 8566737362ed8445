package dev.softinfonce.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.softinfonce.cli.CliTestSupport;
import dev.softinfonce.config.ExperimentConfig;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code train --resume} on a run whose newest checkpoint is damaged: the damage is reported with the
 * checkpoint and the reason, the run continues from the newest checkpoint that verifies and reaches the
 * same losses as the uninterrupted run; retention never deletes the last checkpoint that verifies.
 */
class ResumeFromDamagedCheckpointTest {
  @TempDir static Path dir;
  static Path train;
  static Path full;

  static ExperimentConfig config(Path out, int maxSteps) {
    return ExperimentConfig.builder()
        .set("data.train", train.toString())
        .set("model.vocab_size", 300).set("model.hidden_size", 16).set("model.num_layers", 1)
        .set("model.num_heads", 2).set("model.intermediate_size", 32)
        .set("train.output_dir", out.toString()).set("train.batch_size", 8).set("train.max_steps", maxSteps)
        .set("train.checkpoint_every", 2).set("train.keep_checkpoints", 2).set("train.log_every", 1)
        .set("train.progress", false).build();
  }

  @BeforeAll
  static void uninterruptedRun() throws Exception {
    train = TrainerResumeTest.syntheticCorpus(dir, 64);
    full = dir.resolve("full");
    Trainer.of(config(full, 8)).messages(s -> { }).run();
  }

  static void flipByte(Path file, long at) throws Exception {
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
      f.seek(at);
      int b = f.read();
      f.seek(at);
      f.write(b ^ 0x5A);
    }
  }

  @Test
  void resumeSkipsTheDamagedNewestCheckpointSaysSoAndMatchesTheUninterruptedRun() throws Exception {
    Path run = dir.resolve("damaged");
    Trainer.of(config(run, 8)).stopAfter(6).messages(s -> { }).run();
    assertEquals(List.of(2L, 4L), Checkpoints.steps(run));
    flipByte(run.resolve("checkpoint-4/variables.data-00000-of-00001"), 50);

    List<String> messages = new ArrayList<>();
    Trainer.Result r = assertTimeoutPreemptively(Duration.ofSeconds(60),
        () -> Trainer.resume(run).messages(messages::add).run());
    assertEquals(8, r.steps());
    assertTrue(messages.stream().anyMatch(m -> m.matches("warning: checkpoint .*checkpoint-4 is damaged, skipping it: "
        + ".*variables\\.data-00000-of-00001: damaged: SHA-256 checksum mismatch.*")), messages.toString());
    assertTrue(messages.contains("resuming from checkpoint-2, the newest checkpoint that verifies"), messages.toString());
    assertTrue(messages.stream().anyMatch(m -> m.startsWith("resumed from ") && m.contains("checkpoint-2 at step 2")),
        messages.toString());
    var expected = MetricsLog.read(full.resolve(MetricsLog.FILE));
    var got = MetricsLog.read(run.resolve(MetricsLog.FILE));
    double lossFull = ((Number) expected.get(expected.size() - 1).get("loss")).doubleValue();
    double lossResumed = ((Number) got.get(got.size() - 1).get("loss")).doubleValue();
    assertEquals(lossFull, lossResumed, 1e-5, "loss at step 8");
  }

  @Test
  void theCommandLineResumesFromThePreviousCheckpointAndANoCheckpointRunIsOneLine() throws Exception {
    Path run = dir.resolve("cli");
    Trainer.of(config(run, 8)).stopAfter(6).messages(s -> { }).run();
    Files.writeString(run.resolve("checkpoint-4/state.json"), "{\"step\": ");
    CliTestSupport.Run r = assertTimeoutPreemptively(Duration.ofSeconds(60),
        () -> CliTestSupport.run("train", "--resume", run.toString()));
    assertEquals(0, r.exitCode(), r.err());
    assertTrue(r.out().contains("resuming from checkpoint-2, the newest checkpoint that verifies"), r.out());
    assertTrue((r.out() + r.err()).contains("checkpoint-4 is damaged, skipping it: "), r.out() + r.err());

    Path none = dir.resolve("none");
    Trainer.of(config(none, 2)).messages(s -> { }).run();
    Files.write(none.resolve("checkpoint-2/variables.index"), new byte[0]);
    r = assertTimeoutPreemptively(Duration.ofSeconds(60), () -> CliTestSupport.run("train", "--resume", none.toString()));
    assertEquals(2, r.exitCode(), r.err());
    List<String> lines = r.err().lines().filter(l -> l.startsWith("error: ")).toList();
    assertEquals(1, lines.size(), r.err());
    assertTrue(lines.get(0).matches("error: --resume .*none: no checkpoint verifies: .*variables\\.index: damaged: 0 bytes.*"),
        lines.get(0));
  }
}
