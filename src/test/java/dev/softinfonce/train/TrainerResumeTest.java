package dev.softinfonce.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.softinfonce.config.ExperimentConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run killed with SIGKILL and resumed reaches the same loss at every later step as an uninterrupted
 * run (dropout on, so the step-keyed masks are exercised too).
 */
public class TrainerResumeTest {
  @TempDir Path dir;

  /** {@code n} CodeSearchNet-style pairs in {@code dir/train.jsonl} (also used by the CLI tests). */
  public static Path syntheticCorpus(Path dir, int n) throws IOException {
    String[] verbs = {"read", "write", "parse", "sort", "merge", "split", "close", "open", "encode", "decode"};
    String[] nouns = {"file", "string", "list", "map", "buffer", "stream", "array", "token", "socket", "path"};
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      String v = verbs[i % verbs.length];
      String o = nouns[(i / verbs.length) % nouns.length];
      String extra = "x" + i;
      lines.add("{\"url\": \"u" + i + "\", \"language\": \"java\", \"docstring_tokens\": [\"" + v + "\", \"the\", \"" + o
          + "\", \"" + extra + "\"], \"code_tokens\": [\"void\", \"" + v + o + "\", \"(\", \"" + o + "\", \"" + extra
          + "\", \")\", \"{\", \"return\", \";\", \"}\"]}");
    }
    Path f = dir.resolve("train.jsonl");
    Files.write(f, lines);
    return f;
  }

  private ExperimentConfig config(Path train, Path out) {
    return ExperimentConfig.builder()
        .set("data.train", train.toString())
        .set("model.vocab_size", 300).set("model.hidden_size", 32).set("model.num_layers", 1)
        .set("model.num_heads", 2).set("model.intermediate_size", 64)
        .set("model.hidden_dropout", 0.1).set("model.attention_dropout", 0.1)
        .set("objective.name", "soft_infonce").set("objective.alpha", 1.5).set("objective.beta", 0.5)
        .set("estimator.name", "bm25")
        .set("train.output_dir", out.toString()).set("train.batch_size", 8).set("train.max_steps", 12)
        .set("train.checkpoint_every", 4).set("train.log_every", 1).set("train.warmup_steps", 3)
        .set("train.learning_rate", 3e-3).set("train.progress", false).build();
  }

  private static Map<Long, Double> losses(Path run) {
    Map<Long, Double> m = new TreeMap<>();
    for (Map<String, Object> rec : MetricsLog.read(run.resolve(MetricsLog.FILE))) {
      if (rec.containsKey("loss") && rec.get("loss") instanceof Number n) {
        m.put(((Number) rec.get("step")).longValue(), n.doubleValue());
      }
    }
    return m;
  }

  @Test
  void killMinus9ThenResumeMatchesUninterruptedRun() throws Exception {
    Path train = syntheticCorpus(dir, 160);
    Path a = dir.resolve("a");
    Trainer.of(config(train, a)).messages(s -> {}).run();
    Map<Long, Double> full = losses(a);
    assertEquals(12, full.size(), full.toString());

    Path b = dir.resolve("b");
    Path cfgFile = dir.resolve("b.yaml");
    Files.writeString(cfgFile, config(train, b).toYaml());
    List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Dsoftinfonce.test.stepDelayMillis=300", "-cp", System.getProperty("java.class.path"),
        "dev.softinfonce.cli.Main", "train", cfgFile.toString());
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(dir.resolve("b.log").toFile());
    pb.environment().put("DJL_OFFLINE", "true");
    pb.environment().put("OPT_OUT_TRACKING", "true");
    Process p = pb.start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (Checkpoints.latest(b).isEmpty() && p.isAlive() && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertTrue(p.isAlive(), "the run ended before it could be killed: " + Files.readString(dir.resolve("b.log")));
    p.destroyForcibly(); // SIGKILL: no shutdown hooks, no final checkpoint
    p.waitFor(30, TimeUnit.SECONDS);
    long killedAt = Checkpoints.stepOf(Checkpoints.latest(b).orElseThrow());
    assertTrue(killedAt < 12, "killed after the last step");

    Trainer.Result r = Trainer.resume(b).messages(s -> {}).run();
    assertEquals(12, r.steps());
    Map<Long, Double> resumed = losses(b);
    assertEquals(full.keySet(), resumed.keySet(), "metrics.jsonl steps after resume");
    for (long step : full.keySet()) {
      assertEquals(full.get(step), resumed.get(step), 1e-5, "loss at step " + step);
    }
    assertFalse(Files.list(b).anyMatch(x -> x.getFileName().toString().startsWith(".tmp")), "temp folders left");
  }

  @Test
  void abandonedInProcessRunResumesExactly() throws Exception {
    Path train = syntheticCorpus(dir, 160);
    Path a = dir.resolve("a");
    Trainer.Result full = Trainer.of(config(train, a)).messages(s -> {}).run();
    Path b = dir.resolve("b");
    Trainer.of(config(train, b)).messages(s -> {}).stopAfter(6).run(); // checkpoint-4 exists, steps 5-6 lost
    assertEquals(4, Checkpoints.stepOf(Checkpoints.latest(b).orElseThrow()));
    Trainer.Result resumed = Trainer.resume(b).messages(s -> {}).run();
    assertEquals(full.finalLoss(), resumed.finalLoss(), 1e-5);
  }
}
