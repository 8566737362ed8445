package dev.softinfonce.export;

/**
 * A failed export caused by its input (a checkpoint folder that is incomplete, a config that does not
 * match the checkpoint, an existing version folder). The message names the file or folder; the CLI
 * prints it as one line.
 */
public class ExportException extends RuntimeException {
  public ExportException(String message) {
    super(message);
  }

  public ExportException(String message, Throwable cause) {
    super(message, cause);
  }
}
