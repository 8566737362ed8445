package dev.softinfonce.serve;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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

/** The loopback HTTP server: JSON answers, 400s with a message, and a concurrent load test. */
class SearchServerTest {
  @TempDir static Path root;
  static CodeSearcher searcher;
  static SearchServer server;
  static final ObjectMapper JSON = new ObjectMapper();
  static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();

  @BeforeAll
  static void start() throws Exception {
    Path model = TinyExport.export(root);
    Path codebase = TinyExport.codebase(root.resolve("codebase.jsonl"));
    Path idx = root.resolve("code.idx");
    try (ServingModel m = ServingModel.open(model)) {
      CodeSearcher.buildIndex(m, codebase, null, 4, IndexProgress.NONE).save(idx);
    }
    searcher = CodeSearcher.open(idx);
    server = new SearchServer(searcher, 0, 8);
  }

  @AfterAll
  static void stop() {
    server.close();
    searcher.close();
  }

  static HttpResponse<String> get(String pathAndQuery) throws Exception {
    return CLIENT.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + pathAndQuery))
        .timeout(Duration.ofSeconds(20)).GET().build(), HttpResponse.BodyHandlers.ofString());
  }

  static String q(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  @Test
  void answersWithJsonEqualToTheJavaApi() throws Exception {
    HttpResponse<String> r = get("/search?q=" + q("read a file") + "&k=3");
    assertEquals(200, r.statusCode(), r.body());
    assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("application/json"));
    JsonNode body = JSON.readTree(r.body());
    assertEquals("read a file", body.get("query").asText());
    assertFalse(body.get("truncated").asBoolean());
    SearchResponse direct = searcher.search("read a file", 3);
    assertEquals(3, body.get("hits").size());
    for (int i = 0; i < 3; i++) {
      JsonNode h = body.get("hits").get(i);
      assertEquals(i + 1, h.get("rank").asInt());
      assertEquals(direct.hits().get(i).url(), h.get("url").asText());
      assertEquals(direct.hits().get(i).score(), h.get("score").asDouble(), 1e-6);
      assertEquals(direct.hits().get(i).preview(), h.get("preview").asText());
    }
    JsonNode dflt = JSON.readTree(get("/search?q=parse").body());
    assertEquals(TinyExport.CODES.size(), dflt.get("hits").size(), "default k=10 capped by the index size");
    JsonNode health = JSON.readTree(get("/health").body());
    assertEquals(TinyExport.CODES.size(), health.get("index_size").asInt());
  }

  @Test
  void badRequestsGet400WithAMessage() throws Exception {
    assertError(get("/search?q=&k=3"), "empty query");
    assertError(get("/search?k=3"), "missing parameter q");
    assertError(get("/search?q=x&k=abc"), "k must be an integer");
    assertError(get("/search?q=x&k=5000"), "k must be between 1 and 1000");
    assertError(get("/search?q=" + "a".repeat(10_001)), "query too long");
    assertTrue(raw("GET /search?q=%zz HTTP/1.1").startsWith("HTTP/1.1 400"), "malformed escape is a 400");
    HttpResponse<String> longQ = get("/search?q=" + q("read a file into string ".repeat(20)));
    assertEquals(200, longQ.statusCode());
    JsonNode b = JSON.readTree(longQ.body());
    assertTrue(b.get("truncated").asBoolean());
    assertEquals(16, b.get("query_tokens").asInt());
  }

  /** Sends one request line over a socket (HttpClient refuses malformed URIs) and returns the status line. */
  private static String raw(String requestLine) throws Exception {
    try (var socket = new java.net.Socket("127.0.0.1", server.port())) {
      socket.setSoTimeout(10_000);
      socket.getOutputStream().write((requestLine + "\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().findFirst().orElse("");
    }
  }

  private static void assertError(HttpResponse<String> r, String text) throws Exception {
    assertEquals(400, r.statusCode(), r.body());
    String msg = JSON.readTree(r.body()).get("error").asText();
    assertTrue(msg.contains(text), msg);
  }

  @Test
  void loadTest2000RequestsFrom16Clients() throws Exception {
    String[] queries = {"read a file", "parse json", "sort the array", "get name", "http request error",
        "write line to path", "hash key value", "print lines"};
    int clients = 16;
    int perClient = 125; // 2,000 requests
    for (int i = 0; i < 50; i++) { // warm-up (TF graph optimisation, JIT), not measured
      assertEquals(200, get("/search?q=" + q(queries[i % queries.length]) + "&k=5").statusCode());
    }
    ExecutorService pool = Executors.newFixedThreadPool(clients);
    List<Long> latencies = Collections.synchronizedList(new ArrayList<>());
    List<String> errors = Collections.synchronizedList(new ArrayList<>());
    long t0 = System.nanoTime();
    List<Future<?>> futures = new ArrayList<>();
    for (int c = 0; c < clients; c++) {
      final int client = c;
      futures.add(pool.submit(() -> {
        for (int i = 0; i < perClient; i++) {
          String query = queries[(client + i) % queries.length];
          long s = System.nanoTime();
          try {
            HttpResponse<String> r = get("/search?q=" + q(query) + "&k=5");
            latencies.add(System.nanoTime() - s);
            if (r.statusCode() != 200 || JSON.readTree(r.body()).get("hits").size() != 5) {
              errors.add(r.statusCode() + " " + r.body());
            }
          } catch (Exception e) {
            errors.add(e.toString());
          }
        }
      }));
    }
    for (Future<?> f : futures) {
      f.get();
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    pool.shutdown();
    assertEquals(List.of(), errors.subList(0, Math.min(5, errors.size())), errors.size() + " errors");
    assertEquals(clients * perClient, latencies.size());
    List<Long> sorted = new ArrayList<>(latencies);
    Collections.sort(sorted);
    double p50 = sorted.get(sorted.size() / 2) / 1e6;
    double p99 = sorted.get((int) Math.ceil(sorted.size() * 0.99) - 1) / 1e6;
    System.out.printf("serve load test: %d requests, %d clients, %.1f s, %.0f req/s, p50 %.2f ms, p99 %.2f ms%n",
        sorted.size(), clients, seconds, sorted.size() / seconds, p50, p99);
  }
}
