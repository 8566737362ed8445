package dev.softinfonce.serve;

/**
 * A search-side failure caused by its input: a folder that is not an exported SavedModel, a missing
 * tokenizer, an index file of unknown format, an empty query. The message names the file or the
 * parameter; the CLI prints it as one line and the HTTP server returns it with status 400.
 */
public class SearchException extends RuntimeException {
  public SearchException(String message) {
    super(message);
  }

  public SearchException(String message, Throwable cause) {
    super(message, cause);
  }
}
