package dev.softinfonce.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** File helpers shared by commands. */
final class FileTrees {
  private FileTrees() {}

  static void deleteTree(Path p) {
    if (!Files.exists(p)) {
      return;
    }
    try {
      com.google.common.io.MoreFiles.deleteRecursively(p, com.google.common.io.RecursiveDeleteOption.ALLOW_INSECURE);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete " + p + ": " + e.getMessage(), e);
    }
  }
}
