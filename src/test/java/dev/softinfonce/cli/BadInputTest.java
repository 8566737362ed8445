package dev.softinfonce.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad input a user can give the CLI — data that is not UTF-8, a folder or a missing file where a data
 * file belongs, a folder as the tokenizer, a config key the objective does not read, a batch that does not
 * fit in memory — each gives one line on stderr naming the file/line/key and the cause, exit code 2,
 * within a bound; with {@code data.on_bad_record: skip} bad records are skipped, counted and located.
 */
class BadInputTest {
  static final Duration BOUND = Duration.ofSeconds(120);

  @TempDir static Path dir;
  /** 30 lines: line 5 is not UTF-8, line 9 is malformed JSON, line 12 has an empty docstring. */
  static Path train;

  @BeforeAll
  static void data() throws IOException {
    String[] verbs = {"read", "write", "parse", "sort", "merge", "split", "close", "open", "encode", "decode"};
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    for (int i = 1; i <= 30; i++) {
      String v = verbs[i % verbs.length];
      String doc = i == 12 ? "" : "\"" + v + "\", \"the\", \"file\", \"x" + i + "\"";
      String line = i == 9 ? "{\"docstring_tokens\": [\"cut in" // malformed
          : "{\"url\": \"u" + i + "\", \"docstring_tokens\": [" + doc + "], \"code_tokens\": [\"void\", \"" + v
              + "\", \"(\", \"x" + i + "\", \")\"]}";
      byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
      if (i == 5) {
        bytes[line.indexOf("the")] = (byte) 0xC3; // byte 46: a lead byte followed by 'h' is not UTF-8
      }
      b.write(bytes);
      b.write('\n');
    }
    train = dir.resolve("train.jsonl");
    Files.write(train, b.toByteArray());
  }

  /** A tiny training config on {@code data} into {@code run}, extra YAML lines appended to the train section. */
  static Path config(Path data, Path run, String... extraData) throws IOException {
    Path f = dir.resolve("cfg-" + System.nanoTime() + ".yaml");
    Files.writeString(f, "data:\n  train: " + data + "\n" + String.join("", extraData.length == 0 ? new String[0]
        : java.util.Arrays.stream(extraData).map(l -> "  " + l + "\n").toArray(String[]::new))
        + "model:\n  vocab_size: 300\n  hidden_size: 16\n  num_layers: 1\n  num_heads: 2\n  intermediate_size: 32\n"
        + "train:\n  output_dir: " + run + "\n  batch_size: 8\n  max_steps: 2\n  progress: false\n");
    return f;
  }

  @Test
  void invalidUtf8IsOneFileLineErrorAndSkipCountsAndLocatesIt() {
    CliTestSupport.assertOneLineError(BOUND, "^error: " + Pattern.quote(train + ":5: invalid UTF-8 at byte 46 of the"
        + " line (0xC3); the file must be UTF-8 text") + "$", "data", "stats", train.toString());
    CliTestSupport.Run r = CliTestSupport.run("data", "stats", "--skip-bad", train.toString());
    assertEquals(0, r.exitCode(), r.err());
    assertTrue(r.out().contains(train + ": 27 examples\n"), r.out());
    assertTrue(r.out().contains("  dropped empty: 1 empty query, 0 empty code\n  skipped bad records: 2\n    "
        + train + ":5: invalid UTF-8 at byte 46 of the line (0xC3); the file must be UTF-8 text\n    " + train
        + ":9: malformed JSON"), r.out());
  }

  @Test
  void aFolderOrAMissingFileWhereDataBelongsSaysWhichAndWhat() throws IOException {
    Path folder = Files.createDirectories(dir.resolve("a-folder.jsonl"));
    CliTestSupport.assertOneLineError(BOUND, "^error: cannot read " + Pattern.quote(folder.toString())
        + ": is a directory, not a data file$", "data", "stats", folder.toString());
    Path missing = dir.resolve("missing.jsonl");
    CliTestSupport.assertOneLineError(BOUND, "^error: cannot read " + Pattern.quote(missing.toString())
        + ": no such file or folder$", "data", "stats", missing.toString());
    CliTestSupport.assertOneLineError(BOUND, "^error: cannot read " + Pattern.quote(missing.toString())
        + ": no such file or folder$", "train", config(missing, dir.resolve("run-missing")).toString());
    CliTestSupport.assertOneLineError(BOUND, "^error: cannot read " + Pattern.quote(folder.toString())
        + ": is a directory, not a data file$", "train", config(folder, dir.resolve("run-folder")).toString());
  }

  @Test
  void trainWithSkipPrintsTheSkippedAndDroppedCountsAndTheFirstLocations() throws IOException {
    Path run = dir.resolve("run-skip");
    CliTestSupport.Run r = assertTimeoutPreemptively(BOUND, () -> CliTestSupport.run("train",
        config(train, run, "on_bad_record: skip").toString()));
    assertEquals(0, r.exitCode(), r.err());
    assertTrue(r.out().contains("train: 27 pairs from " + train + "\n  dropped empty: 1 empty query, 0 empty code\n"
        + "  skipped bad records: 2\n    " + train + ":5: invalid UTF-8 at byte 46 of the line (0xC3); the file"
        + " must be UTF-8 text\n    " + train + ":9: malformed JSON"), r.out());
    // the same lines as data stats: one piece of code
    String stats = CliTestSupport.run("data", "stats", "--skip-bad", train.toString()).out();
    String block = stats.substring(stats.indexOf("  dropped empty:"));
    assertTrue(r.out().contains(block), r.out() + "\nvs\n" + block);
  }

  @Test
  void aFolderAsModelTokenizerIsOneLineAndLeavesNoTokenizerFolder() throws IOException {
    Path folder = Files.createDirectories(dir.resolve("tokenizer-folder"));
    Path run = dir.resolve("run-tokdir");
    CliTestSupport.assertOneLineError(BOUND, "^error: model\\.tokenizer " + Pattern.quote(folder.toString())
        + ": is a directory, not a tokenizer\\.json file$", "train", config(train, run, "on_bad_record: skip")
        .toString(), "--set", "model.tokenizer=" + folder);
    assertFalse(Files.exists(run.resolve("tokenizer.json")), "no tokenizer.json folder left behind");
  }

  @Test
  void aKeyTheObjectiveOrEstimatorDoesNotReadIsOneLineNamingBoth() throws IOException {
    Path cfg = config(train, dir.resolve("run-key"), "on_bad_record: skip");
    CliTestSupport.assertOneLineError(BOUND, "^error: objective\\.alpha: not used by objective infonce, which reads"
        + " objective\\.symmetric, objective\\.mask_duplicates, objective\\.similarity; .*\\(--set objective\\.alpha=1\\.5\\)$",
        "train", cfg.toString(), "--set", "objective.alpha=1.5");
    CliTestSupport.assertOneLineError(BOUND, "^error: estimator\\.k1: not used by estimator simcse, which reads"
        + " estimator\\.model; ", "config", "show", cfg.toString(), "--set", "objective.name=soft_infonce",
        "--set", "estimator.name=simcse", "--set", "estimator.model=/m", "--set", "estimator.k1=2");
    assertFalse(Files.exists(dir.resolve("run-key")), "rejected before anything ran");
  }

  @Test
  void outOfMemoryInATrainingStepNamesBatchAndLengthsAndSuggestsSmaller() throws IOException {
    for (String kind : List.of("tf", "jvm")) {
      System.setProperty("softinfonce.test.outOfMemory", kind);
      try {
        CliTestSupport.assertOneLineError(BOUND, "^error: out of memory in training step 1 with train\\.batch_size 8,"
            + " model\\.max_query_length \\d+ and model\\.max_code_length \\d+: "
            + (kind.equals("tf") ? "TensorFlow could not allocate memory \\(OOM when allocating tensor with shape"
                : "the JVM heap is exhausted \\(Java heap space")
            + ".*\\); use a smaller train\\.batch_size or shorter maximum lengths, or set train\\.grad_cache\\.chunk_size",
            "train", config(train, dir.resolve("run-oom-" + kind), "on_bad_record: skip").toString());
      } finally {
        System.clearProperty("softinfonce.test.outOfMemory");
      }
    }
  }
}
