package dev.softinfonce.data;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.json.JsonMapper;

/** The one Jackson mapper of the data package and how its errors are worded. */
final class Json {
  /** For streaming parsers (records inside one array or object). */
  static final ObjectMapper MAPPER = JsonMapper.builder().build();

  /** For one record per line: trailing garbage after the record is an error. */
  static final ObjectReader LINE_READER = MAPPER.reader()
      .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  private Json() {}

  /**
   * One jsonl record: the line parsed as a JSON object.
   *
   * @throws DataFormatException naming {@code file:line} when it is malformed or not an object
   */
  static JsonFields lineObject(java.nio.file.Path file, long line, String text) {
    com.fasterxml.jackson.databind.JsonNode node;
    try {
      node = LINE_READER.readTree(text);
    } catch (JsonProcessingException e) {
      throw new DataFormatException(file, line, null, "malformed JSON: " + problem(e));
    }
    if (!node.isObject()) {
      throw new DataFormatException(file, line, null, "expected a JSON object, got " + JsonFields.typeName(node));
    }
    return new JsonFields(file, line, node);
  }

  /** A JSON type name for a token, as in "got string". */
  static String typeName(JsonToken t) {
    if (t == null) {
      return "end of file";
    }
    return switch (t) {
      case START_OBJECT, END_OBJECT -> "object";
      case START_ARRAY, END_ARRAY -> "array";
      case VALUE_STRING -> "string";
      case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "number";
      case VALUE_TRUE, VALUE_FALSE -> "boolean";
      case VALUE_NULL -> "null";
      default -> t.name().toLowerCase(java.util.Locale.ROOT);
    };
  }

  /** Jackson's message without its "at [Source: ...]" suffix, plus the column when known. */
  static String problem(Exception e) {
    if (e instanceof JsonProcessingException j) {
      String msg = j.getOriginalMessage();
      int nl = msg.indexOf('\n');
      if (nl >= 0) {
        msg = msg.substring(0, nl);
      }
      return j.getLocation() != null && j.getLocation().getColumnNr() > 0
          ? msg + " (column " + j.getLocation().getColumnNr() + ")"
          : msg;
    }
    return String.valueOf(e.getMessage());
  }
}
