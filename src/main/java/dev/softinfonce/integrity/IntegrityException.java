package dev.softinfonce.integrity;

/**
 * An artifact (checkpoint, SavedModel, index) whose bytes are not the ones that were written: a file
 * missing, of another size or with another checksum than its manifest records. The message names the
 * file and what differs; it is a user-facing failure (one line, exit code 2).
 */
public class IntegrityException extends RuntimeException {
  public IntegrityException(String message) {
    super(message);
  }

  public IntegrityException(String message, Throwable cause) {
    super(message, cause);
  }
}
