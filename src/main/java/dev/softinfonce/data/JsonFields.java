package dev.softinfonce.data;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Typed access to the fields of one JSON record, failing with a {@link DataFormatException} that
 * names file, line and field. One instance per record.
 */
final class JsonFields {
  private final Path file;
  private final long line;
  private final JsonNode record;

  JsonFields(Path file, long line, JsonNode record) {
    this.file = file;
    this.line = line;
    this.record = record;
  }

  boolean has(String field) {
    JsonNode v = record.get(field);
    return v != null && !v.isNull();
  }

  /** A required string. */
  String string(String field) {
    JsonNode v = require(field);
    if (!v.isTextual()) {
      throw wrongType(field, "a string", v);
    }
    return v.textValue();
  }

  /** An optional string, {@code fallback} when absent or null. */
  String optString(String field, String fallback) {
    return has(field) ? string(field) : fallback;
  }

  /** A required array of strings joined by single spaces. */
  String joinedTokens(String field) {
    JsonNode v = require(field);
    if (!v.isArray()) {
      throw wrongType(field, "an array of strings", v);
    }
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < v.size(); i++) {
      JsonNode t = v.get(i);
      if (!t.isTextual()) {
        throw error(field, "expected an array of strings, got " + typeName(t) + " at index " + i);
      }
      if (i > 0) {
        sb.append(' ');
      }
      sb.append(t.textValue());
    }
    return sb.toString();
  }

  /** A required field that is either a pre-joined token string or an array of strings (CoSQA). */
  String tokensOrString(String field) {
    JsonNode v = require(field);
    if (v.isTextual()) {
      return v.textValue();
    }
    if (v.isArray()) {
      return joinedTokens(field);
    }
    throw wrongType(field, "a string or an array of strings", v);
  }

  /** A required integer (fits a long). */
  long integer(String field) {
    JsonNode v = require(field);
    if (!v.isIntegralNumber() || !v.canConvertToLong()) {
      throw wrongType(field, "an integer", v);
    }
    return v.longValue();
  }

  private JsonNode require(String field) {
    JsonNode v = record.get(field);
    if (v == null) {
      throw error(field, "missing");
    }
    if (v.isNull()) {
      throw error(field, "missing (null)");
    }
    return v;
  }

  DataFormatException wrongType(String field, String expected, JsonNode got) {
    return error(field, "expected " + expected + ", got " + typeName(got));
  }

  DataFormatException error(String field, String problem) {
    return new DataFormatException(file, line, field, problem);
  }

  static String typeName(JsonNode n) {
    return n.getNodeType().name().toLowerCase(Locale.ROOT);
  }
}
