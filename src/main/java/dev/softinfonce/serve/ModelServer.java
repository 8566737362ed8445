package dev.softinfonce.serve;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tensorflow.Result;
import org.tensorflow.Tensor;
import org.tensorflow.proto.SignatureDef;
import org.tensorflow.proto.TensorShapeProto;

/**
 * HTTP serving of one exported model (JDK {@code com.sun.net.httpserver}): TF Serving's REST API, so TF
 * Serving clients work unchanged, plus text endpoints and code search.
 *
 * <pre>
 * GET  /v1/models/N[/versions/V]             model status              (TF Serving's GetModelStatusResponse)
 * GET  /v1/models/N[/versions/V]/metadata    signature defs            (TF Serving's GetModelMetadataResponse)
 * POST /v1/models/N[/versions/V]:predict     {"signature_name", "instances" | "inputs"} → "predictions" | "outputs"
 * POST /v1/models/N[/versions/V]:encode      {"texts": [...], "kind": "query"|"code"} → "embeddings", "truncated"
 * POST /v1/models/N:search                   {"query": "...", "k": 10} → "hits" [{rank, score, url, code}]
 * GET  /search?q=...&k=...                   the same search as a GET (index loaded)
 * GET  /health                               {"status": "ok", "model_version", "index_size"}
 * </pre>
 *
 * Errors are {@code {"error": "..."}} with TF Serving's status codes (see {@link ApiException}).
 * Limits: a body over {@link Options#maxBodyBytes} is 413; more than {@link Options#maxBatch} rows or
 * texts is 400; a text over {@link #MAX_TEXT_CHARS} characters is 400; texts longer than the model's
 * max length in tokens are truncated as in training and the answer says which. Connections are read and
 * answered on a pool of {@link Options#ioThreads} threads (a slow or silent client holds only its own
 * thread, and the JDK server drops requests not read within {@code sun.net.httpserver.maxReqTime}); model
 * runs are limited to {@link Options#computeThreads} at a time. A failing request never stops the
 * server: every error is answered and logged.
 */
public final class ModelServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ModelServer.class);
  /** Longest accepted text in characters (the tokenizer truncates far earlier; this bounds the work). */
  public static final int MAX_TEXT_CHARS = 100_000;
  /** Default k of a search. */
  public static final int DEFAULT_K = 10;

  static {
    // Requests not fully read (or answers not fully taken) within 30 s are dropped, so a stalled client
    // cannot hold a worker forever. Read once by the JDK server on first use; a user's -D wins.
    System.setProperty("sun.net.httpserver.maxReqTime", System.getProperty("sun.net.httpserver.maxReqTime", "30"));
    System.setProperty("sun.net.httpserver.maxRspTime", System.getProperty("sun.net.httpserver.maxRspTime", "30"));
    // TCP_NODELAY: the JDK server writes headers and body separately; with Nagle's algorithm the body
    // then waits for the client's delayed ACK, ~40 ms per request on Linux loopback (measured: p50 44 ms).
    System.setProperty("sun.net.httpserver.nodelay", System.getProperty("sun.net.httpserver.nodelay", "true"));
  }

  // TF Serving's path patterns (http_rest_api_util.cc), with our :encode and :search beside :predict.
  private static final Pattern POST_PATH = Pattern.compile(
      "(?i)/v1/models/([^/:]+)(?:(?:/versions/(\\d+))|(?:/labels/([^/:]+)))?:(classify|regress|predict|encode|search)");
  private static final Pattern GET_PATH = Pattern.compile(
      "(?i)/v1/models(?:/([^/:]+))?(?:(?:/versions/(\\d+))|(?:/labels/([^/:]+)))?(?:/(metadata))?");

  /**
   * Server settings.
   *
   * @param host address to bind (127.0.0.1 by default; 0.0.0.0 only when asked for)
   * @param port TCP port (0 = any free port)
   * @param computeThreads model runs at a time
   * @param ioThreads connections served at a time
   * @param maxBodyBytes largest accepted request body
   * @param maxBatch most rows (predict) or texts (encode) per request
   */
  public record Options(String host, int port, int computeThreads, int ioThreads, int maxBodyBytes, int maxBatch) {
    public static Options defaults() {
      return new Options("127.0.0.1", 8501, 4, 64, 8 << 20, 256);
    }

    public Options withPort(int p) {
      return new Options(host, p, computeThreads, ioThreads, maxBodyBytes, maxBatch);
    }

    public Options withHost(String h) {
      return new Options(h, port, computeThreads, ioThreads, maxBodyBytes, maxBatch);
    }

    public Options withLimits(int bodyBytes, int batch) {
      return new Options(host, port, computeThreads, ioThreads, bodyBytes, batch);
    }

    public Options withThreads(int compute, int io) {
      return new Options(host, port, compute, io, maxBodyBytes, maxBatch);
    }
  }

  private final ModelVersions versions;
  private final String modelName;
  private final CodeSearcher searcher;
  private final Options options;
  private final HttpServer server;
  private final ThreadPoolExecutor pool;
  private final Semaphore compute;

  /**
   * Binds and starts serving.
   *
   * @param searcher code search over an index, or null (then :search and /search answer 400)
   */
  public ModelServer(ModelVersions versions, String modelName, CodeSearcher searcher, Options options)
      throws IOException {
    if (options.computeThreads() < 1 || options.ioThreads() < 1 || options.maxBatch() < 1
        || options.maxBodyBytes() < 1) {
      throw new IllegalArgumentException("threads, batch and body limits must be >= 1: " + options);
    }
    this.versions = versions;
    this.modelName = modelName;
    this.searcher = searcher;
    this.options = options;
    this.compute = new Semaphore(options.computeThreads(), true);
    AtomicInteger n = new AtomicInteger();
    pool = new ThreadPoolExecutor(options.ioThreads(), options.ioThreads(), 60, TimeUnit.SECONDS,
        new LinkedBlockingQueue<>(1024), r -> {
          Thread t = new Thread(r, "serve-http-" + n.incrementAndGet());
          t.setDaemon(true);
          return t;
        }, new ThreadPoolExecutor.CallerRunsPolicy());
    server = HttpServer.create(new InetSocketAddress(InetAddress.getByName(options.host()), options.port()), 512);
    server.setExecutor(pool);
    server.createContext("/", this::handle);
    server.start();
    LOG.info("serving model {} (version {}) on http://{}:{}/v1/models/{}", modelName, versions.latest(),
        options.host(), port(), modelName);
  }

  /** The bound port. */
  public int port() {
    return server.getAddress().getPort();
  }

  /** The answer to one request: status and a JSON body. */
  private record Reply(int status, byte[] body) {}

  private void handle(HttpExchange ex) {
    try (ex) {
      Reply r;
      try {
        r = route(ex);
      } catch (ApiException e) {
        r = error(e.httpStatus(), e.getMessage());
      } catch (RuntimeException | Error e) {
        LOG.error("{} {} failed", ex.getRequestMethod(), ex.getRequestURI(), e);
        r = error(500, "Internal: " + e);
      }
      ex.getResponseHeaders().set("Content-Type", "application/json");
      if (r.status() == 413) {
        ex.getResponseHeaders().set("Connection", "close"); // the rest of the body is not read
      }
      ex.sendResponseHeaders(r.status(), r.body().length);
      try (OutputStream os = ex.getResponseBody()) {
        os.write(r.body());
      }
    } catch (IOException e) { // the client went away: nothing to answer
      LOG.debug("{} {}: connection lost: {}", ex.getRequestMethod(), ex.getRequestURI(), e.toString());
    }
  }

  private Reply route(HttpExchange ex) throws IOException {
    String method = ex.getRequestMethod();
    String path = ex.getRequestURI().getRawPath();
    if (path.equals("/health")) {
      return ok(health());
    }
    if (path.equals("/search")) {
      if (!"GET".equals(method)) {
        throw ApiException.invalidArgument("use GET /search?q=...&k=...");
      }
      return ok(getSearch(ex.getRequestURI().getRawQuery()));
    }
    if (!path.regionMatches(true, 0, "/v1/", 0, 4) && !path.equalsIgnoreCase("/v1/models")) {
      throw ApiException.notFound("no such endpoint: " + path + " (see /v1/models/" + modelName + ")");
    }
    if ("POST".equals(method)) {
      Matcher m = POST_PATH.matcher(path);
      if (!m.matches()) {
        throw malformed(method, path);
      }
      String name = decode(m.group(1));
      OptionalLong version = version(m.group(2), m.group(3));
      String verb = m.group(4).toLowerCase(Locale.ROOT);
      byte[] body = readBody(ex);
      return switch (verb) {
        case "predict" -> new Reply(200, predict(name, version, body));
        case "encode" -> ok(encode(name, version, body));
        case "search" -> ok(postSearch(name, version, body));
        default -> throw ApiException.invalidArgument("this model has only Predict signatures (method_name "
            + "tensorflow/serving/predict): :" + verb + " is not available; use :predict");
      };
    }
    if ("GET".equals(method)) {
      Matcher m = GET_PATH.matcher(path);
      if (!m.matches()) {
        throw malformed(method, path);
      }
      if (m.group(1) == null) {
        throw ApiException.invalidArgument("Missing model name in request.");
      }
      String name = decode(m.group(1));
      OptionalLong version = version(m.group(2), m.group(3));
      if (m.group(4) != null) {
        return ok(metadata(name, version));
      }
      if (!name.equals(modelName)) {
        throw ApiException.notFound("Could not find any versions of model " + name);
      }
      return ok(SignatureMetadata.status(versions.status(name, version)));
    }
    throw malformed(method, path);
  }

  private static ApiException malformed(String method, String path) {
    return ApiException.invalidArgument("Malformed request: " + method + " " + path);
  }

  private static OptionalLong version(String number, String label) {
    if (label != null) {
      throw ApiException.invalidArgument("Unrecognized servable version label: " + decode(label));
    }
    if (number == null) {
      return OptionalLong.empty();
    }
    try {
      return OptionalLong.of(Long.parseLong(number));
    } catch (NumberFormatException e) {
      throw ApiException.invalidArgument("Failed to convert version: " + number + " to numeric.");
    }
  }

  private static String decode(String s) {
    try {
      return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw ApiException.invalidArgument("Failed to decode model name:" + s);
    }
  }

  /** Reads the body up to the cap; a declared or actual size over it is 413. */
  private byte[] readBody(HttpExchange ex) throws IOException {
    int cap = options.maxBodyBytes();
    String declared = ex.getRequestHeaders().getFirst("Content-Length");
    if (declared != null) {
      long n;
      try {
        n = Long.parseLong(declared.trim());
      } catch (NumberFormatException e) {
        throw ApiException.invalidArgument("malformed Content-Length: " + declared);
      }
      if (n > cap) {
        throw tooLarge(n + " bytes");
      }
    }
    try (InputStream in = ex.getRequestBody()) {
      byte[] b = in.readNBytes(cap + 1);
      if (b.length > cap) {
        throw tooLarge("more than " + cap + " bytes");
      }
      return b;
    }
  }

  private ApiException tooLarge(String size) {
    return ApiException.tooLarge("request body of " + size + " exceeds this server's limit of "
        + options.maxBodyBytes() + " bytes (serve --max-body-bytes)");
  }

  /** Takes one of the model-run slots (so many concurrent requests queue here, not inside TF). */
  private AutoCloseable computeSlot() {
    try {
      compute.acquire();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ApiException(503, "the server is shutting down");
    }
    return compute::release;
  }

  private ModelVersions.Lease lease(String name, OptionalLong version) {
    if (!name.equals(modelName)) {
      throw ApiException.notFound("Servable not found for request: " + (version.isPresent()
          ? "Specific(" + name + ", " + version.getAsLong() + ")" : "Latest(" + name + ")"));
    }
    return versions.acquire(name, version);
  }

  private Map<String, Object> metadata(String name, OptionalLong version) {
    try (ModelVersions.Lease l = lease(name, version)) {
      return SignatureMetadata.metadata(name, l.version(), l.model().signatureDefs());
    }
  }

  private byte[] predict(String name, OptionalLong version, byte[] body) throws IOException {
    JsonNode doc = JsonTensors.parse(body);
    String sigName = JsonTensors.signatureName(doc);
    String key = sigName.isEmpty() ? "serving_default" : sigName;
    try (ModelVersions.Lease l = lease(name, version)) {
      SignatureDef def = l.model().signatureDefs().get(key);
      if (def == null) {
        throw ApiException.invalidArgument("Serving signature name: \"" + key + "\" not found in signature def");
      }
      JsonTensors.PredictRequest req = JsonTensors.predictRequest(doc, sigName, def);
      checkInputs(key, def, req.inputs());
      Map<String, Tensor> feeds = new LinkedHashMap<>();
      try (AutoCloseable slot = computeSlot()) {
        for (Map.Entry<String, JsonTensors.HostTensor> e : req.inputs().entrySet()) {
          feeds.put(e.getKey(), e.getValue().toTensor());
        }
        try (Result r = call(l.model(), key, feeds)) {
          Map<String, Tensor> outputs = new LinkedHashMap<>();
          for (String out : def.getOutputsMap().keySet()) {
            outputs.put(out, r.get(out).orElseThrow(() -> new IllegalStateException("signature " + key
                + " returned no output " + out)));
          }
          ByteArrayOutputStream bytes = new ByteArrayOutputStream(4096);
          try (JsonGenerator g = JsonTensors.JSON.getFactory().createGenerator(bytes)) {
            JsonTensors.writeOutputs(g, req.rowFormat(), outputs);
          }
          return bytes.toByteArray();
        }
      } catch (ApiException | IOException e) {
        throw e;
      } catch (Exception e) {
        throw new IllegalStateException(e);
      } finally {
        feeds.values().forEach(Tensor::close);
      }
    }
  }

  /** A TF run; its errors (ids out of range, shapes that do not fit) are answered with TF Serving's codes. */
  private static Result call(ServingModel model, String key, Map<String, Tensor> feeds) {
    try {
      return model.call(key, feeds);
    } catch (org.tensorflow.exceptions.TensorFlowException | IllegalArgumentException e) {
      int status = e instanceof IllegalArgumentException ? 400 : ApiException.statusOf(e);
      if (status >= 500) {
        throw e;
      }
      throw new ApiException(status, firstLine(e.getMessage()));
    }
  }

  /** Batch cap, and rank and fixed dimensions against the signature (clearer than TF's own errors). */
  private void checkInputs(String key, SignatureDef def, Map<String, JsonTensors.HostTensor> inputs) {
    for (Map.Entry<String, JsonTensors.HostTensor> e : inputs.entrySet()) {
      JsonTensors.HostTensor t = e.getValue();
      TensorShapeProto want = def.getInputsMap().get(e.getKey()).getTensorShape();
      if (!want.getUnknownRank()) {
        boolean fits = want.getDimCount() == t.shape().length;
        for (int d = 0; fits && d < want.getDimCount(); d++) {
          long size = want.getDim(d).getSize();
          fits = size < 0 || size == t.shape()[d];
        }
        if (!fits) {
          throw ApiException.invalidArgument("input '" + e.getKey() + "' has shape " + JsonTensors.shapeString(t.shape())
              + " but signature '" + key + "' takes " + shapeString(want));
        }
      }
      if (t.shape().length > 0 && t.rows() > options.maxBatch()) {
        throw ApiException.invalidArgument("input '" + e.getKey() + "' has " + t.rows()
            + " rows; this server takes at most " + options.maxBatch() + " per request (serve --max-batch)");
      }
    }
  }

  private static String shapeString(TensorShapeProto s) {
    StringBuilder b = new StringBuilder("[");
    for (int i = 0; i < s.getDimCount(); i++) {
      b.append(i == 0 ? "" : ",").append(s.getDim(i).getSize());
    }
    return b.append(']').toString();
  }

  private Map<String, Object> encode(String name, OptionalLong version, byte[] body) {
    JsonNode doc = JsonTensors.parse(body);
    onlyKeys(doc, Set.of("texts", "kind"));
    String kind = doc.has("kind") ? text(doc.get("kind"), "kind") : "query";
    if (!kind.equals("query") && !kind.equals("code")) {
      throw ApiException.invalidArgument("kind must be \"query\" or \"code\", got \"" + kind + "\"");
    }
    JsonNode texts = doc.get("texts");
    if (texts == null || !texts.isArray() || texts.isEmpty()) {
      throw ApiException.invalidArgument("texts must be a non-empty list of strings");
    }
    if (texts.size() > options.maxBatch()) {
      throw ApiException.invalidArgument(texts.size() + " texts; this server takes at most " + options.maxBatch()
          + " per request (serve --max-batch)");
    }
    List<String> in = new ArrayList<>(texts.size());
    for (int i = 0; i < texts.size(); i++) {
      String t = checkedText(texts.get(i), "texts[" + i + "]");
      in.add(t);
    }
    try (ModelVersions.Lease l = lease(name, version); AutoCloseable slot = computeSlot()) {
      ServingModel model = l.model();
      ServingModel.Embeddings e;
      if (kind.equals("query")) {
        e = model.encodeQueries(in);
      } else {
        e = model.encodeCodes(in.stream().map(c -> ExportTokenizers.trainedCodeText(model.info(), c)).toList());
      }
      Map<String, Object> out = new LinkedHashMap<>();
      out.put("model_version", Long.toString(l.version()));
      out.put("kind", kind);
      out.put("max_length", kind.equals("query") ? model.info().maxQueryLength() : model.info().maxCodeLength());
      out.put("tokens", e.tokenCounts());
      out.put("truncated", e.truncated());
      out.put("embeddings", e.vectors());
      return out;
    } catch (ApiException e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private Map<String, Object> postSearch(String name, OptionalLong version, byte[] body) {
    JsonNode doc = JsonTensors.parse(body);
    onlyKeys(doc, Set.of("query", "k"));
    JsonNode q = doc.get("query");
    if (q == null) {
      throw ApiException.invalidArgument("missing key \"query\"");
    }
    String query = text(q, "query");
    int k = DEFAULT_K;
    if (doc.has("k")) {
      if (!doc.get("k").isInt()) {
        throw ApiException.invalidArgument("k must be an integer, got " + JsonTensors.debug(doc.get("k")));
      }
      k = doc.get("k").intValue();
    }
    if (!name.equals(modelName)) {
      throw ApiException.notFound("Servable not found for request: Latest(" + name + ")");
    }
    CodeSearcher s = requireIndex();
    if (version.isPresent() && !s.model().dir().getFileName().toString().equals(Long.toString(version.getAsLong()))) {
      throw ApiException.notFound("the index was built with " + s.model().dir().getFileName()
          + ", not version " + version.getAsLong() + " (search without /versions/V)");
    }
    SearchResponse r = search(s, query, k);
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("query", r.query());
    out.put("query_tokens", r.queryTokens());
    out.put("truncated", r.truncated());
    List<Map<String, Object>> hits = new ArrayList<>();
    for (SearchHit h : r.hits()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("rank", h.rank());
      m.put("score", h.score());
      m.put("url", h.url());
      m.put("code", h.preview());
      hits.add(m);
    }
    out.put("hits", hits);
    return out;
  }

  private Map<String, Object> getSearch(String rawQuery) {
    long t0 = System.nanoTime();
    Map<String, String> params;
    try {
      params = queryParams(rawQuery);
    } catch (IllegalArgumentException e) {
      throw ApiException.invalidArgument("malformed query string: " + e.getMessage());
    }
    String q = params.get("q");
    if (q == null) {
      throw ApiException.invalidArgument("missing parameter q (GET /search?q=...&k=...)");
    }
    int k = DEFAULT_K;
    if (params.containsKey("k")) {
      try {
        k = Integer.parseInt(params.get("k").trim());
      } catch (NumberFormatException e) {
        throw ApiException.invalidArgument("k must be an integer, got '" + params.get("k") + "'");
      }
    }
    SearchResponse r = search(requireIndex(), q, k);
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("query", r.query());
    body.put("query_tokens", r.queryTokens());
    body.put("truncated", r.truncated());
    body.put("took_ms", (System.nanoTime() - t0) / 1e6);
    body.put("hits", r.hits());
    return body;
  }

  private SearchResponse search(CodeSearcher s, String query, int k) {
    try (AutoCloseable slot = computeSlot()) {
      return s.search(query, k);
    } catch (SearchException e) {
      throw ApiException.invalidArgument(e.getMessage());
    } catch (ApiException e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private CodeSearcher requireIndex() {
    if (searcher == null) {
      throw ApiException.failedPrecondition("no code index is loaded: start serve with --index FILE "
          + "(written by softinfonce index)");
    }
    return searcher;
  }

  private Map<String, Object> health() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("status", "ok");
    m.put("model_name", modelName);
    m.put("model_version", Long.toString(versions.latest()));
    m.put("index_size", searcher == null ? 0 : searcher.index().size());
    return m;
  }

  /** Decodes {@code a=b&c=d} (UTF-8, '+' as space); the last value of a repeated name wins. */
  static Map<String, String> queryParams(String raw) {
    Map<String, String> m = new LinkedHashMap<>();
    if (raw == null || raw.isEmpty()) {
      return m;
    }
    for (String pair : raw.split("&")) {
      int eq = pair.indexOf('=');
      String k = eq < 0 ? pair : pair.substring(0, eq);
      String v = eq < 0 ? "" : pair.substring(eq + 1);
      m.put(URLDecoder.decode(k, StandardCharsets.UTF_8), URLDecoder.decode(v, StandardCharsets.UTF_8));
    }
    return m;
  }

  private static void onlyKeys(JsonNode doc, Set<String> allowed) {
    for (Iterator<String> it = doc.fieldNames(); it.hasNext(); ) {
      String k = it.next();
      if (!allowed.contains(k)) {
        throw ApiException.invalidArgument("unknown key \"" + k + "\" (expected " + String.join(", ", allowed) + ")");
      }
    }
  }

  private static String text(JsonNode v, String what) {
    if (!v.isTextual()) {
      throw ApiException.invalidArgument(what + " must be a string, got " + JsonTensors.debug(v));
    }
    return v.asText();
  }

  private static String checkedText(JsonNode v, String what) {
    String t = text(v, what);
    if (t.isBlank()) {
      throw ApiException.invalidArgument(what + " is empty");
    }
    if (t.length() > MAX_TEXT_CHARS) {
      throw ApiException.invalidArgument(what + " has " + t.length() + " characters; at most " + MAX_TEXT_CHARS
          + " are accepted (the model reads only its first max_length tokens)");
    }
    return t;
  }

  private static Reply ok(Object body) {
    try {
      return new Reply(200, JsonTensors.JSON.writeValueAsBytes(body));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Reply error(int status, String message) {
    try {
      return new Reply(status, JsonTensors.JSON.writeValueAsBytes(Map.of("error", String.valueOf(message))));
    } catch (IOException e) {
      return new Reply(status, "{\"error\": \"unprintable error\"}".getBytes(StandardCharsets.UTF_8));
    }
  }

  private static String firstLine(String m) {
    if (m == null) {
      return "";
    }
    int nl = m.indexOf('\n');
    return nl < 0 ? m : m.substring(0, nl);
  }

  /** Stops accepting, lets running requests finish (≤ 1 s), stops the workers. */
  @Override
  public void close() {
    server.stop(1);
    pool.shutdown();
    try {
      pool.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
