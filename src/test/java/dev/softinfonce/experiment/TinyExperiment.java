package dev.softinfonce.experiment;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Synthetic CodeSearchNet-style splits and a tiny base config for fast experiment tests. */
public final class TinyExperiment {
  private TinyExperiment() {}

  /** Writes {@code train.jsonl} (n pairs), {@code valid.jsonl} and {@code test.jsonl} (pool = own code). */
  public static void corpus(Path dir, int n) throws IOException {
    Files.write(dir.resolve("train.jsonl"), records(0, n));
    Files.write(dir.resolve("valid.jsonl"), records(n, 30));
    Files.write(dir.resolve("test.jsonl"), records(n + 30, 30));
  }

  private static List<String> records(int from, int count) {
    String[] verbs = {"read", "write", "parse", "sort", "merge", "split", "close", "open", "encode", "decode"};
    String[] nouns = {"file", "string", "list", "map", "buffer", "stream", "array", "token", "socket", "path"};
    List<String> lines = new ArrayList<>();
    for (int i = from; i < from + count; i++) {
      String v = verbs[i % verbs.length];
      String o = nouns[(i / verbs.length) % nouns.length];
      String extra = "x" + (i % 37);
      lines.add("{\"url\": \"u" + i + "\", \"language\": \"java\", \"docstring_tokens\": [\"" + v + "\", \"the\", \""
          + o + "\", \"" + extra + "\"], \"code_tokens\": [\"void\", \"" + v + o + "\", \"(\", \"" + o + "\", \""
          + extra + "\", \")\", \"{\", \"return\", \";\", \"}\"]}");
    }
    return lines;
  }

  /** The base config written inline: tiny model, a few steps. */
  static String inlineBase(Path data, int steps) {
    return "base:\n" + ("""
        data:
          train: %s
          valid: %s
          test: %s
        model:
          vocab_size: 300
          hidden_size: 32
          num_layers: 1
          num_heads: 2
          intermediate_size: 64
          max_query_length: 16
          max_code_length: 24
          max_positions: 32
        """.formatted(data.resolve("train.jsonl"), data.resolve("valid.jsonl"), data.resolve("test.jsonl"))
        + trainAndEval(steps)).indent(2);
  }

  /** The tiny base's {@code train} and {@code eval} sections (top-level YAML): a few steps, quiet, one thread. */
  public static String trainAndEval(int steps) {
    return """
        train:
          batch_size: 8
          max_steps: %d
          warmup_steps: 2
          learning_rate: 3e-3
          checkpoint_every: 100
          log_every: 100
          progress: false
          threads: 1
        eval:
          batch_size: 64
        """.formatted(steps);
  }
}
