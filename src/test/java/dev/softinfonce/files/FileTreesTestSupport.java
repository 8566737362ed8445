package dev.softinfonce.files;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** Test-side folder helpers beside {@link FileTrees}: the tests that move or damage a copy of a model folder. */
public final class FileTreesTestSupport {
  private FileTreesTestSupport() {}

  /** Copies the tree at {@code from} to {@code to} (created; must not exist yet), files byte for byte. */
  public static void copy(Path from, Path to) throws IOException {
    try (Stream<Path> s = Files.walk(from)) {
      for (Path p : s.toList()) {
        Path t = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(t);
        } else {
          Files.copy(p, t);
        }
      }
    }
  }
}
