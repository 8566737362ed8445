package dev.softinfonce.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.softinfonce.export.SavedModelExporter;
import dev.softinfonce.export.TinyCheckpoints;
import dev.softinfonce.files.Outputs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A full disk while training, exporting and indexing: one line naming the file and "No space left on
 * device", exit 2; while writing TensorBoard events: one warning line, and training goes on.
 *
 * <p>Two ways: the write seam ({@link Outputs#DISK_FULL_PROPERTY}) fails our writers exactly as a full disk
 * fails a Java write, on any machine; and a real full disk, a tiny tmpfs, where TensorFlow's own writers
 * (checkpoint variables, event files) meet ENOSPC. Mounting needs root and the right to mount (a CI
 * container may lack it): without them those tests are skipped.
 */
class DiskFullTest {
  static final Duration BOUND = Duration.ofSeconds(120);

  @TempDir static Path dir;
  static Path train;
  static Path checkpoint;
  static Path savedModel;

  @BeforeAll
  static void artifacts() throws IOException {
    List<String> lines = new ArrayList<>();
    String[] verbs = {"read", "write", "parse", "sort", "merge", "split", "close", "open"};
    for (int i = 0; i < 24; i++) {
      String v = verbs[i % verbs.length];
      lines.add("{\"url\": \"u" + i + "\", \"docstring_tokens\": [\"" + v + "\", \"the\", \"file\", \"x" + i + "\"],"
          + " \"code_tokens\": [\"void\", \"" + v + "\", \"(\", \"x" + i + "\", \")\"]}");
    }
    train = Files.write(dir.resolve("train.jsonl"), lines);
    checkpoint = TinyCheckpoints.write(dir.resolve("ckpt"), TinyCheckpoints.Layout.TRAINER, TinyCheckpoints.config(), 3L);
    savedModel = new SavedModelExporter().export(checkpoint, dir.resolve("savedmodels/tiny"), 1).versionDir();
  }

  static Path config(Path run, int maxSteps) throws IOException {
    return Files.writeString(dir.resolve("cfg-" + System.nanoTime() + ".yaml"), "data:\n  train: " + train + "\n"
        + "model:\n  vocab_size: 300\n  hidden_size: 16\n  num_layers: 1\n  num_heads: 2\n  intermediate_size: 32\n"
        + "train:\n  output_dir: " + run + "\n  batch_size: 8\n  max_steps: " + maxSteps + "\n  checkpoint_every: 2\n"
        + "  log_every: 1\n  progress: false\n");
  }

  /** Runs {@code body} with the seam failing writes to files whose name contains {@code name}. */
  static <T> T withFullDisk(String name, java.util.function.Supplier<T> body) {
    System.setProperty(Outputs.DISK_FULL_PROPERTY, name);
    try {
      return body.get();
    } finally {
      System.clearProperty(Outputs.DISK_FULL_PROPERTY);
    }
  }

  static final String FULL = Pattern.quote(": No space left on device (the disk is full)") + "$";

  @Test
  void aFullDiskWhileTrainingIsOneLineNamingTheFile() throws IOException {
    Path run = dir.resolve("run-metrics");
    Path cfg = config(run, 4);
    withFullDisk("metrics.jsonl", () -> CliTestSupport.assertOneLineError(BOUND, "^error: cannot (open metrics log|append"
        + " to) " + Pattern.quote(run.resolve("metrics.jsonl").toString()) + FULL, "train", cfg.toString()));
    Path run2 = dir.resolve("run-manifest");
    Path cfg2 = config(run2, 4);
    withFullDisk("manifest.json", () -> CliTestSupport.assertOneLineError(BOUND, "^error: cannot write "
        + Pattern.quote(run2.toString()) + "/\\.tmp-checkpoint-2-\\d+/manifest\\.json" + FULL, "train", cfg2.toString()));
    Path run3 = dir.resolve("run-state");
    Path cfg3 = config(run3, 4);
    withFullDisk("state.json", () -> CliTestSupport.assertOneLineError(BOUND, "^error: cannot write checkpoint "
        + Pattern.quote(run3.resolve("checkpoint-2") + ": " + run3) + "/\\.tmp-checkpoint-2-\\d+/state\\.json" + FULL,
        "train", cfg3.toString()));
  }

  @Test
  void aFullDiskWhileExportingOrIndexingIsOneLineNamingTheFileAndLeavesNoTemp() throws IOException {
    Path base = dir.resolve("export-full");
    withFullDisk("manifest.json", () -> CliTestSupport.assertOneLineError(BOUND, "^error: cannot write "
        + Pattern.quote(base.toString()) + "/\\.tmp-export-1-\\d+/assets\\.extra/manifest\\.json" + FULL,
        "export", "--checkpoint", checkpoint.toString(), "--out", base.toString()));
    try (Stream<Path> s = Files.list(base)) {
      assertEquals(List.of(), s.toList(), "the failed export's temp folder is removed");
    }
    Path out = dir.resolve("index-full/pool.index");
    withFullDisk(".tmp-index-", () -> CliTestSupport.assertOneLineError(BOUND, "^error: cannot write "
        + Pattern.quote(out.toString()) + FULL, "index", "--model", savedModel.toString(), "--codebase", train.toString(),
        "--out", out.toString()));
    try (Stream<Path> s = Files.list(out.getParent())) {
      assertEquals(List.of(), s.toList(), "no index and no temp file");
    }
  }

  @Test
  void aFullDiskForTensorBoardEventsIsOneWarningAndTrainingGoesOn() throws IOException {
    Path run = dir.resolve("run-events");
    Path cfg = config(run, 4);
    CliTestSupport.Run r = withFullDisk("tfevents", () -> assertTimeoutPreemptively(BOUND,
        () -> CliTestSupport.run("train", cfg.toString())));
    assertEquals(0, r.exitCode(), r.err());
    List<String> warnings = r.out().lines().filter(l -> l.contains("TensorBoard")).toList();
    assertEquals(List.of("warning: TensorBoard events in " + run.resolve("tensorboard") + " are no longer written ("
        + run.resolve("tensorboard/events.out.tfevents") + ": No space left on device (the disk is full)); training goes"
        + " on"), warnings);
    assertTrue(r.out().contains("done: 4 steps"), r.out());
    assertTrue(Files.isDirectory(run.resolve("checkpoint-4")), "training went on to the end");
  }

  // ---- a real full disk: a tiny tmpfs (root only) ----

  /** Mounts a tmpfs of {@code size} at a new folder, or skips the test when this machine does not allow it. */
  static Path tmpfs(String size) throws Exception {
    Path m = Files.createDirectories(dir.resolve("tmpfs-" + System.nanoTime()));
    Process p;
    try {
      p = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=" + size, "tmpfs", m.toString())
          .redirectErrorStream(true).start();
    } catch (IOException e) {
      Assumptions.abort("no mount command: " + e.getMessage());
      return null;
    }
    boolean done = p.waitFor(20, TimeUnit.SECONDS);
    Assumptions.assumeTrue(done && p.exitValue() == 0, "cannot mount a tmpfs here (needs root and the right to"
        + " mount): " + (done ? new String(p.getInputStream().readAllBytes()).strip() : "mount timed out"));
    return m;
  }

  static void unmount(Path m) throws Exception {
    Process p = new ProcessBuilder("umount", m.toString()).redirectErrorStream(true).start();
    if (!p.waitFor(20, TimeUnit.SECONDS) || p.exitValue() != 0) {
      new ProcessBuilder("umount", "-l", m.toString()).start().waitFor(20, TimeUnit.SECONDS);
    }
  }

  @Test
  void onARealFullDiskTensorBoardWarnsOnceAndACheckpointIsOneLineNamingTheFile() throws Exception {
    Path m = tmpfs("96k");
    try {
      // TensorFlow's event writer meets ENOSPC: one warning, no exception, later writes skipped
      List<String> warnings = new ArrayList<>();
      try (dev.softinfonce.train.TensorBoard tb = dev.softinfonce.train.TensorBoard.open(m.resolve("tb"),
          warnings::add)) {
        for (int i = 0; i < 2000 && tb.failure() == null; i++) {
          tb.histogram("h", i, new float[2000]);
          tb.flush();
        }
        tb.scalar("after", 1, 1.0);
        tb.flush();
      }
      assertEquals(1, warnings.size(), warnings.toString());
      assertTrue(Pattern.compile("^warning: TensorBoard events in .*/tb/tensorboard are no longer written \\(.*"
          + "events\\.out\\.tfevents\\.[^;]*; No space left on device \\(the disk is full\\)\\); training goes on$")
          .matcher(warnings.get(0)).matches(), warnings.get(0));
    } finally {
      unmount(m);
    }
    Path m2 = tmpfs("160k");
    try {
      // the checkpoint's variables (TF's saver) do not fit: one line naming the file, exit 2
      Path run = m2.resolve("run");
      CliTestSupport.Run r = CliTestSupport.assertOneLineError(BOUND, "^error: " + Pattern.quote(run.toString())
          + "/\\.tmp-checkpoint-2-\\d+/variables\\.data-00000-of-00001[^;]*; No space left on device \\(the disk is"
          + " full\\)$", "train", config(run, 4).toString());
      assertTrue(r.out().lines().filter(l -> l.contains("TensorBoard")).count() <= 1, r.out());
    } finally {
      unmount(m2);
    }
  }
}
