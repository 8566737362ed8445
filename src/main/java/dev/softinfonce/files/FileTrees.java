package dev.softinfonce.files;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The one recursive delete: run folders, snapshots, exports being replaced. */
public final class FileTrees {
  private FileTrees() {}

  /** Deletes {@code p} and everything under it; nothing happens if it does not exist. */
  public static void deleteTree(Path p) {
    if (!Files.exists(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try {
      com.google.common.io.MoreFiles.deleteRecursively(p, com.google.common.io.RecursiveDeleteOption.ALLOW_INSECURE);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete " + p + ": " + e.getMessage(), e);
    }
  }
}
