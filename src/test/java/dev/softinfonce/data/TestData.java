package dev.softinfonce.data;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Paths of the real sample files and helpers to write altered copies. */
public final class TestData {
  /** -Dsoftinfonce.data=DIR, else ../shared/data beside a clone, else /work/shared/data. */
  public static final Path SHARED = sharedData();
  public static final Path RUBY_TEST = SHARED.resolve("codesearchnet-ruby/test.jsonl");
  public static final Path RUBY_VALID = SHARED.resolve("codesearchnet-ruby/valid.jsonl");
  public static final Path COSQA_DEV = SHARED.resolve("cosqa/cosqa-retrieval-dev-500.json");
  public static final Path COSQA_POOL = SHARED.resolve("cosqa/code_idx_map.txt");

  private TestData() {}

  static Path sharedData() {
    String prop = System.getProperty("softinfonce.data");
    if (prop != null) {
      return Path.of(prop);
    }
    Path sibling = Path.of("../shared/data");
    return Files.isDirectory(sibling) ? sibling : Path.of("/work/shared/data");
  }

  static List<String> lines(Path p) throws IOException {
    return Files.readAllLines(p, StandardCharsets.UTF_8);
  }

  /** Writes {@code lines} joined by newlines (with a final newline) to dir/name. */
  static Path write(Path dir, String name, List<String> lines) throws IOException {
    Path p = dir.resolve(name);
    Files.write(p, lines, StandardCharsets.UTF_8);
    return p;
  }
}
