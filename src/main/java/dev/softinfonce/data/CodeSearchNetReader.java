package dev.softinfonce.data;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads CodeSearchNet jsonl as published ({@code repo, path, func_name, original_string, language,
 * code, code_tokens, docstring, docstring_tokens, url, partition}, extra fields such as {@code sha}
 * or {@code idx} ignored) and the GraphCodeBERT split ({@code train/valid/test.jsonl},
 * {@code codebase.jsonl}), one line at a time.
 *
 * <p>Query = {@code docstring_tokens} joined by " " (as the paper does). Code = per
 * {@code data.code_field}: {@code code_tokens} joined by " ", {@code code} or {@code original_string}.
 * Only the fields the {@link ReadMode} needs are checked; blank lines are ignored.
 */
public final class CodeSearchNetReader extends ExampleReader {
  private final BufferedReader in;
  private long lineNo;

  CodeSearchNetReader(Path file, ReadMode mode, ReadOptions options) throws IOException {
    super(file, mode, options);
    this.in = DataFiles.reader(file);
  }

  @Override
  protected Record readRecord() throws IOException {
    String line;
    do {
      line = in.readLine();
      if (line == null) {
        return null;
      }
      lineNo++;
    } while (line.isBlank());
    if (lineNo == 1 && line.charAt(0) == '\uFEFF') {
      line = line.substring(1); // a UTF-8 byte order mark
    }
    JsonNode node;
    try {
      node = Json.LINE_READER.readTree(line);
    } catch (JsonProcessingException e) {
      throw new DataFormatException(file, lineNo, null, "malformed JSON: " + Json.problem(e));
    }
    if (!node.isObject()) {
      throw new DataFormatException(file, lineNo, null,
          "expected a JSON object, got " + JsonFields.typeName(node));
    }
    return convert(new JsonFields(file, lineNo, node), lineNo);
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
