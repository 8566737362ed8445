package dev.softinfonce.objective;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.softinfonce.config.ConfigException;
import dev.softinfonce.config.ConfigParser;
import dev.softinfonce.config.ExperimentConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

/**
 * One input of {@code softinfonce objective eval}: a batch of embeddings, optional estimator scores and
 * duplicate flags, and an objective section. The JSON format:
 * <pre>
 * {
 *   "query_embeddings": [[..D numbers..], ...B rows],
 *   "code_embeddings":  [[..D numbers..], ...B rows],
 *   "relevance":  [[..B..], ...B]  optional raw estimator scores sim_ij (diagonal ignored except by fn_cancel_ratio),
 *   "duplicates": [[..B booleans..], ...B]  optional; used when objective.mask_duplicates is true,
 *   "objective":  { "name": "soft_infonce", "alpha": 1.3, "beta": 0.7, "t": 0.1, ... }
 * }
 * </pre>
 * The objective map goes through the same {@link ConfigParser} as the YAML {@code objective:} section
 * (unknown keys, wrong types and out-of-range values are errors), with {@code train.batch_size} set to
 * B so the batch-size rules (e.g. the Eq. 4 denominator, {@code top_k}) are checked for this batch.
 *
 * @param relevance null when absent
 * @param duplicates null when absent
 */
public record ObjectiveCase(double[][] queryEmbeddings, double[][] codeEmbeddings, double[][] relevance,
    boolean[][] duplicates, ExperimentConfig config) {

  private static final Set<String> KEYS = Set.of("query_embeddings", "code_embeddings", "relevance", "duplicates",
      "objective");

  /** Reads and validates a case file. */
  public static ObjectiveCase read(Path file) {
    String text;
    try {
      text = Files.readString(file);
    } catch (IOException e) {
      throw new CaseFormatException(file + ": cannot read: " + e.getMessage(), e);
    }
    return parse(text, file.toString());
  }

  /** Parses and validates case JSON; {@code source} names it in messages. */
  public static ObjectiveCase parse(String json, String source) {
    JsonNode root;
    try {
      ObjectMapper mapper = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
      root = mapper.readTree(json);
    } catch (JsonProcessingException e) {
      var loc = e.getLocation();
      throw new CaseFormatException(source + (loc == null ? "" : ":" + loc.getLineNr() + ":" + loc.getColumnNr())
          + ": invalid JSON: " + e.getOriginalMessage(), e);
    }
    if (root == null || !root.isObject()) {
      throw new CaseFormatException(source + ": expected a JSON object with query_embeddings, code_embeddings, "
          + "objective");
    }
    for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
      String key = it.next();
      if (!KEYS.contains(key)) {
        throw new CaseFormatException(source + ": unknown field '" + key + "'; fields are " + KEYS);
      }
    }
    double[][] q = matrix(root, "query_embeddings", source, -1, -1);
    int b = q.length;
    if (b < 2) {
      throw new CaseFormatException(source + ": query_embeddings: need at least 2 rows (one negative), got " + b);
    }
    double[][] c = matrix(root, "code_embeddings", source, b, q[0].length);
    double[][] rel = root.has("relevance") && !root.get("relevance").isNull()
        ? matrix(root, "relevance", source, b, b) : null;
    boolean[][] dup = root.has("duplicates") && !root.get("duplicates").isNull()
        ? booleans(root.get("duplicates"), "duplicates", source, b) : null;
    return new ObjectiveCase(q, c, rel, dup, objective(root.get("objective"), source, b));
  }

  private static ExperimentConfig objective(JsonNode node, String source, int batch) {
    if (node == null || !node.isObject()) {
      throw new CaseFormatException(source + ": objective: expected an object such as {\"name\": \"soft_infonce\"}");
    }
    ConfigParser parser = ExperimentConfig.builder();
    try {
      for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        JsonNode v = e.getValue();
        if (!v.isValueNode()) {
          throw new CaseFormatException(source + ": objective." + e.getKey() + ": expected a plain value, got " + v);
        }
        parser.set("objective." + e.getKey(), v.isNull() ? null : v.asText());
      }
      parser.set("train.batch_size", batch);
      return parser.build();
    } catch (ConfigException e) {
      String msg = e.getMessage().replace(" (builder)", "");
      if (msg.contains("batch_size")) {
        msg += " [batch_size is B = " + batch + ", the number of rows in the case]";
      }
      throw new CaseFormatException(source + ": " + msg, e);
    }
  }

  private static double[][] matrix(JsonNode root, String field, String source, int rows, int cols) {
    JsonNode node = root.get(field);
    if (node == null || !node.isArray()) {
      throw new CaseFormatException(source + ": " + field + ": expected an array of rows"
          + (node == null ? ", field is missing" : ""));
    }
    if (rows >= 0 && node.size() != rows) {
      throw new CaseFormatException(source + ": " + field + ": expected " + rows + " rows (B), got " + node.size());
    }
    if (node.size() == 0) {
      throw new CaseFormatException(source + ": " + field + ": is empty");
    }
    double[][] out = new double[node.size()][];
    for (int i = 0; i < out.length; i++) {
      JsonNode row = node.get(i);
      int want = cols >= 0 ? cols : (row.isArray() ? row.size() : -1);
      if (!row.isArray() || row.size() != want || want == 0) {
        throw new CaseFormatException(source + ": " + field + "[" + i + "]: expected an array of "
            + (cols >= 0 ? cols : "at least 1") + " numbers, got " + (row.isArray() ? row.size() + " items" : row));
      }
      if (cols < 0) {
        cols = want;
      }
      out[i] = new double[want];
      for (int j = 0; j < want; j++) {
        JsonNode x = row.get(j);
        if (!x.isNumber() || !Double.isFinite(x.asDouble())) {
          throw new CaseFormatException(source + ": " + field + "[" + i + "][" + j + "]: expected a finite number, got "
              + x);
        }
        out[i][j] = x.asDouble();
      }
    }
    return out;
  }

  private static boolean[][] booleans(JsonNode node, String field, String source, int b) {
    if (!node.isArray() || node.size() != b) {
      throw new CaseFormatException(source + ": " + field + ": expected " + b + " rows of " + b + " booleans");
    }
    boolean[][] out = new boolean[b][b];
    for (int i = 0; i < b; i++) {
      JsonNode row = node.get(i);
      if (!row.isArray() || row.size() != b) {
        throw new CaseFormatException(source + ": " + field + "[" + i + "]: expected " + b + " booleans");
      }
      for (int j = 0; j < b; j++) {
        if (!row.get(j).isBoolean()) {
          throw new CaseFormatException(source + ": " + field + "[" + i + "][" + j + "]: expected true or false, got "
              + row.get(j));
        }
        out[i][j] = row.get(j).asBoolean();
      }
    }
    return out;
  }
}
