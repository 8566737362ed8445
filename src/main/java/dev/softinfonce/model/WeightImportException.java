package dev.softinfonce.model;

/** A weight file that cannot be imported; the message names the file and every tensor or variable at fault. */
public final class WeightImportException extends RuntimeException {
  public WeightImportException(String message) {
    super(message);
  }
}
