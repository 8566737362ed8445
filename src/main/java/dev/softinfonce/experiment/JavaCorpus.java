package dev.softinfonce.experiment;

import dev.softinfonce.config.ExperimentConfig;
import dev.softinfonce.javacorpus.CorpusLibraries;
import dev.softinfonce.javacorpus.CorpusManifest;
import dev.softinfonce.javacorpus.JavaCorpusBuilder;
import dev.softinfonce.javacorpus.SourcesJarResolver;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;

/**
 * The built-in Java corpus as a data source: built once from Maven Central sources jars into
 * {@code data.java_corpus_dir} (default libraries unless {@code data.java_corpus} names others) and
 * reused by later runs; the config's data paths are pointed at its files.
 */
public final class JavaCorpus {
  private JavaCorpus() {}

  /** Builds the corpus unless its manifest is already there; returns {@code cfg} with data paths set. */
  public static ExperimentConfig ensure(ExperimentConfig cfg, Consumer<String> out) {
    Path dir = Path.of(cfg.data().javaCorpusDir());
    if (Files.isRegularFile(dir.resolve(JavaCorpusBuilder.MANIFEST))) {
      out.accept("corpus: reusing " + dir + " (delete it to rebuild)");
    } else {
      long t0 = System.nanoTime();
      out.accept("corpus: building the Java corpus into " + dir + " (sources jars from Maven Central, cached in ~/.m2)");
      List<String> maven = cfg.data().javaCorpus();
      CorpusManifest m = CorpusLibraries.plan(maven, List.of(), List.of(), List.of(),
          SourcesJarResolver.defaults(out)).log(out).build().write(dir);
      out.accept(m.summary().strip());
      out.accept(String.format("corpus: built in %.0f s", (System.nanoTime() - t0) / 1e9));
    }
    return cfg.toBuilder()
        .set("data.format", "codesearchnet")
        .set("data.train", dir.resolve("train.jsonl").toString())
        .set("data.valid", dir.resolve("valid.jsonl").toString())
        .set("data.valid_codebase", dir.resolve("valid_codebase.jsonl").toString())
        .set("data.test", dir.resolve("test.jsonl").toString())
        .set("data.test_codebase", dir.resolve("test_codebase.jsonl").toString())
        .build();
  }
}
