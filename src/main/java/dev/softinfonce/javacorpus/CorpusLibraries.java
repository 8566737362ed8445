package dev.softinfonce.javacorpus;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns the user's library choice into a split assignment: {@code --maven} and {@code --sources}
 * libraries go to train unless {@code --valid} or {@code --test} names them (by {@code G:A:V} or by the
 * source's path or name). A {@code --valid}/{@code --test} entry that is not among them is added: an
 * existing file or folder as local sources, anything else as a Maven coordinate. With no libraries at
 * all the {@link DefaultJavaCorpus} is used.
 */
public final class CorpusLibraries {
  private CorpusLibraries() {}

  /**
   * Resolves every library (downloading Maven sources jars when needed) and returns a builder with
   * each library in its split.
   */
  public static JavaCorpusBuilder.Builder plan(List<String> maven, List<Path> sources, List<String> valid,
      List<String> test, SourcesJarResolver resolver) {
    if (maven.isEmpty() && sources.isEmpty() && valid.isEmpty() && test.isEmpty()) {
      return plan(DefaultJavaCorpus.TRAIN, List.of(), DefaultJavaCorpus.VALID, DefaultJavaCorpus.TEST, resolver);
    }
    // Train candidates keyed by every name the user may use for them.
    Map<String, Object> byName = new LinkedHashMap<>();
    List<Object> train = new ArrayList<>();
    for (String m : maven) {
      MavenCoordinate c = MavenCoordinate.parse(m);
      if (byName.putIfAbsent(c.toString(), c) != null) {
        throw new CorpusBuildException("--maven " + c + " is given twice");
      }
      train.add(c);
    }
    for (Path p : sources) {
      Path abs = p.toAbsolutePath().normalize();
      if (!Files.exists(abs)) {
        throw new CorpusBuildException("--sources " + p + ": no such file or folder");
      }
      String name = abs.getFileName() == null ? abs.toString() : abs.getFileName().toString();
      if (byName.putIfAbsent(name, abs) != null) {
        throw new CorpusBuildException("--sources " + p + ": a library named '" + name + "' is already given");
      }
      byName.put(p.toString(), abs);
      byName.put(abs.toString(), abs);
      train.add(abs);
    }
    Map<Object, CorpusSplit> assigned = new LinkedHashMap<>();
    for (String v : valid) {
      assign(v, CorpusSplit.VALID, byName, assigned);
    }
    for (String t : test) {
      assign(t, CorpusSplit.TEST, byName, assigned);
    }
    for (Object lib : train) {
      assigned.putIfAbsent(lib, CorpusSplit.TRAIN);
    }
    JavaCorpusBuilder.Builder builder = JavaCorpusBuilder.builder();
    assigned.forEach((lib, split) -> builder.add(split, library(lib, resolver)));
    return builder;
  }

  private static void assign(String entry, CorpusSplit split, Map<String, Object> byName,
      Map<Object, CorpusSplit> assigned) {
    Object lib = byName.get(entry.trim());
    if (lib == null) {
      Path path = Path.of(entry.trim());
      lib = Files.exists(path) ? path.toAbsolutePath().normalize() : MavenCoordinate.parse(entry);
    }
    CorpusSplit previous = assigned.putIfAbsent(lib, split);
    if (previous != null) {
      throw new CorpusBuildException("--" + split.key() + " " + entry + ": already assigned to " + previous.key()
          + "; a library belongs to exactly one split");
    }
  }

  private static SourceLibrary library(Object lib, SourcesJarResolver resolver) {
    if (lib instanceof MavenCoordinate c) {
      return SourceLibrary.maven(c, resolver.resolve(c));
    }
    return SourceLibrary.local((Path) lib);
  }
}
