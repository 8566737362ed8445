package dev.softinfonce.cli;

import dev.softinfonce.javacorpus.CorpusBuildException;
import dev.softinfonce.javacorpus.CorpusLibraries;
import dev.softinfonce.javacorpus.CorpusManifest;
import dev.softinfonce.javacorpus.CorpusSplit;
import dev.softinfonce.javacorpus.SourcesJarResolver;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code softinfonce data build-java}: builds the CodeSearchNet-format Java corpus from Maven sources
 * jars and/or local sources, split by library (see {@code dev.softinfonce.javacorpus.JavaCorpusBuilder}).
 */
@Command(name = "build-java", mixinStandardHelpOptions = true,
    description = {
        "Build a CodeSearchNet-format Java corpus (Javadoc first paragraph -> method) split by library.",
        "Writes train/valid/test.jsonl, valid_codebase.jsonl, test_codebase.jsonl and manifest.json.",
        "Without --maven/--sources/--valid/--test the built-in default library list is used.",
        "Sources jars are read from ~/.m2/repository or downloaded from Maven Central "
            + "(base URL: env SOFTINFONCE_MAVEN_REPO) and cached there."})
final class BuildJavaCommand implements Runnable {
  @Option(names = "--maven", split = ",", paramLabel = "G:A:V",
      description = "Maven artifacts whose -sources.jar to use (train unless named by --valid/--test)")
  List<String> maven = new ArrayList<>();

  @Option(names = "--sources", paramLabel = "PATH",
      description = "a local src.zip/jar or source folder (repeatable; train unless named by --valid/--test)")
  List<Path> sources = new ArrayList<>();

  @Option(names = "--valid", split = ",", paramLabel = "LIB",
      description = "libraries (G:A:V or source path/name) that form the valid split")
  List<String> valid = new ArrayList<>();

  @Option(names = "--test", split = ",", paramLabel = "LIB",
      description = "libraries (G:A:V or source path/name) that form the test split")
  List<String> test = new ArrayList<>();

  @Option(names = "--out", required = true, paramLabel = "DIR", description = "output directory")
  Path out;

  @Option(names = "--threads", paramLabel = "N", description = "parser threads (default: all cores)")
  Integer threads;

  @Override
  public void run() {
    long start = System.nanoTime();
    try {
      var builder = CorpusLibraries.plan(maven, sources, valid, test, SourcesJarResolver.defaults(System.err::println))
          .log(System.err::println);
      if (threads != null) {
        builder.threads(threads);
      }
      CorpusManifest manifest = builder.build().write(out);
      System.out.print(manifest.summary());
      System.out.printf(Locale.ROOT, "wrote %s (%.1f s)%n", out, (System.nanoTime() - start) / 1e9);
      if (manifest.queries(CorpusSplit.TRAIN) == 0) {
        System.err.println("warning: the train split is empty");
      }
    } catch (CorpusBuildException | IllegalArgumentException e) {
      throw new UserException(e.getMessage(), e);
    }
  }
}
