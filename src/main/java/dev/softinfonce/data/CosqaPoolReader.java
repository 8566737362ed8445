package dev.softinfonce.data;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads CoSQA's retrieval pool {@code code_idx_map.txt}: one JSON object mapping each code string to
 * its integer index, streamed entry by entry. Each entry becomes a codebase example with url = the
 * index as a string, code = the key (raw code, whatever {@code data.code_field} says, since the pool
 * holds nothing else) and an empty query.
 *
 * <p>Only {@link ReadMode#CODEBASE} makes sense for a pool; other modes are rejected.
 */
public final class CosqaPoolReader extends ExampleReader {
  private final JsonParser parser;
  private boolean started;
  private boolean broken;

  CosqaPoolReader(Path file, ReadMode mode, ReadOptions options) throws IOException {
    super(file, mode, options);
    if (mode != ReadMode.CODEBASE) {
      throw new IllegalArgumentException(file + " is a CoSQA code_idx_map (a pool without queries); "
          + "read it as a codebase, not as " + mode.name().toLowerCase(java.util.Locale.ROOT));
    }
    this.parser = Json.MAPPER.getFactory().createParser(DataFiles.open(file));
  }

  @Override
  protected Record readRecord() throws IOException {
    long line = 0;
    try {
      if (!started) {
        started = true;
        JsonToken t = parser.nextToken();
        if (t != JsonToken.START_OBJECT) {
          broken = true;
          throw new DataFormatException(file, parser.currentTokenLocation().getLineNr(), null,
              "expected a JSON object mapping code to index, got " + Json.typeName(t));
        }
      }
      JsonToken t = parser.nextToken();
      line = parser.currentTokenLocation().getLineNr();
      if (t == JsonToken.END_OBJECT) {
        return null;
      }
      if (t != JsonToken.FIELD_NAME) {
        broken = true;
        throw new DataFormatException(file, line, null, "malformed JSON: the object is not closed");
      }
      String code = parser.currentName();
      JsonToken v = parser.nextToken();
      if (v != JsonToken.VALUE_NUMBER_INT) {
        parser.skipChildren();
        throw new DataFormatException(file, line, "index", "expected an integer, got " + Json.typeName(v));
      }
      long index = parser.getLongValue();
      if (index < 0) {
        throw new DataFormatException(file, line, "index", "must be >= 0, got " + index);
      }
      Long firstLine = lineOfIndex.putIfAbsent(index, line);
      if (firstLine != null) { // two codes on one index: gold matching by retrieval_idx would be ambiguous
        throw new DataFormatException(file, line, "index", "index " + index + " is already used by the code at line "
            + firstLine + "; each pool index must name one code");
      }
      return accept(Long.toString(index), "", code, "python", line);
    } catch (JsonProcessingException e) {
      broken = true;
      long at = e.getLocation() != null ? e.getLocation().getLineNr() : line;
      throw new DataFormatException(file, at, null, "malformed JSON: " + Json.problem(e)
          + (options.skipBad() ? " (cannot skip: the rest of the object is unreadable)" : ""));
    }
  }

  private final java.util.Map<Long, Long> lineOfIndex = new java.util.HashMap<>(); // pool index -> its line

  @Override
  protected boolean canContinueAfter(DataFormatException e) {
    return !broken;
  }

  @Override
  protected void closeInput() throws IOException {
    parser.close();
  }
}
