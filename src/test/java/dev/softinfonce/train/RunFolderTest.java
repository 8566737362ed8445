package dev.softinfonce.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.softinfonce.cli.CliTestSupport;
import dev.softinfonce.config.ConfigException;
import dev.softinfonce.config.ExperimentConfig;
import dev.softinfonce.integrity.Manifest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Two runs never share a folder: a fresh run refuses a used one, {@code --overwrite} starts clean. */
class RunFolderTest {
  @TempDir Path dir;

  static ExperimentConfig config(Path train, Path out, int steps, String... overrides) {
    return ExperimentConfig.builder()
        .set("data.train", train.toString())
        .set("model.vocab_size", 300).set("model.hidden_size", 32).set("model.num_layers", 1)
        .set("model.num_heads", 2).set("model.intermediate_size", 64)
        .set("train.output_dir", out.toString()).set("train.batch_size", 8).set("train.max_steps", steps)
        .set("train.checkpoint_every", 4).set("train.log_every", 1).set("train.progress", false)
        .overrides(List.of(overrides)).build();
  }

  /** Every file under {@code root} with its SHA-256. */
  static Map<String, String> snapshot(Path root) throws IOException {
    Map<String, String> m = new TreeMap<>();
    try (Stream<Path> s = Files.walk(root)) {
      for (Path p : s.filter(Files::isRegularFile).toList()) {
        m.put(root.relativize(p).toString(), Manifest.sha256(p));
      }
    }
    return m;
  }

  @Test
  void freshRunIntoUsedFolderFailsNamingItAndLeavesTheOldRunIntact() throws Exception {
    Path train = TrainerResumeTest.syntheticCorpus(dir, 96);
    Path run = dir.resolve("run");
    Trainer.of(config(train, run, 12)).messages(s -> { }).run();
    Map<String, String> before = snapshot(run);
    assertTrue(before.keySet().stream().anyMatch(k -> k.startsWith("tensorboard")), before.toString());

    // a shorter run (the old one would keep checkpoint-12 while the new one's were pruned) is refused
    ConfigException e = assertThrows(ConfigException.class,
        () -> Trainer.of(config(train, run, 4, "train.seed=7")).messages(s -> { }).run());
    assertEquals("train.output_dir", e.key());
    assertTrue(e.getMessage().contains(run.toString()) && e.getMessage().contains("--overwrite")
        && e.getMessage().contains("--resume") && e.getMessage().contains("checkpoint-12/"), e.getMessage());
    assertEquals(before, snapshot(run), "the old run's files");

    // the same through the command line: one line, exit 2, folder named
    Path cfgFile = dir.resolve("other.yaml");
    Files.writeString(cfgFile, config(train, run, 4, "train.seed=7").toYaml());
    CliTestSupport.Run r = CliTestSupport.run("train", cfgFile.toString());
    assertEquals(2, r.exitCode(), r.err());
    assertEquals(1, r.err().strip().lines().count(), r.err());
    assertTrue(r.err().startsWith("error: train.output_dir " + run + " holds another run"), r.err());
    assertEquals(before, snapshot(run), "the old run's files after the CLI attempt");
  }

  @Test
  void overwriteRemovesTheOldRunFirstThenStartsClean() throws Exception {
    Path train = TrainerResumeTest.syntheticCorpus(dir, 96);
    Path run = dir.resolve("run");
    Trainer.of(config(train, run, 12)).messages(s -> { }).run();
    Files.writeString(run.resolve("notes.txt"), "mine"); // not a run file: kept, and no reason to refuse
    List<String> messages = new ArrayList<>();
    Trainer.Result r = Trainer.of(config(train, run, 4, "train.seed=7")).overwrite(true).messages(messages::add).run();

    assertTrue(messages.get(0).startsWith("--overwrite: removed the old run in " + run + " (checkpoint-12/, checkpoint-4/"),
        messages.toString());
    assertEquals(4, r.steps());
    assertEquals(List.of(run.resolve("checkpoint-4")), Checkpoints.list(run), "only the new run's checkpoints");
    assertEquals(run.resolve("checkpoint-4"), r.bestCheckpoint());
    List<Long> steps = MetricsLog.read(run.resolve(MetricsLog.FILE)).stream()
        .map(m -> ((Number) m.get("step")).longValue()).toList();
    assertEquals(List.of(1L, 2L, 3L, 4L), steps, "metrics.jsonl holds the new run only");
    try (Stream<Path> s = Files.list(run.resolve(TensorBoard.DIR))) {
      assertEquals(1, s.count(), "one TensorBoard event file");
    }
    assertEquals("mine", Files.readString(run.resolve("notes.txt")));
  }

  @Test
  void aFolderWithoutRunFilesIsFree() throws Exception {
    Path train = TrainerResumeTest.syntheticCorpus(dir, 48);
    Path run = Files.createDirectories(dir.resolve("run"));
    Files.writeString(run.resolve("README.md"), "runs go here");
    assertEquals(List.of(), RunFolder.runFiles(run));
    Trainer.of(config(train, run, 4)).messages(s -> { }).run();
    assertEquals(List.of("checkpoint-4", "metrics.jsonl", "tensorboard", "tokenizer.json"),
        RunFolder.runFiles(run).stream().map(p -> p.getFileName().toString()).toList());
  }
}
