package dev.softinfonce.objective;

/** A malformed {@code objective eval} case file; the message names the file and the field at fault. */
public final class CaseFormatException extends IllegalArgumentException {
  public CaseFormatException(String message) {
    super(message);
  }

  public CaseFormatException(String message, Throwable cause) {
    super(message, cause);
  }
}
