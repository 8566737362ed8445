package dev.softinfonce.cli;

/**
 * A failure caused by the user's input (a file, a flag, a record), reported as one line without a
 * stack trace. Library packages throw their own exception types; the CLI maps them here.
 */
public class UserException extends RuntimeException {
  public UserException(String message) {
    super(message);
  }

  public UserException(String message, Throwable cause) {
    super(message, cause);
  }
}
