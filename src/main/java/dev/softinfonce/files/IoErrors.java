package dev.softinfonce.files;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;

/**
 * How a failed file operation is worded for a user: the file and the cause in a few words ("no such file
 * or folder", "permission denied", "No space left on device (the disk is full)"), never the JDK's bare
 * path-as-message. Used by the command line's error handler and by every wrapper that adds what was
 * being done ("cannot read FILE: cause").
 */
public final class IoErrors {
  static final String DISK_FULL = "No space left on device";
  private static final String FULL_HINT = "(the disk is full)";

  private IoErrors() {}

  /** The cause of {@code e} in a few words, without the file. */
  public static String reason(IOException e) {
    String r;
    if (e instanceof NoSuchFileException) {
      r = "no such file or folder";
    } else if (e instanceof AccessDeniedException) {
      r = "permission denied";
    } else if (e instanceof NotDirectoryException) {
      r = "not a folder";
    } else if (e instanceof FileSystemException f) {
      r = f.getReason() != null ? f.getReason() : f.getClass().getSimpleName();
    } else {
      r = e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }
    return hinted(r);
  }

  /** {@code message} with " (the disk is full)" after a "No space left on device" it contains. */
  public static String hinted(String message) {
    return message != null && message.contains(DISK_FULL) && !message.contains(FULL_HINT)
        ? message + " " + FULL_HINT : message;
  }

  /** {@code FILE: cause} when {@code e} names its file, else the cause. */
  public static String describe(IOException e) {
    if (e instanceof FileSystemException f && f.getFile() != null) {
      return f.getFile() + ": " + reason(e) + (f.getOtherFile() != null ? " (" + f.getOtherFile() + ")" : "");
    }
    return reason(e);
  }

  /** {@code "<doing> FILE: cause"} as an unchecked exception, e.g. {@code unchecked("cannot read", f, e)}. */
  public static UncheckedIOException unchecked(String doing, Path file, IOException e) {
    return new UncheckedIOException(doing + " " + file + ": " + reason(e), e);
  }

  /**
   * {@code e} with the file it was writing: a bare {@code IOException("No space left on device")} from a
   * stream says nothing of where; this names {@code file}. An exception that already names a file is kept.
   */
  public static IOException naming(Path file, IOException e) {
    if (e instanceof FileSystemException f && f.getFile() != null) {
      return e;
    }
    FileSystemException named = new FileSystemException(file.toString(), null, reason(e));
    named.initCause(e);
    return named;
  }
}
