package dev.softinfonce.data;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Reads CodeSearchNet jsonl as published ({@code repo, path, func_name, original_string, language,
 * code, code_tokens, docstring, docstring_tokens, url, partition}, extra fields such as {@code sha}
 * or {@code idx} ignored) and the GraphCodeBERT split ({@code train/valid/test.jsonl},
 * {@code codebase.jsonl}), one line at a time.
 *
 * <p>Query = {@code docstring_tokens} joined by " " (as the paper does). Code = per
 * {@code data.code_field}: {@code code_tokens} joined by " ", {@code code} or {@code original_string}.
 * Only the fields the {@link ReadMode} needs are checked; blank lines are ignored; a line that is not
 * valid UTF-8 is a bad record ({@link Utf8Lines}).
 */
public final class CodeSearchNetReader extends ExampleReader {
  private final Utf8Lines in;

  CodeSearchNetReader(Path file, ReadMode mode, ReadOptions options) throws IOException {
    super(file, mode, options);
    this.in = new Utf8Lines(file);
  }

  @Override
  protected Record readRecord() throws IOException {
    String line;
    do {
      line = in.next(); // invalid UTF-8: a file:line error, and the next call reads the next line
      if (line == null) {
        return null;
      }
    } while (line.isBlank());
    return convert(Json.lineObject(file, in.lineNumber(), line), in.lineNumber());
  }

  private Record convert(JsonFields f, long line) {
    String query = mode.needsQuery() || f.has("docstring_tokens") ? f.joinedTokens("docstring_tokens") : "";
    String code = switch (options.codeField()) {
      case CODE_TOKENS -> f.joinedTokens("code_tokens");
      case CODE -> f.string("code");
      case ORIGINAL_STRING -> f.string("original_string");
    };
    String url = mode.needsUrl() ? f.string("url") : f.optString("url", source(line));
    String language = f.optString("language", "");
    return accept(url, query, code, language, line);
  }

  @Override
  protected void closeInput() throws IOException {
    in.close();
  }
}
