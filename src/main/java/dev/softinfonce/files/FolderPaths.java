package dev.softinfonce.files;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;

/**
 * Paths recorded inside a folder that may be moved or copied to another machine (a checkpoint, an
 * exported model): written relative to that folder, resolved against wherever the folder is when read.
 */
public final class FolderPaths {
  private FolderPaths() {}

  /**
   * {@code value} (absolute, or relative to the working directory) relative to {@code folder}, e.g.
   * {@code ../../data/train.jsonl}; blank values, and values that are not paths of this file system
   * (another Windows drive), are returned unchanged.
   */
  public static String relativeTo(Path folder, String value) {
    if (value == null || value.isBlank()) {
      return value;
    }
    try {
      String r = folder.toAbsolutePath().normalize().relativize(Path.of(value).toAbsolutePath().normalize()).toString();
      return r.isEmpty() ? "." : r;
    } catch (IllegalArgumentException e) { // InvalidPathException, or another root (a Windows drive)
      return value;
    }
  }

  /** {@code value} written by {@link #relativeTo} for {@code folder}, as a path usable from the working directory. */
  public static String resolveIn(Path folder, String value) {
    if (value == null || value.isBlank()) {
      return value;
    }
    try {
      if (Path.of(value).isAbsolute()) {
        return value;
      }
      String p = folder.resolve(value).normalize().toString();
      return p.isEmpty() ? "." : p;
    } catch (InvalidPathException e) {
      return value;
    }
  }
}
