package dev.softinfonce.data;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The pool of code a query set is ranked against: url → code, in file order, urls unique.
 *
 * <p>Loaded from a GraphCodeBERT {@code codebase.jsonl}, a CoSQA {@code code_idx_map.txt} (url = index),
 * or built from the queries' own code when a split has no separate pool (CodeSearchNet as published).
 */
public final class Codebase {
  private final String name;
  private final List<String> urls;
  private final List<String> codes;
  private final Map<String, Integer> index;
  private final ReadReport report;

  private Codebase(String name, List<String> urls, List<String> codes, Map<String, Integer> index,
      ReadReport report) {
    this.name = name;
    this.urls = Collections.unmodifiableList(urls);
    this.codes = Collections.unmodifiableList(codes);
    this.index = index;
    this.report = report;
  }

  /**
   * Reads a pool file in {@link ReadMode#CODEBASE} mode. A url seen twice is a bad record (the second
   * one fails, or is skipped under {@code on_bad_record: skip}).
   */
  public static Codebase load(Path file, ReadOptions options) {
    try (ExampleReader r = ExampleReader.open(file, ReadMode.CODEBASE, options)) {
      Builder b = new Builder(file.toString(), options, r.report());
      r.forEachRemaining(b::add);
      return b.build();
    }
  }

  /** A pool of the given entries' (url, code), e.g. the queries' own code; urls must be unique. */
  public static Codebase of(String name, List<Example> entries) {
    Builder b = new Builder(name, ReadOptions.defaults(), new ReadReport());
    entries.forEach(b::add);
    return b.build();
  }

  /** Where it came from (a path, or a description). */
  public String name() {
    return name;
  }

  public int size() {
    return urls.size();
  }

  public String url(int i) {
    return urls.get(i);
  }

  public String code(int i) {
    return codes.get(i);
  }

  /** All urls in order. */
  public List<String> urls() {
    return urls;
  }

  /** All code texts in order (what the code tower encodes). */
  public List<String> codes() {
    return codes;
  }

  /** Position of {@code url}, or -1. */
  public int indexOf(String url) {
    return index.getOrDefault(url, -1);
  }

  /** Skipped and dropped records of the pool file (empty when built from examples). */
  public ReadReport report() {
    return report;
  }

  /** Collects entries and rejects duplicate urls through the bad-record policy. */
  private static final class Builder {
    private final String name;
    private final ReadOptions options;
    private final ReadReport report;
    private final List<String> urls = new ArrayList<>();
    private final List<String> codes = new ArrayList<>();
    private final Map<String, Integer> index = new HashMap<>();
    private final List<String> sources = new ArrayList<>();

    Builder(String name, ReadOptions options, ReadReport report) {
      this.name = name;
      this.options = options;
      this.report = report;
    }

    void add(Example e) {
      Integer prev = index.putIfAbsent(e.url(), urls.size());
      if (prev != null) {
        DataFormatException err = Sources.error(e.source(), "url",
            "duplicate url '" + e.url() + "' (first at " + sources.get(prev) + ")");
        if (!options.skipBad()) {
          throw err;
        }
        report.skip(err);
        return;
      }
      urls.add(e.url());
      codes.add(e.code());
      sources.add(e.source());
    }

    Codebase build() {
      return new Codebase(name, urls, codes, index, report);
    }
  }
}
