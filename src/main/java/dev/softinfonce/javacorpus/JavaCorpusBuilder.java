package dev.softinfonce.javacorpus;

import dev.softinfonce.files.AtomicFiles;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ForkJoinPool;
import java.util.function.Consumer;
import java.util.stream.IntStream;

/**
 * Builds a CodeSearchNet-format Java corpus from libraries of source code, split by library.
 *
 * <p>For every method with a Javadoc that passes the CodeSearchNet filters ({@link CorpusFilter}), one
 * record (first Javadoc paragraph as query, method source as code) goes to the split of its library.
 * The valid and test splits also get a GraphCodeBERT-style codebase: their gold codes plus every other
 * method of their libraries that passes the code filters (undocumented ones included) as distractors,
 * without exact duplicates. Output in {@code outDir}:
 * {@code train.jsonl, valid.jsonl, test.jsonl, valid_codebase.jsonl, test_codebase.jsonl, manifest.json}.
 *
 * <p>Deterministic: libraries are processed test, valid, train and by id within a split, files by path,
 * methods by position; so exact-duplicate removal keeps the first in that order (evaluation splits keep
 * their queries), and the same inputs give byte-identical files whatever the thread count.
 *
 * <pre>{@code
 * JavaCorpusBuilder.builder()
 *     .add(CorpusSplit.TRAIN, SourceLibrary.local(Path.of("src.zip")))
 *     .add(CorpusSplit.TEST, SourceLibrary.maven(coord, resolver.resolve(coord)))
 *     .build()
 *     .write(Path.of("data/java-corpus"));
 * }</pre>
 */
public final class JavaCorpusBuilder {
  /** Name of the counts file written next to the jsonl files. */
  public static final String MANIFEST = "manifest.json";

  private static final ObjectWriter JSONL = new ObjectMapper().writer();

  private final Map<CorpusSplit, List<SourceLibrary>> libraries;
  private final int threads;
  private final Consumer<String> log;

  private JavaCorpusBuilder(Builder b) {
    this.libraries = new EnumMap<>(CorpusSplit.class);
    for (CorpusSplit split : CorpusSplit.values()) {
      List<SourceLibrary> libs = new ArrayList<>(b.libraries.getOrDefault(split, List.of()));
      libs.sort(Comparator.comparing(SourceLibrary::id));
      libraries.put(split, List.copyOf(libs));
    }
    this.threads = b.threads;
    this.log = b.log;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Collects the libraries of each split; a library id may appear only once overall. */
  public static final class Builder {
    private final Map<CorpusSplit, List<SourceLibrary>> libraries = new EnumMap<>(CorpusSplit.class);
    private final Map<String, CorpusSplit> ids = new LinkedHashMap<>();
    private int threads = Runtime.getRuntime().availableProcessors();
    private Consumer<String> log = s -> {};

    /** Puts a whole library into a split. */
    public Builder add(CorpusSplit split, SourceLibrary library) {
      CorpusSplit previous = ids.putIfAbsent(library.id(), split);
      if (previous != null) {
        throw new CorpusBuildException("library " + library.id() + " is given twice (" + previous.key()
            + " and " + split.key() + "); a library belongs to exactly one split");
      }
      libraries.computeIfAbsent(split, s -> new ArrayList<>()).add(library);
      return this;
    }

    /** Parser threads (default: available processors); the output does not depend on it. */
    public Builder threads(int threads) {
      if (threads < 1) {
        throw new IllegalArgumentException("threads must be >= 1, got " + threads);
      }
      this.threads = threads;
      return this;
    }

    /** Progress lines (one per library). */
    public Builder log(Consumer<String> log) {
      this.log = log;
      return this;
    }

    public JavaCorpusBuilder build() {
      if (ids.isEmpty()) {
        throw new CorpusBuildException("no libraries to build a corpus from");
      }
      return new JavaCorpusBuilder(this);
    }
  }

  /** One library after parsing: its kept methods with their urls, and its counts. */
  private record Parsed(SourceLibrary library, CorpusSplit split, List<JavaMethod> methods,
      List<String> urls, int files, int unparsed, long found, Map<CorpusFilter, Long> early) {}

  /** Parses every library, applies the filters and writes the corpus files; returns the counts. */
  public CorpusManifest write(Path outDir) {
    List<Parsed> parsed = new ArrayList<>();
    ForkJoinPool pool = new ForkJoinPool(threads);
    try {
      for (CorpusSplit split : List.of(CorpusSplit.TEST, CorpusSplit.VALID, CorpusSplit.TRAIN)) {
        for (SourceLibrary library : libraries.get(split)) {
          parsed.add(parse(library, split, pool));
        }
      }
    } finally {
      pool.shutdown();
    }

    Set<String> seen = new HashSet<>();
    Map<CorpusSplit, List<CodeSearchNetRecord>> queries = new EnumMap<>(CorpusSplit.class);
    Map<CorpusSplit, List<CodeSearchNetRecord>> codebases = new EnumMap<>(CorpusSplit.class);
    for (CorpusSplit split : CorpusSplit.values()) {
      queries.put(split, new ArrayList<>());
      codebases.put(split, new ArrayList<>());
    }
    List<LibraryStats> stats = new ArrayList<>();
    List<Set<Integer>> goldIndexes = new ArrayList<>();
    long[] queryCounts = new long[parsed.size()];
    List<Map<CorpusFilter, Long>> drops = new ArrayList<>();
    for (int p = 0; p < parsed.size(); p++) {
      Parsed lib = parsed.get(p);
      Map<CorpusFilter, Long> dropped = new EnumMap<>(lib.early());
      Set<Integer> golds = new HashSet<>();
      for (int i = 0; i < lib.methods().size(); i++) {
        JavaMethod m = lib.methods().get(i);
        CorpusFilter drop = m.queryDrop();
        if (drop == null && !seen.add(m.dedupKey())) {
          drop = CorpusFilter.DUPLICATE_CODE;
        }
        if (drop != null) {
          dropped.merge(drop, 1L, Long::sum);
        } else {
          golds.add(i);
          queries.get(lib.split()).add(CodeSearchNetRecord.of(lib.library(), m, lib.urls().get(i), lib.split()));
        }
      }
      goldIndexes.add(golds);
      queryCounts[p] = golds.size();
      drops.add(dropped);
    }

    // Codebases: gold codes first claim their code, then distractors in order, each code once per split.
    long[] codebaseCounts = new long[parsed.size()];
    for (CorpusSplit split : List.of(CorpusSplit.VALID, CorpusSplit.TEST)) {
      Set<String> codes = new HashSet<>();
      for (int p = 0; p < parsed.size(); p++) {
        if (parsed.get(p).split() == split) {
          for (int i : goldIndexes.get(p)) {
            codes.add(parsed.get(p).methods().get(i).dedupKey());
          }
        }
      }
      for (int p = 0; p < parsed.size(); p++) {
        Parsed lib = parsed.get(p);
        if (lib.split() != split) {
          continue;
        }
        for (int i = 0; i < lib.methods().size(); i++) {
          JavaMethod m = lib.methods().get(i);
          boolean gold = goldIndexes.get(p).contains(i);
          if (gold || (m.codeDrop() == null && codes.add(m.dedupKey()))) {
            codebases.get(split).add(CodeSearchNetRecord.of(lib.library(), m, lib.urls().get(i), split));
            codebaseCounts[p]++;
          }
        }
      }
    }

    for (int p = 0; p < parsed.size(); p++) {
      Parsed lib = parsed.get(p);
      stats.add(new LibraryStats(lib.library().id(), lib.split(), lib.library().urlPrefix(),
          Files.isDirectory(lib.library().location()) ? null : SourcesJarResolver.sha1(lib.library().location()),
          lib.files(), lib.unparsed(), lib.found(), queryCounts[p], codebaseCounts[p], drops.get(p)));
    }
    CorpusManifest manifest = new CorpusManifest(stats);
    try {
      Files.createDirectories(outDir);
      for (CorpusSplit split : CorpusSplit.values()) {
        writeJsonl(outDir.resolve(split.key() + ".jsonl"), queries.get(split));
        if (split != CorpusSplit.TRAIN) {
          writeJsonl(outDir.resolve(split.key() + "_codebase.jsonl"), codebases.get(split));
        }
      }
      AtomicFiles.writeString(outDir.resolve(MANIFEST), manifest.toJson());
    } catch (IOException | UncheckedIOException e) {
      throw new CorpusBuildException("cannot write the corpus to " + outDir + ": " + e.getMessage(), e);
    }
    return manifest;
  }

  private Parsed parse(SourceLibrary library, CorpusSplit split, ForkJoinPool pool) {
    long start = System.nanoTime();
    List<SourceLibrary.SourceFile> files = library.readJavaFiles();
    ThreadLocal<MethodExtractor> extractors = ThreadLocal.withInitial(MethodExtractor::new);
    List<MethodExtractor.FileMethods> results;
    try {
      results = pool.submit(() -> IntStream.range(0, files.size()).parallel()
          .mapToObj(i -> extractors.get().extract(files.get(i).path(), files.get(i).text()))
          .toList()).get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CorpusBuildException("interrupted while parsing " + library.id(), e);
    } catch (ExecutionException e) {
      throw new CorpusBuildException("parsing " + library.id() + " failed: " + e.getCause(), e.getCause());
    }
    // Keep only what can still matter: query candidates, and for valid/test also possible distractors.
    List<JavaMethod> kept = new ArrayList<>();
    List<String> urls = new ArrayList<>();
    Map<CorpusFilter, Long> early = new EnumMap<>(CorpusFilter.class);
    int unparsed = 0;
    long found = 0;
    for (MethodExtractor.FileMethods file : results) {
      if (!file.parsed()) {
        unparsed++;
        log.accept("warning: " + library.id() + "!" + file.path() + " could not be parsed; skipped");
        continue;
      }
      Set<Integer> lines = new HashSet<>();
      for (JavaMethod m : file.methods()) {
        found++;
        // #L<line> is unique unless two declarations start on one line; then the column tells them apart.
        String url = library.urlPrefix() + "!" + m.path() + "#L" + m.line()
            + (lines.add(m.line()) ? "" : "C" + m.column());
        boolean candidate = m.queryDrop() == null || (split != CorpusSplit.TRAIN && m.codeDrop() == null);
        if (candidate) {
          kept.add(m);
          urls.add(url);
        } else {
          early.merge(m.queryDrop(), 1L, Long::sum);
        }
      }
    }
    log.accept(String.format(Locale.ROOT, "%s (%s): %,d files, %,d methods parsed in %.1f s", library.id(),
        split.key(), files.size(), found, (System.nanoTime() - start) / 1e9));
    return new Parsed(library, split, kept, urls, files.size(), unparsed, found, early);
  }

  private static void writeJsonl(Path file, List<CodeSearchNetRecord> records) {
    AtomicFiles.write(file, tmp -> {
      try (BufferedWriter w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
        for (CodeSearchNetRecord r : records) {
          w.write(JSONL.writeValueAsString(r));
          w.write('\n');
        }
      }
    });
  }
}
