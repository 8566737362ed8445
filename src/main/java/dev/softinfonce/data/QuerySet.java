package dev.softinfonce.data;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A valid or test split: queries, the {@link Codebase} they are ranked against, and for each query the
 * position of its gold code in that pool (matched by url).
 *
 * <p>Without a separate pool (CodeSearchNet as published) the pool is the queries' own code, the
 * CodeXGLUE convention. A query whose gold url is not in the pool is a bad record (field {@code url}).
 */
public final class QuerySet {
  private final List<Example> queries;
  private final Codebase codebase;
  private final int[] gold;
  private final ReadReport report;

  private QuerySet(List<Example> queries, Codebase codebase, int[] gold, ReadReport report) {
    this.queries = Collections.unmodifiableList(queries);
    this.codebase = codebase;
    this.gold = gold;
    this.report = report;
  }

  /**
   * Loads queries (url required) and their pool.
   *
   * @param queriesFile valid/test jsonl or CoSQA retrieval json
   * @param codebaseFile codebase.jsonl / code_idx_map.txt, or null to use the queries' own code
   */
  public static QuerySet load(Path queriesFile, Path codebaseFile, ReadOptions options) {
    List<Example> read;
    ReadReport report;
    try (ExampleReader r = ExampleReader.open(queriesFile, ReadMode.QUERIES, options)) {
      read = r.toList();
      report = r.report();
    }
    Codebase pool = codebaseFile != null
        ? Codebase.load(codebaseFile, options)
        : Codebase.of(queriesFile + " (own code)", read);
    List<Example> kept = new ArrayList<>(read.size());
    int[] gold = new int[read.size()];
    for (Example q : read) {
      int g = pool.indexOf(q.url());
      if (g < 0) {
        DataFormatException err = Sources.error(q.source(), "url",
            "gold url '" + q.url() + "' is not in the codebase " + pool.name());
        if (!options.skipBad()) {
          throw err;
        }
        report.skip(err);
        continue;
      }
      gold[kept.size()] = g;
      kept.add(q);
    }
    return new QuerySet(kept, pool, java.util.Arrays.copyOf(gold, kept.size()), report);
  }

  public List<Example> queries() {
    return queries;
  }

  public Codebase codebase() {
    return codebase;
  }

  public int size() {
    return queries.size();
  }

  /** Position in {@link #codebase()} of query {@code i}'s gold code. */
  public int gold(int i) {
    return gold[i];
  }

  /** Skipped and dropped records of the queries file (incl. gold urls missing from the pool). */
  public ReadReport report() {
    return report;
  }
}
