package dev.softinfonce.text;

/**
 * A tokenizer file or a training text that cannot be used; the message names the file (and line
 * and field where there is one) so the command line can print it as one line.
 */
public class TokenizerException extends RuntimeException {
  public TokenizerException(String message) {
    super(message);
  }

  public TokenizerException(String message, Throwable cause) {
    super(message, cause);
  }
}
