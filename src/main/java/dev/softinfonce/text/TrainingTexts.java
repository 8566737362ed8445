package dev.softinfonce.text;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import java.util.zip.GZIPInputStream;

/**
 * Streams the texts a tokenizer is trained on from CodeSearchNet-style jsonl (optionally
 * {@code .gz}): per record, {@code docstring_tokens} and {@code code_tokens}, each joined by one
 * space (the query and code texts the data readers produce). One line at a time, so a large file
 * needs little heap.
 *
 * <p>Strict: a line that is not a JSON object, a field that is not an array of strings, or a
 * record with neither field is an error naming file, line and field. Empty token lists are skipped.
 */
public final class TrainingTexts {

  /** The fields read, in this order, from every record. */
  public static final List<String> FIELDS = List.of("docstring_tokens", "code_tokens");

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private TrainingTexts() {}

  /**
   * Feeds every non-empty text of {@code file} to {@code sink}.
   *
   * @return the number of texts fed
   * @throws TokenizerException on a missing file or a malformed record
   */
  public static long read(Path file, Consumer<String> sink) {
    long texts = 0;
    try (InputStream raw = open(file);
        BufferedReader in = new BufferedReader(new InputStreamReader(raw, StandardCharsets.UTF_8))) {
      String line;
      long lineNo = 0;
      while ((line = in.readLine()) != null) {
        lineNo++;
        if (line.isBlank()) {
          continue;
        }
        JsonNode record;
        try {
          record = MAPPER.readTree(line);
        } catch (JsonProcessingException e) {
          throw new TokenizerException(file + ":" + lineNo + ": not valid JSON: "
              + e.getOriginalMessage());
        }
        if (record == null || !record.isObject()) {
          throw new TokenizerException(file + ":" + lineNo + ": expected a JSON object");
        }
        boolean any = false;
        for (String field : FIELDS) {
          JsonNode value = record.get(field);
          if (value == null || value.isNull()) {
            continue;
          }
          any = true;
          String text = join(value, file, lineNo, field);
          if (!text.isEmpty()) {
            sink.accept(text);
            texts++;
          }
        }
        if (!any) {
          throw new TokenizerException(file + ":" + lineNo + ": record has neither field "
              + String.join(" nor ", FIELDS));
        }
      }
    } catch (NoSuchFileException e) {
      throw new TokenizerException("training file not found: " + file);
    } catch (IOException e) {
      throw new TokenizerException("cannot read " + file + ": " + e.getMessage(), e);
    }
    return texts;
  }

  private static InputStream open(Path file) throws IOException {
    InputStream in = Files.newInputStream(file);
    return file.getFileName().toString().endsWith(".gz") ? new GZIPInputStream(in, 1 << 16) : in;
  }

  private static String join(JsonNode value, Path file, long lineNo, String field) {
    if (!value.isArray()) {
      throw new TokenizerException(file + ":" + lineNo + ": field " + field
          + " must be an array of strings, got " + value.getNodeType().toString().toLowerCase());
    }
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < value.size(); i++) {
      JsonNode t = value.get(i);
      if (!t.isTextual()) {
        throw new TokenizerException(file + ":" + lineNo + ": field " + field + "[" + i
            + "] must be a string, got " + t.getNodeType().toString().toLowerCase());
      }
      if (sb.length() > 0) {
        sb.append(' ');
      }
      sb.append(t.asText());
    }
    return sb.toString();
  }
}
