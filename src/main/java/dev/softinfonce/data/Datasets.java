package dev.softinfonce.data;

import dev.softinfonce.config.ConfigException;
import dev.softinfonce.config.DataConfig;
import dev.softinfonce.config.DataConfig.DataFormat;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Opens the splits a {@link DataConfig} names ({@code data.train/valid/test/codebase}), checking each
 * file's detected layout against {@code data.format} and applying {@code data.max_examples}.
 */
public final class Datasets {
  private Datasets() {}

  /** Training pairs, streamed; at most {@code data.max_examples} when it is > 0. Close the stream. */
  public static Stream<Example> streamTrain(DataConfig data) {
    Path file = required(data.train(), "data.train");
    ExampleReader r = open(file, ReadMode.PAIRS, data, "data.train");
    Stream<Example> s = r.stream();
    return data.maxExamples() > 0 ? s.limit(data.maxExamples()) : s;
  }

  /** Training pairs as a list (at most {@code data.max_examples} when > 0). */
  public static List<Example> loadTrain(DataConfig data) {
    return loadTrain(data, report -> { });
  }

  /**
   * Training pairs as a list; {@code report} then gets what the reader skipped and dropped on the way
   * (with {@code data.max_examples}, up to the last example taken).
   */
  public static List<Example> loadTrain(DataConfig data, java.util.function.Consumer<ReadReport> report) {
    Path file = required(data.train(), "data.train");
    try (ExampleReader r = open(file, ReadMode.PAIRS, data, "data.train");
         Stream<Example> s = r.stream()) {
      List<Example> out = (data.maxExamples() > 0 ? s.limit(data.maxExamples()) : s).collect(Collectors.toList());
      report.accept(r.report());
      return out;
    }
  }

  /** The validation queries with their pool ({@code valid_codebase}, else {@code codebase}, else own code). */
  public static QuerySet valid(DataConfig data) {
    return querySet(data, data.valid(), "data.valid", data.resolvedValidCodebase());
  }

  /** The test queries with their pool ({@code test_codebase}, else {@code codebase}, else own code). */
  public static QuerySet test(DataConfig data) {
    return querySet(data, data.test(), "data.test", data.resolvedTestCodebase());
  }

  private static QuerySet querySet(DataConfig data, String queries, String key, String pool) {
    Path q = required(queries, key);
    checkFormat(data, q, key);
    Path p = isSet(pool) ? Path.of(pool) : null;
    if (p != null) {
      checkFormat(data, p, "data.codebase");
    }
    return QuerySet.load(q, p, ReadOptions.from(data));
  }

  private static ExampleReader open(Path file, ReadMode mode, DataConfig data, String key) {
    SourceFormat f = checkFormat(data, file, key);
    return ExampleReader.open(file, f, mode, ReadOptions.from(data));
  }

  /** Detects the layout and rejects one that {@code data.format} does not allow. */
  static SourceFormat checkFormat(DataConfig data, Path file, String key) {
    SourceFormat f = SourceFormat.detect(file);
    boolean ok = data.format() == DataFormat.CODESEARCHNET ? f == SourceFormat.JSONL : f != SourceFormat.JSONL;
    if (!ok) {
      throw new ConfigException("data.format", key + " " + file + " looks like " + f.label()
          + " but data.format is " + data.format().name().toLowerCase(java.util.Locale.ROOT));
    }
    return f;
  }

  private static boolean isSet(String s) {
    return s != null && !s.isBlank();
  }

  private static Path required(String value, String key) {
    if (!isSet(value)) {
      throw new ConfigException(key, key + " is not set");
    }
    return Path.of(value);
  }
}
