package dev.softinfonce.data;

import java.nio.file.Path;

/** Turns an {@link Example#source()} ({@code file:line}) back into an error location. */
final class Sources {
  private Sources() {}

  static DataFormatException error(String source, String field, String problem) {
    int colon = source.lastIndexOf(':');
    long line = 0;
    String file = source;
    if (colon > 0) {
      try {
        line = Long.parseLong(source.substring(colon + 1));
        file = source.substring(0, colon);
      } catch (NumberFormatException ignored) {
        // not file:line; keep the whole string as the file
      }
    }
    return new DataFormatException(Path.of(file), line, field, problem);
  }
}
