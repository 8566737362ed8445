package dev.softinfonce.data;

import java.nio.file.Path;

/**
 * A record that cannot be read: malformed JSON, a missing required field or a field of the wrong
 * type. The message always starts with {@code file:line:} and names the field when there is one,
 * e.g. {@code test.jsonl:17: field 'docstring_tokens': expected an array of strings, got number}.
 */
public final class DataFormatException extends IllegalArgumentException {
  private final Path file;
  private final long line;
  private final String field;

  /**
   * @param file the file being read
   * @param line 1-based line of the record (0 when unknown)
   * @param field the field at fault, or null when the record as a whole is bad
   * @param problem what is wrong, without the location
   */
  public DataFormatException(Path file, long line, String field, String problem) {
    super(file + ":" + line + ": " + (field == null ? "" : "field '" + field + "': ") + problem);
    this.file = file;
    this.line = line;
    this.field = field;
  }

  public Path file() {
    return file;
  }

  public long line() {
    return line;
  }

  /** The field at fault, or null for a malformed line. */
  public String field() {
    return field;
  }
}
