package dev.softinfonce.data;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The on-disk layouts we read unchanged. */
public enum SourceFormat {
  /** One JSON object per line: CodeSearchNet as published and the GraphCodeBERT split (incl. codebase.jsonl). */
  JSONL("codesearchnet jsonl"),
  /** CoSQA retrieval json: one JSON array of {@code {idx, doc, code, code_tokens, ..., retrieval_idx}}. */
  COSQA_JSON("cosqa json array"),
  /** CoSQA's retrieval pool {@code code_idx_map.txt}: one JSON object mapping code string to integer index. */
  COSQA_CODE_MAP("cosqa code_idx_map");

  private final String label;

  SourceFormat(String label) {
    this.label = label;
  }

  /** A short human name, used by {@code data stats}. */
  public String label() {
    return label;
  }

  /**
   * Tells the layout from the content: a top-level array is CoSQA json; an object whose first value is
   * an integer is a {@code code_idx_map}; any other object is jsonl. Only the first few tokens are read.
   *
   * @throws DataFormatException when the file starts with neither an object nor an array
   */
  public static SourceFormat detect(Path file) {
    try (InputStream in = DataFiles.open(file);
        JsonParser p = Json.MAPPER.getFactory().createParser(in)) {
      JsonToken first;
      try {
        first = p.nextToken();
      } catch (IOException e) {
        throw new DataFormatException(file, 1, null, "not JSON or jsonl: " + Json.problem(e));
      }
      if (first == JsonToken.START_ARRAY) {
        return COSQA_JSON;
      }
      if (first != JsonToken.START_OBJECT) {
        throw new DataFormatException(file, 1, null, first == null ? "empty file"
            : "expected a JSON object per line or a JSON array, got " + Json.typeName(first));
      }
      try {
        if (p.nextToken() == JsonToken.FIELD_NAME && p.nextToken() == JsonToken.VALUE_NUMBER_INT) {
          return COSQA_CODE_MAP;
        }
      } catch (IOException e) {
        // a malformed first record: let the jsonl reader report it with its line
      }
      return JSONL;
    } catch (IOException e) {
      throw dev.softinfonce.files.IoErrors.unchecked("cannot read", file, e);
    }
  }
}
