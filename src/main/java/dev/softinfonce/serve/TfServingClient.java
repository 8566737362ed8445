package dev.softinfonce.serve;

import static dev.softinfonce.export.ServingContract.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.softinfonce.text.EncodedBatch;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A Java client of an exported model served over TF Serving's REST API: by {@code tensorflow_model_server}
 * or by {@code softinfonce serve}. It tokenizes locally with the export's own {@code assets.extra/}
 * ({@link ExportTokenizers}: tokenizer, max lengths, pad id, code pre-processing of training) and calls
 * {@code :predict} in the columnar form, pinned to the local export's version so that the server's
 * weights always match the local tokenizer (a server that moved to another version answers 404).
 *
 * <pre>{@code
 * try (TfServingClient c = TfServingClient.connect(URI.create("http://localhost:8501"), "quickstart")) {
 *   float[][] q = c.encodeQueries(List.of("read a file into a string"));     // [Q, D]
 *   float[][] s = c.score(List.of("read a file"), List.of(code1, code2));     // [Q, C]
 * }
 * }</pre>
 *
 * <p>Thread-safe. Errors the server answers come back as {@link ApiException} with its status and message.
 */
public final class TfServingClient implements AutoCloseable {
  /** Rows per {@code :predict} call when encoding many texts. */
  public static final int BATCH = 64;
  private static final ObjectMapper JSON = JsonTensors.JSON;

  private final URI predictUri;
  private final ExportTokenizers tokenizers;
  private final long version;
  private final HttpClient http;
  private final Duration timeout;

  private TfServingClient(URI base, String modelName, ExportTokenizers tokenizers, Duration timeout) {
    this.tokenizers = tokenizers;
    this.version = Long.parseLong(tokenizers.versionDir().getFileName().toString());
    String root = base.toString().replaceAll("/+$", "");
    this.predictUri = URI.create(root + "/v1/models/" + modelName + "/versions/" + version + ":predict");
    this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(timeout).build();
    this.timeout = timeout;
  }

  /**
   * Connects to {@code modelName} at {@code uri} (e.g. {@code http://localhost:8501}), reading the
   * tokenizer from {@code savedmodels/<modelName>} under the working directory: the folder given to the
   * server as {@code --model_base_path}.
   */
  public static TfServingClient connect(URI uri, String modelName) {
    return connect(uri, modelName, Path.of("savedmodels", modelName));
  }

  /**
   * Connects to {@code modelName} at {@code uri} with the tokenizer of {@code export}: the model base
   * folder (its highest version is used, as the server does) or one version folder.
   */
  public static TfServingClient connect(URI uri, String modelName, Path export) {
    return new TfServingClient(uri, modelName, ExportTokenizers.open(export), Duration.ofSeconds(30));
  }

  /** The version the client's tokenizer belongs to, and which its requests name. */
  public long version() {
    return version;
  }

  /** Query embeddings {@code [Q, D]} from {@code encode_query}. */
  public float[][] encodeQueries(List<String> queries) {
    return encode(SIG_ENCODE_QUERY, queries, true);
  }

  /** Code embeddings {@code [C, D]} from {@code encode_code}; raw code is pre-processed as in training. */
  public float[][] encodeCode(List<String> code) {
    return encode(SIG_ENCODE_CODE, code, false);
  }

  /** Scores {@code [Q, C]} of every query against every code, from the {@code score} signature (one call). */
  public float[][] score(List<String> queries, List<String> code) {
    if (queries.isEmpty() || code.isEmpty()) {
      return new float[queries.size()][0];
    }
    EncodedBatch q = tokenizers.queries(queries);
    EncodedBatch c = tokenizers.codes(code);
    Map<String, Object> inputs = new LinkedHashMap<>();
    inputs.put(QUERY_INPUT_IDS, q.ids());
    inputs.put(QUERY_ATTENTION_MASK, q.mask());
    inputs.put(CODE_INPUT_IDS, c.ids());
    inputs.put(CODE_ATTENTION_MASK, c.mask());
    return matrix(predict(SIG_SCORE, inputs), queries.size());
  }

  private float[][] encode(String signature, List<String> texts, boolean query) {
    float[][] out = new float[texts.size()][];
    for (int from = 0; from < texts.size(); from += BATCH) {
      List<String> chunk = texts.subList(from, Math.min(texts.size(), from + BATCH));
      EncodedBatch t = query ? tokenizers.queries(chunk) : tokenizers.codes(chunk);
      Map<String, Object> inputs = new LinkedHashMap<>();
      inputs.put(INPUT_IDS, t.ids());
      inputs.put(ATTENTION_MASK, t.mask());
      float[][] rows = matrix(predict(signature, inputs), chunk.size());
      System.arraycopy(rows, 0, out, from, rows.length);
    }
    return out;
  }

  /** One columnar {@code :predict} call; returns {@code outputs}. */
  private JsonNode predict(String signature, Map<String, Object> inputs) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("signature_name", signature);
    body.put("inputs", inputs);
    HttpResponse<byte[]> r;
    try {
      r = http.send(HttpRequest.newBuilder(predictUri).timeout(timeout).header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body))).build(),
          HttpResponse.BodyHandlers.ofByteArray());
    } catch (IOException e) {
      throw new UncheckedIOException(predictUri + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted calling " + predictUri, e);
    }
    JsonNode doc;
    try {
      doc = JSON.readTree(r.body());
    } catch (IOException e) {
      throw new ApiException(r.statusCode(), predictUri + " answered " + r.statusCode() + " with a body that is not JSON");
    }
    if (r.statusCode() != 200) {
      String msg = doc != null && doc.has("error") ? doc.get("error").asText() : String.valueOf(doc);
      throw new ApiException(r.statusCode(), predictUri + " answered " + r.statusCode() + ": " + msg);
    }
    if (doc == null || !doc.has("outputs")) {
      throw new ApiException(502, predictUri + " answered without \"outputs\"");
    }
    return doc.get("outputs");
  }

  private static float[][] matrix(JsonNode rows, int expected) {
    if (!rows.isArray() || rows.size() != expected) {
      throw new ApiException(502, "expected " + expected + " output rows, got " + JsonTensors.debug(rows));
    }
    List<float[]> out = new ArrayList<>(expected);
    for (JsonNode row : rows) {
      float[] v = new float[row.size()];
      for (int j = 0; j < v.length; j++) {
        v[j] = row.get(j).floatValue();
      }
      out.add(v);
    }
    return out.toArray(new float[0][]);
  }

  @Override
  public void close() {
    tokenizers.close();
  }
}
