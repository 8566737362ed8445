package dev.softinfonce.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.softinfonce.config.ExperimentConfig;
import dev.softinfonce.train.TrainerResumeTest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real {@code train} in a child JVM, run as {@code java -cp ... Main} without the launcher's
 * environment (no {@code TF_CPP_MIN_LOG_LEVEL}): by default no third-party log line on stdout or stderr;
 * {@code --verbose} shows them; {@code --quiet} prints only the results.
 */
class QuietOutputTest {
  /** A line any logger of ours or of a library would print: slf4j-simple levels, abseil and TF native logs. */
  static final Pattern LOG_LINE = Pattern.compile("(.*\\b(WARN|INFO|DEBUG)\\b.*|[IW]\\d{4} .*|WARNING:.*"
      + "|\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d+: [IW] .*)");

  @TempDir Path dir;

  private List<String> train(Path config, String... flags) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), "dev.softinfonce.cli.Main"));
    cmd.addAll(List.of(flags));
    cmd.addAll(List.of("train", config.toString(), "--overwrite"));
    Path log = dir.resolve("out.log");
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().remove("TF_CPP_MIN_LOG_LEVEL");
    pb.environment().put("DJL_OFFLINE", "true");
    pb.environment().put("OPT_OUT_TRACKING", "true");
    Process p = pb.start();
    assertTrue(p.waitFor(180, TimeUnit.SECONDS), "train did not finish");
    List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
    assertEquals(0, p.exitValue(), String.join("\n", lines));
    return lines;
  }

  @Test
  void defaultShowsNoLibraryLogVerboseDoesQuietOnlyResults() throws Exception {
    Path train = TrainerResumeTest.syntheticCorpus(dir, 64);
    Path cfg = dir.resolve("tiny.yaml");
    Files.writeString(cfg, ExperimentConfig.builder().set("data.train", train.toString())
        .set("data.valid", train.toString()) // validation runs, as it would log an INFO line per pass
        .set("model.vocab_size", 300).set("model.hidden_size", 32).set("model.num_layers", 1)
        .set("model.num_heads", 2).set("model.intermediate_size", 64).set("train.output_dir", dir.resolve("run").toString())
        .set("train.batch_size", 8).set("train.max_steps", 4).set("train.eval_every", 2).set("train.progress", false)
        .build().toYaml());

    List<String> normal = train(cfg);
    assertTrue(normal.stream().anyMatch(l -> l.startsWith("step 2: valid mrr=")), String.join("\n", normal));
    assertEquals(List.of(), normal.stream().filter(l -> LOG_LINE.matcher(l).matches()).toList(),
        "third-party log lines by default:\n" + String.join("\n", normal));

    List<String> verbose = train(cfg, "--verbose");
    assertTrue(verbose.stream().anyMatch(l -> LOG_LINE.matcher(l).matches()),
        "--verbose shows the libraries' logs:\n" + String.join("\n", verbose));

    List<String> quiet = train(cfg, "--quiet");
    assertEquals(3, quiet.size(), String.join("\n", quiet));
    assertTrue(quiet.get(0).startsWith("done: 4 steps") && quiet.get(1).startsWith("last checkpoint: ")
        && quiet.get(2).startsWith("best checkpoint: "), String.join("\n", quiet));
  }

  @Test
  void tensorFlowNoticesAreDroppedAndAnythingElseKept() {
    List<String> caught = List.of(
        "2026-12-02 06:22:00.795324: I tensorflow/core/util/port.cc:153] oneDNN custom operations are on.",
        "2026-12-02 06:22:00.894370: I tensorflow/core/platform/cpu_feature_guard.cc:210] This TensorFlow binary is optimized",
        "To enable the following instructions: AVX2 AVX512F FMA, in other operations, rebuild TensorFlow.",
        "WARNING: All log messages before absl::InitializeLog() is called are written to STDERR",
        "I0000 00:00:1796192520.932389   11818 mlir_graph_optimization_pass.cc:401] MLIR V1 optimization pass is not enabled",
        "E0000 00:00:1796192520.932389   11818 some_op.cc:12] a real error",
        "its second line",
        "something a library printed");
    assertEquals(List.of("E0000 00:00:1796192520.932389   11818 some_op.cc:12] a real error", "its second line",
        "something a library printed"), NativeNotices.kept(caught));
  }
}
