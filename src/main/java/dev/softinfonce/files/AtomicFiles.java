package dev.softinfonce.files;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * The one temp-file-then-rename write: a reader (or a run killed mid-write) sees the old file or the
 * new one, never half of one. The temporary file sits beside the target, so the rename stays on one
 * file system and is atomic.
 */
public final class AtomicFiles {
  private AtomicFiles() {}

  /** Writes a file's content to the path it is given. */
  @FunctionalInterface
  public interface Writer {
    void write(Path tmp) throws IOException;
  }

  /** Lets {@code writer} fill a temporary sibling of {@code target}, then renames it over {@code target}. */
  public static void write(Path target, Writer writer) {
    Path parent = target.toAbsolutePath().getParent();
    Path tmp = parent.resolve(target.getFileName() + ".tmp");
    try {
      Files.createDirectories(parent);
      writer.write(tmp);
      Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      try {
        Files.deleteIfExists(tmp);
      } catch (IOException ignored) {
        // the write already failed; report that
      }
      throw new UncheckedIOException("cannot write " + target + ": " + e.getMessage(), e);
    }
  }

  /** {@link #write} of a UTF-8 string. */
  public static void writeString(Path target, String content) {
    write(target, tmp -> Files.writeString(tmp, content, StandardCharsets.UTF_8));
  }

  /**
   * {@link #write} of a copy of the file {@code source}. A folder is refused before anything is written
   * ({@code Files.copy} would leave an empty folder named like the target).
   */
  public static void copy(Path source, Path target) {
    if (Files.isDirectory(source)) {
      throw IoErrors.unchecked("cannot copy", source,
          new java.nio.file.FileSystemException(source.toString(), null, "is a directory, not a file"));
    }
    write(target, tmp -> Files.copy(source, tmp, StandardCopyOption.REPLACE_EXISTING));
  }
}
