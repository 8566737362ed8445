package dev.softinfonce.data;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads CoSQA retrieval json: one JSON array of {@code {idx, doc, code, code_tokens,
 * docstring_tokens, label, retrieval_idx}}, streamed element by element with Jackson's parser.
 *
 * <p>Query = {@code doc} (the web query). Code per {@code data.code_field}: {@code code_tokens} (CoSQA
 * stores it as one pre-joined string; an array is joined), else {@code code} ({@code original_string}
 * does not exist in CoSQA and means {@code code}, which is also what the {@code code_idx_map} pool
 * holds). Url = {@code retrieval_idx} as a string; for training pairs without it, {@code idx}.
 * Records with {@code label: 0} say the code does not answer the query; they are dropped from pairs
 * and queries and counted. The line of a record is the line of its opening brace.
 *
 * <p>Malformed JSON inside the array cannot be skipped: the rest of the array is unreadable.
 */
public final class CosqaReader extends ExampleReader {
  private final JsonParser parser;
  private boolean started;
  private boolean broken;

  CosqaReader(Path file, ReadMode mode, ReadOptions options) throws IOException {
    super(file, mode, options);
    this.parser = Json.MAPPER.getFactory().createParser(DataFiles.open(file));
  }

  @Override
  protected Record readRecord() throws IOException {
    long line = 0;
    try {
      if (!started) {
        started = true;
        JsonToken t = parser.nextToken();
        if (t != JsonToken.START_ARRAY) {
          broken = true;
          throw new DataFormatException(file, parser.currentTokenLocation().getLineNr(), null,
              "expected a JSON array of CoSQA records, got " + Json.typeName(t));
        }
      }
      JsonToken t = parser.nextToken();
      line = parser.currentTokenLocation().getLineNr();
      if (t == JsonToken.END_ARRAY || t == null) {
        if (t == null) {
          broken = true;
          throw new DataFormatException(file, line, null, "malformed JSON: the array is not closed");
        }
        return null;
      }
      if (t != JsonToken.START_OBJECT) {
        parser.skipChildren();
        throw new DataFormatException(file, line, null, "expected a JSON object, got " + Json.typeName(t));
      }
      JsonNode node = parser.readValueAsTree();
      return convert(new JsonFields(file, line, node), line);
    } catch (JsonProcessingException e) {
      broken = true;
      long at = e.getLocation() != null ? e.getLocation().getLineNr() : line;
      throw new DataFormatException(file, at, null, "malformed JSON: " + Json.problem(e)
          + (options.skipBad() ? " (cannot skip: the rest of the array is unreadable)" : ""));
    }
  }

  private Record convert(JsonFields f, long line) {
    String query = mode.needsQuery() || f.has("doc") ? f.string("doc") : "";
    String code = switch (options.codeField()) {
      case CODE_TOKENS -> f.tokensOrString("code_tokens");
      case CODE, ORIGINAL_STRING -> f.string("code");
    };
    String url;
    if (mode.needsUrl() || f.has("retrieval_idx")) {
      long idx = f.integer("retrieval_idx");
      if (idx < 0) {
        throw f.error("retrieval_idx", "must be >= 0, got " + idx);
      }
      url = Long.toString(idx);
    } else {
      url = f.optString("idx", source(line));
    }
    if (f.has("label") && f.integer("label") != 0 && f.integer("label") != 1) {
      throw f.error("label", "must be 0 or 1, got " + f.integer("label"));
    }
    if (mode.needsQuery() && f.has("label") && f.integer("label") == 0) {
      return dropNegativeLabel();
    }
    return accept(url, query, code, "python", line);
  }

  @Override
  protected boolean canContinueAfter(DataFormatException e) {
    return !broken;
  }

  @Override
  protected void closeInput() throws IOException {
    parser.close();
  }
}
