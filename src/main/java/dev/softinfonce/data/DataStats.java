package dev.softinfonce.data;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Statistics of one data file, computed in one streaming pass: example count, languages, query and
 * code lengths, exact duplicates and what the reader dropped or skipped. Backs {@code softinfonce data
 * stats}.
 *
 * <p>Lengths count whitespace-separated tokens of the query / code text as it is fed to the tokenizer
 * (with {@code code_field: code_tokens} this is the token count, except for string-literal tokens that
 * themselves contain spaces). Percentiles use the nearest-rank definition: pXX is the smallest length
 * such that at least XX% of the examples are no longer. Memory: one int per example per length and one
 * long per distinct hash, not the texts.
 *
 * @param file the file as named by the user
 * @param format its detected layout
 * @param mode how its records were read
 * @param examples how many examples the reader returned
 * @param languages example count per language, most frequent first ({@code ""} = no language field)
 * @param queryTokens query length summary (null in codebase mode)
 * @param codeTokens code length summary
 * @param duplicateCode examples whose code text equals an earlier example's
 * @param duplicateQuery examples whose query text equals an earlier example's (0 in codebase mode)
 * @param report skipped and dropped records
 */
public record DataStats(Path file, SourceFormat format, ReadMode mode, long examples,
    Map<String, Long> languages, Lengths queryTokens, Lengths codeTokens, long duplicateCode,
    long duplicateQuery, ReadReport report) {

  /**
   * Nearest-rank percentiles of a length distribution.
   *
   * @param p50 median
   * @param p90 90th percentile
   * @param p99 99th percentile
   * @param max longest
   */
  public record Lengths(int p50, int p90, int p99, int max) {

    /** Summarises the lengths (sorts the array in place); all zero when empty. */
    public static Lengths of(int[] lengths) {
      if (lengths.length == 0) {
        return new Lengths(0, 0, 0, 0);
      }
      Arrays.sort(lengths);
      return new Lengths(rank(lengths, 50), rank(lengths, 90), rank(lengths, 99), lengths[lengths.length - 1]);
    }

    private static int rank(int[] sorted, int pct) {
      int r = (int) Math.ceil(pct / 100.0 * sorted.length); // 1-based nearest rank
      return sorted[Math.max(r, 1) - 1];
    }

    @Override
    public String toString() {
      return "p50 " + p50 + ", p90 " + p90 + ", p99 " + p99 + ", max " + max;
    }
  }

  /** The mode {@code data stats} reads a file in: pools as codebase, everything else as pairs. */
  public static ReadMode defaultMode(Path file, SourceFormat format) {
    if (format == SourceFormat.COSQA_CODE_MAP) {
      return ReadMode.CODEBASE;
    }
    String name = file.getFileName() == null ? "" : file.getFileName().toString().toLowerCase(Locale.ROOT);
    return name.contains("codebase") ? ReadMode.CODEBASE : ReadMode.PAIRS;
  }

  /** Reads {@code file} once (layout detected, mode from {@link #defaultMode} when null). */
  public static DataStats compute(Path file, ReadMode mode, ReadOptions options) {
    SourceFormat format = SourceFormat.detect(file);
    ReadMode m = mode != null ? mode : defaultMode(file, format);
    IntList queryLen = new IntList();
    IntList codeLen = new IntList();
    Map<String, Long> langs = new TreeMap<>();
    Set<Long> codes = new HashSet<>();
    Set<Long> queries = new HashSet<>();
    long dupCode = 0;
    long dupQuery = 0;
    long n = 0;
    ReadReport report;
    try (ExampleReader r = ExampleReader.open(file, format, m, options)) {
      while (r.hasNext()) {
        Example e = r.next();
        n++;
        langs.merge(e.language(), 1L, Long::sum);
        codeLen.add(tokens(e.code()));
        if (!codes.add(CodeHash.of(e.code()))) {
          dupCode++;
        }
        if (m != ReadMode.CODEBASE) {
          queryLen.add(tokens(e.query()));
          if (!queries.add(CodeHash.of(e.query()))) {
            dupQuery++;
          }
        }
      }
      report = r.report();
    }
    Map<String, Long> byCount = langs.entrySet().stream()
        .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
        .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue, (a, b) -> a, LinkedHashMap::new));
    return new DataStats(file, format, m, n, byCount,
        m == ReadMode.CODEBASE ? null : Lengths.of(queryLen.toArray()), Lengths.of(codeLen.toArray()),
        dupCode, dupQuery, report);
  }

  /** The report printed by {@code data stats}: first line exactly {@code <file>: <N> examples}. */
  public String render(ReadOptions options) {
    StringBuilder sb = new StringBuilder();
    sb.append(file).append(": ").append(examples).append(" examples\n");
    sb.append("  format: ").append(format.label()).append(", read as ")
        .append(mode.name().toLowerCase(Locale.ROOT)).append(", code from ")
        .append(format == SourceFormat.COSQA_CODE_MAP ? "the pool's code strings"
            : options.codeField().name().toLowerCase(Locale.ROOT)).append('\n');
    sb.append("  languages: ").append(languages.isEmpty() ? "none" : languages.entrySet().stream()
        .map(e -> (e.getKey().isEmpty() ? "(unset)" : e.getKey()) + " " + e.getValue())
        .collect(Collectors.joining(", "))).append('\n');
    sb.append("  query tokens: ").append(queryTokens == null ? "n/a (codebase entries)" : queryTokens).append('\n');
    sb.append("  code tokens: ").append(codeTokens).append('\n');
    sb.append("  duplicates: ").append(duplicateCode).append(" duplicate code, ")
        .append(mode == ReadMode.CODEBASE ? "n/a" : Long.toString(duplicateQuery)).append(" duplicate query\n");
    report.summaryLines().forEach(l -> sb.append("  ").append(l).append('\n'));
    return sb.toString();
  }

  /** Whitespace-separated tokens in {@code s}. */
  static int tokens(String s) {
    int count = 0;
    boolean in = false;
    for (int i = 0; i < s.length(); i++) {
      boolean ws = Character.isWhitespace(s.charAt(i));
      if (!ws && !in) {
        count++;
      }
      in = !ws;
    }
    return count;
  }

  /** A growable int array (lengths of millions of examples without boxing). */
  private static final class IntList {
    private int[] a = new int[1024];
    private int n;

    void add(int v) {
      if (n == a.length) {
        a = Arrays.copyOf(a, a.length * 2);
      }
      a[n++] = v;
    }

    int[] toArray() {
      return Arrays.copyOf(a, n);
    }
  }
}
