package dev.softinfonce.serve;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.softinfonce.data.CodeTokens;
import dev.softinfonce.text.TokenizedBatch;
import dev.softinfonce.text.Tokenizer;
import java.io.InputStream;
import java.net.Socket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The HTTP server on a loopback port: TF Serving's documented request and response shapes (status,
 * metadata, predict in row and columnar form, errors), the text and search endpoints, and every kind of
 * bad input answered 4xx while the server keeps serving.
 */
class ModelServerTest {
  @TempDir static Path root;
  static Path model;
  static ModelVersions versions;
  static ServedIndex index;
  static ModelServer server;
  static ModelServer small; // tight limits, no index
  static ServingModel direct; // the same export opened through the Java API, for comparisons
  static final ObjectMapper JSON = new ObjectMapper();
  static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();

  @BeforeAll
  static void start() throws Exception {
    model = TinyExport.export(root);
    Path codebase = TinyExport.codebase(root.resolve("codebase.jsonl"));
    Path idx = root.resolve("code.idx");
    direct = ServingModel.open(model);
    CodeSearcher.buildIndex(direct, codebase, null, 4, IndexProgress.NONE).save(idx);
    versions = new ModelVersions(model.getParent(), 0);
    index = ServedIndex.open(idx, versions, "tiny");
    ModelServer.Options opts = ModelServer.Options.defaults().withPort(0);
    server = new ModelServer(versions, "tiny", index.searcher(), opts);
    small = new ModelServer(versions, "tiny", null, opts.withLimits(4096, 4).withThreads(1, 4));
  }

  @AfterAll
  static void stop() {
    small.close();
    server.close();
    index.close();
    versions.close();
    direct.close();
  }

  static HttpResponse<String> get(ModelServer s, String path) throws Exception {
    return CLIENT.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + s.port() + path))
        .timeout(Duration.ofSeconds(30)).GET().build(), HttpResponse.BodyHandlers.ofString());
  }

  static HttpResponse<String> post(ModelServer s, String path, String body) throws Exception {
    return CLIENT.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + s.port() + path))
        .timeout(Duration.ofSeconds(30)).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  static JsonNode ok(HttpResponse<String> r) throws Exception {
    assertEquals(200, r.statusCode(), r.body());
    assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("application/json"));
    return JSON.readTree(r.body());
  }

  static void assertError(int status, HttpResponse<String> r, String text) throws Exception {
    assertEquals(status, r.statusCode(), r.body());
    JsonNode body = JSON.readTree(r.body());
    assertEquals(1, body.size(), "only an error key: " + r.body());
    String msg = body.get("error").asText();
    assertTrue(msg.contains(text), "expected '" + text + "' in: " + msg);
  }

  @Test
  void modelStatusIsTfServingsJson() throws Exception {
    String expected = "{\"model_version_status\": [{\"version\": \"1\", \"state\": \"AVAILABLE\","
        + " \"status\": {\"error_code\": \"OK\", \"error_message\": \"\"}}]}";
    assertEquals(JSON.readTree(expected), ok(get(server, "/v1/models/tiny")));
    assertEquals(JSON.readTree(expected), ok(get(server, "/v1/models/tiny/versions/1")));
    assertError(404, get(server, "/v1/models/tiny/versions/7"), "Could not find version 7 of model tiny");
    assertError(404, get(server, "/v1/models/nope"), "Could not find any versions of model nope");
    assertError(400, get(server, "/v1/models"), "Missing model name in request.");
  }

  @Test
  void metadataRendersTheSignatureDefsAsTfServing() throws Exception {
    JsonNode m = ok(get(server, "/v1/models/tiny/metadata"));
    assertEquals(JSON.readTree("{\"name\": \"tiny\", \"signature_name\": \"\", \"version\": \"1\"}"), m.get("model_spec"));
    JsonNode defs = m.get("metadata").get("signature_def").get("signature_def");
    List<String> keys = new ArrayList<>();
    defs.fieldNames().forEachRemaining(keys::add);
    Collections.sort(keys);
    assertEquals(List.of("encode_code", "encode_query", "score", "serving_default"), keys);
    JsonNode q = defs.get("encode_query");
    assertEquals("tensorflow/serving/predict", q.get("method_name").asText());
    assertEquals(JSON.readTree("{\"dtype\": \"DT_INT32\", \"tensor_shape\": {\"dim\": [{\"size\": \"-1\", \"name\": \"\"},"
        + " {\"size\": \"-1\", \"name\": \"\"}], \"unknown_rank\": false}, \"name\": \"input_ids:0\"}"),
        q.get("inputs").get("input_ids"));
    JsonNode out = q.get("outputs").get("embedding");
    assertEquals("DT_FLOAT", out.get("dtype").asText());
    assertEquals("32", out.get("tensor_shape").get("dim").get(1).get("size").asText());
    assertEquals(4, defs.get("score").get("inputs").size());
    assertEquals(m, ok(get(server, "/v1/models/tiny/versions/1/metadata")));
    assertError(404, get(server, "/v1/models/tiny/versions/3/metadata"), "Servable not found for request: Specific(tiny, 3)");
  }

  /** Ids and masks of two queries as ServingModel tokenizes them, padded to one length. */
  static TokenizedBatch queries() {
    try (Tokenizer t = Tokenizer.builder(model.resolve("assets.extra/tokenizer.json")).maxLength(16).padId(0).build()) {
      return t.encode(List.of("read a file", "parse json data from a string"));
    }
  }

  static void assertRowsEqual(float[][] expected, JsonNode rows) {
    assertEquals(expected.length, rows.size());
    for (int i = 0; i < expected.length; i++) {
      assertEquals(expected[i].length, rows.get(i).size());
      for (int j = 0; j < expected[i].length; j++) {
        assertEquals(expected[i][j], rows.get(i).get(j).floatValue(), 1e-5, "row " + i + " col " + j);
      }
    }
  }

  @Test
  void predictRowAndColumnarFormsMatchServingModel() throws Exception {
    TokenizedBatch t = queries();
    float[][] expected = direct.encodeQueries(List.of("read a file", "parse json data from a string")).vectors();
    StringBuilder rows = new StringBuilder();
    for (int i = 0; i < t.ids().length; i++) {
      rows.append(i == 0 ? "" : ",").append("{\"input_ids\": ").append(JSON.writeValueAsString(t.ids()[i]))
          .append(", \"attention_mask\": ").append(JSON.writeValueAsString(t.mask()[i])).append('}');
    }
    JsonNode row = ok(post(server, "/v1/models/tiny:predict",
        "{\"signature_name\": \"encode_query\", \"instances\": [" + rows + "]}"));
    assertEquals(1, row.size());
    assertRowsEqual(expected, row.get("predictions"));
    String columnar = "{\"signature_name\": \"encode_query\", \"inputs\": {\"input_ids\": "
        + JSON.writeValueAsString(t.ids()) + ", \"attention_mask\": " + JSON.writeValueAsString(t.mask()) + "}}";
    JsonNode col = ok(post(server, "/v1/models/tiny/versions/1:predict", columnar));
    assertEquals(1, col.size());
    assertRowsEqual(expected, col.get("outputs"));
    // no signature_name: serving_default = encode_query
    assertRowsEqual(expected, ok(post(server, "/v1/models/tiny:predict",
        "{\"instances\": [" + rows + "]}")).get("predictions"));
  }

  @Test
  void scoreSignatureTakesQueriesAndCodesOfDifferentCounts() throws Exception {
    TokenizedBatch q = queries();
    List<String> codes = List.of("def read_file ( path )", "def sort_array ( list ) list . sort end", "get name");
    TokenizedBatch c;
    try (Tokenizer t = Tokenizer.builder(model.resolve("assets.extra/tokenizer.json")).maxLength(32).padId(0).build()) {
      c = t.encode(codes);
    }
    String body = "{\"signature_name\": \"score\", \"inputs\": {\"query_input_ids\": " + JSON.writeValueAsString(q.ids())
        + ", \"query_attention_mask\": " + JSON.writeValueAsString(q.mask()) + ", \"code_input_ids\": "
        + JSON.writeValueAsString(c.ids()) + ", \"code_attention_mask\": " + JSON.writeValueAsString(c.mask()) + "}}";
    JsonNode scores = ok(post(server, "/v1/models/tiny:predict", body)).get("outputs"); // [Q, C]
    float[][] qe = direct.encodeQueries(List.of("read a file", "parse json data from a string")).vectors();
    float[][] ce = direct.encodeCodes(codes).vectors();
    float[][] expected = new float[2][3];
    for (int i = 0; i < 2; i++) {
      for (int j = 0; j < 3; j++) {
        double dot = 0;
        for (int d = 0; d < qe[i].length; d++) {
          dot += (double) qe[i][d] * ce[j][d];
        }
        expected[i][j] = (float) (dot * direct.info().scoreScale());
      }
    }
    assertRowsEqual(expected, scores);
    // the row form needs one 0-th dimension for all inputs (TF Serving's rule): 2 queries vs 3 codes fail
    String rowBody = "{\"signature_name\": \"score\", \"instances\": [{\"query_input_ids\": [2, 5, 3], "
        + "\"query_attention_mask\": [1, 1, 1], \"code_input_ids\": [2, 11, 3], \"code_attention_mask\": [1, 1, 1]}]}";
    assertEquals(1, ok(post(server, "/v1/models/tiny:predict", rowBody)).get("predictions").get(0).size());
  }

  @Test
  void encodeTokenizesWithTheExportedTokenizerAndTrainingsCodePreprocessing() throws Exception {
    JsonNode q = ok(post(server, "/v1/models/tiny:encode",
        "{\"texts\": [\"read a file\", \"" + "read a file into string ".repeat(10) + "\"], \"kind\": \"query\"}"));
    ServingModel.Embeddings e = direct.encodeQueries(List.of("read a file", "read a file into string ".repeat(10)));
    assertRowsEqual(e.vectors(), q.get("embeddings"));
    assertFalse(q.get("truncated").get(0).asBoolean());
    assertTrue(q.get("truncated").get(1).asBoolean(), "over max_query_length: truncated as in training, and said");
    assertEquals(16, q.get("tokens").get(1).asInt());
    assertEquals(16, q.get("max_length").asInt());
    assertEquals("1", q.get("model_version").asText());
    // raw code in, code_tokens-joined text encoded (what the index and the trainer encode)
    String raw = TinyExport.CODES.get(0);
    JsonNode c = ok(post(server, "/v1/models/tiny:encode", JSON.writeValueAsString(
        java.util.Map.of("texts", List.of(raw), "kind", "code"))));
    String joined = String.join(" ", raw.split("\\s+"));
    assertEquals(joined, CodeTokens.joined(raw));
    assertRowsEqual(new float[][] {index.searcher().index().vector(0)}, c.get("embeddings"));
  }

  @Test
  void searchAnswersRankedHitsWithCode() throws Exception {
    SearchResponse expected = index.searcher().search("read a file", 3);
    JsonNode r = ok(post(server, "/v1/models/tiny:search", "{\"query\": \"read a file\", \"k\": 3}"));
    assertEquals(3, r.get("hits").size());
    for (int i = 0; i < 3; i++) {
      JsonNode h = r.get("hits").get(i);
      assertEquals(i + 1, h.get("rank").asInt());
      assertEquals(expected.hits().get(i).url(), h.get("url").asText());
      assertEquals(expected.hits().get(i).score(), h.get("score").asDouble(), 1e-6);
      assertEquals(expected.hits().get(i).preview(), h.get("code").asText());
    }
    JsonNode g = ok(get(server, "/search?q=" + URLEncoder.encode("read a file", StandardCharsets.UTF_8) + "&k=3"));
    assertEquals(expected.hits().get(0).url(), g.get("hits").get(0).get("url").asText());
    assertEquals(TinyExport.CODES.size(), ok(get(server, "/search?q=parse")).get("hits").size(),
        "default k=10 capped by the index size");
    assertEquals(TinyExport.CODES.size(), ok(get(server, "/health")).get("index_size").asInt());
  }

  @Test
  void badInputIsAnswered4xxWithTheReason() throws Exception {
    String p = "/v1/models/tiny:predict";
    String ids = "\"input_ids\": [[2, 5, 3]], \"attention_mask\": [[1, 1, 1]]";
    // TF Serving's documented and tested errors
    assertError(404, post(server, "/v1/models/half:predict", "{\"instances\": [1.0, 5.0]}"),
        "Servable not found for request: Latest(half)");
    assertError(404, post(server, "/v1/models/tiny/versions/9:predict", "{\"inputs\": {" + ids + "}}"),
        "Servable not found for request: Specific(tiny, 9)");
    assertError(400, post(server, "/v1/models/tiny/labels/stable:predict", "{}"), "Unrecognized servable version label");
    assertError(400, post(server, p, ""), "JSON Parse error: The document is empty");
    assertError(400, post(server, p, "instances = [1, 2]"), "JSON Parse error");
    assertError(400, post(server, p, "{\"inputs\": {" + ids), "JSON Parse error");
    assertError(400, post(server, p, "[1, 2]"), "Is not object");
    assertError(400, post(server, p, "{\"signature_name\": 100}"), "'signature_name' key must be a string value.");
    assertError(400, post(server, p, "{\"signature_name\": \"nope\", \"inputs\": {" + ids + "}}"),
        "Serving signature name: \"nope\" not found in signature def");
    assertError(400, post(server, p, "{\"signature_name\": \"encode_query\"}"), "Missing 'inputs' or 'instances' key");
    assertError(400, post(server, p, "{\"instances\": [], \"inputs\": {}}"), "expecting only one of 'inputs' or 'instances'");
    assertError(400, post(server, p, "{\"instances\": []}"), "No values in 'instances' array");
    assertError(400, post(server, p, "{\"instances\": [[2, 5, 3]]}"), "instances is a plain list, but expecting list of objects");
    assertError(400, post(server, p, "{\"inputs\": [[2, 5, 3]]}"), "inputs is a plain value/list, but expecting an object");
    assertError(400, post(server, p, "{\"inputs\": {\"input_ids\": [[2, 5, 3]]}}"),
        "Missing named input: attention_mask in 'inputs' object.");
    assertError(400, post(server, p, "{\"instances\": [{\"input_ids\": [2, 5, 3]}]}"), "keys must be equal to: attention_mask,input_ids");
    // wrong dtype and shape
    assertError(400, post(server, p, "{\"inputs\": {\"input_ids\": [[2, 5.5, 3]], \"attention_mask\": [[1, 1, 1]]}}"),
        "JSON Value: 5.5 Type: Number is not of expected type: int32");
    assertError(400, post(server, p, "{\"inputs\": {\"input_ids\": [[2, \"x\", 3]], \"attention_mask\": [[1, 1, 1]]}}"),
        "Type: String is not of expected type: int32");
    assertError(400, post(server, p, "{\"inputs\": {\"input_ids\": [[2, 5, 3], [2, 3]], \"attention_mask\": [[1, 1, 1], [1, 1]]}}"),
        "Encountered list at unexpected size: 2 at level: 1 expected size: 3");
    assertError(400, post(server, p, "{\"inputs\": {\"input_ids\": [2, 5, 3], \"attention_mask\": [1, 1, 1]}}"),
        "input 'attention_mask' has shape [3] but signature 'serving_default' takes [-1,-1]");
    assertError(400, post(server, p, "{\"instances\": [{\"input_ids\": [2, 5, 3], \"attention_mask\": [1, 1, 1]},"
        + " {\"input_ids\": [2, 3], \"attention_mask\": [1, 1]}]}"), "Failed to process element: 1 key:");
    assertError(400, post(server, p, "{\"inputs\": {\"input_ids\": [[2, 5000, 3]], \"attention_mask\": [[1, 1, 1]]}}"),
        "5000"); // TF's own gather error: id outside the vocabulary
    assertError(400, post(server, p, "{\"inputs\": {\"input_ids\": [[2, 5, 3]], \"attention_mask\": [[1, 1]]}}"), "");
    // wrong method and path
    assertError(400, get(server, p), "Malformed request: GET /v1/models/tiny:predict");
    assertError(400, post(server, "/v1/models/tiny:classify", "{}"), "only Predict signatures");
    assertError(404, get(server, "/nothing/here"), "no such endpoint");
    // text endpoints
    String e = "/v1/models/tiny:encode";
    assertError(400, post(server, e, "{\"texts\": \"read\"}"), "texts must be a non-empty list of strings");
    assertError(400, post(server, e, "{\"texts\": [\"read\"], \"kind\": \"docstring\"}"), "kind must be \"query\" or \"code\"");
    assertError(400, post(server, e, "{\"texts\": [\"read\", 3]}"), "texts[1] must be a string");
    assertError(400, post(server, e, "{\"texts\": [\"  \"]}"), "texts[0] is empty");
    assertError(400, post(server, e, "{\"text\": [\"read\"]}"), "unknown key \"text\"");
    assertError(400, post(server, e, "{\"texts\": [\"" + "a".repeat(ModelServer.MAX_TEXT_CHARS + 1) + "\"]}"),
        "at most " + ModelServer.MAX_TEXT_CHARS);
    assertError(400, post(server, "/v1/models/tiny:search", "{\"query\": \"\"}"), "empty query");
    assertError(400, post(server, "/v1/models/tiny:search", "{\"query\": \"x\", \"k\": 5000}"), "k must be between 1 and 1000");
    assertError(400, post(server, "/v1/models/tiny:search", "{\"query\": \"x\", \"k\": \"3\"}"), "k must be an integer");
    assertError(400, get(server, "/search?k=3"), "missing parameter q");
    assertTrue(raw(server, "GET /search?q=%zz HTTP/1.1\r\n\r\n").startsWith("HTTP/1.1 400"), "malformed escape is a 400");
    // limits: body cap 4096 bytes, batch cap 4, no index
    assertError(413, post(small, e, "{\"texts\": [\"" + "a".repeat(5000) + "\"]}"), "exceeds this server's limit of 4096 bytes");
    assertError(400, post(small, e, "{\"texts\": [\"a\", \"b\", \"c\", \"d\", \"e\"]}"), "at most 4 per request");
    assertError(400, post(small, p, "{\"inputs\": {\"input_ids\": [[2],[2],[2],[2],[2]], \"attention_mask\": [[1],[1],[1],[1],[1]]}}"),
        "has 5 rows; this server takes at most 4");
    assertError(400, post(small, "/v1/models/tiny:search", "{\"query\": \"read\"}"), "no code index is loaded");
    // still serving
    assertEquals(1, ok(post(server, p, "{\"inputs\": {" + ids + "}}")).get("outputs").size());
  }

  @Test
  void javaClientTokenizesLocallyAndCallsPredict() throws Exception {
    URI uri = URI.create("http://127.0.0.1:" + server.port() + "/");
    try (TfServingClient c = TfServingClient.connect(uri, "tiny", model.getParent())) {
      assertEquals(1, c.version());
      List<String> qs = new ArrayList<>();
      for (int i = 0; i < TfServingClient.BATCH + 6; i++) { // two :predict calls
        qs.add(i % 2 == 0 ? "read a file " + i : "parse json data");
      }
      float[][] q = c.encodeQueries(qs);
      assertEquals(qs.size(), q.length);
      float[][] expected = direct.encodeQueries(qs.subList(0, 10)).vectors();
      for (int i = 0; i < 10; i++) {
        assertArrayEquals(expected[i], q[i], 1e-5f);
      }
      float[][] code = c.encodeCode(TinyExport.CODES); // raw code: lexed into code_tokens as in training
      for (int i = 0; i < code.length; i++) {
        assertArrayEquals(index.searcher().index().vector(i), code[i], 1e-5f, "code " + i);
      }
      float[][] s = c.score(List.of("read a file", "sort"), TinyExport.CODES.subList(0, 3)); // [2, 3]
      float[][] qe = c.encodeQueries(List.of("read a file", "sort"));
      for (int i = 0; i < 2; i++) {
        for (int j = 0; j < 3; j++) {
          double dot = 0;
          for (int d = 0; d < qe[i].length; d++) {
            dot += (double) qe[i][d] * code[j][d];
          }
          assertEquals(dot * direct.info().scoreScale(), s[i][j], 1e-4);
        }
      }
    }
    // a local export of another version than the server's: the pinned request is refused, not mis-tokenized
    Path other = java.nio.file.Files.createDirectories(root.resolve("other"))
        .resolve("5");
    try (var files = java.nio.file.Files.walk(model)) {
      for (Path f : files.toList()) {
        java.nio.file.Files.copy(f, other.resolve(model.relativize(f).toString()));
      }
    }
    try (TfServingClient c = TfServingClient.connect(uri, "tiny", other)) {
      ApiException e = assertThrows(ApiException.class, () -> c.encodeQueries(List.of("read")));
      assertEquals(404, e.httpStatus());
      assertTrue(e.getMessage().contains("Specific(tiny, 5)"), e.getMessage());
    }
  }

  /** Writes raw bytes to the server and returns what it answers (or "" when it closes without answering). */
  static String raw(ModelServer s, String request) throws Exception {
    try (Socket socket = new Socket("127.0.0.1", s.port())) {
      socket.setSoTimeout(20_000);
      socket.getOutputStream().write(request.getBytes(StandardCharsets.UTF_8));
      InputStream in = socket.getInputStream();
      return new String(in.readNBytes(200), StandardCharsets.UTF_8);
    }
  }

  @Test
  void slowAndDroppedClientsDoNotBlockOthers() throws Exception {
    List<Socket> stalled = new ArrayList<>();
    try {
      for (int i = 0; i < 3; i++) { // 3 connections that send half a request and stop, on a 4-connection server
        Socket s = new Socket("127.0.0.1", small.port());
        s.getOutputStream().write(("POST /v1/models/tiny:encode HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{\"te")
            .getBytes(StandardCharsets.US_ASCII));
        stalled.add(s);
      }
      for (int i = 0; i < 4; i++) { // and some that hang up halfway
        try (Socket s = new Socket("127.0.0.1", small.port())) {
          s.getOutputStream().write("POST /v1/models/tiny:encode HTTP/1.1\r\nContent-Length: 500\r\n\r\n{\"texts\": [\"r"
              .getBytes(StandardCharsets.US_ASCII));
        }
      }
      long t0 = System.nanoTime();
      ExecutorService pool = Executors.newFixedThreadPool(8);
      List<Future<Integer>> answers = new ArrayList<>();
      for (int i = 0; i < 32; i++) {
        final int n = i;
        answers.add(pool.submit(() -> switch (n % 3) {
          case 0 -> post(small, "/v1/models/tiny:encode", "{\"texts\": [\"read a file\"]}").statusCode();
          case 1 -> get(small, "/v1/models/tiny/metadata").statusCode();
          default -> post(small, "/v1/models/tiny:predict", "{\"inputs\": {\"input_ids\": [[2, 5, 3]], "
              + "\"attention_mask\": [[1, 1, 1]]}}").statusCode();
        }));
      }
      for (Future<Integer> f : answers) {
        assertEquals(200, f.get());
      }
      pool.shutdown();
      assertTrue((System.nanoTime() - t0) / 1e9 < 25, "answered while the stalled connections wait");
    } finally {
      for (Socket s : stalled) {
        s.close();
      }
    }
    assertEquals(200, get(small, "/v1/models/tiny").statusCode(), "the small server recovers when they go");
  }
}
