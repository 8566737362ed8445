package dev.softinfonce.serve;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A small HTTP front end of a {@link CodeSearcher} on the loopback interface only (JDK
 * {@code com.sun.net.httpserver}).
 *
 * <pre>
 * GET /search?q=read+a+file&k=10   200 {"query":..., "query_tokens":n, "truncated":false, "took_ms":..,
 *                                       "hits":[{"rank":1,"score":..,"url":..,"preview":..}, ...]}
 *                                   400 {"error": "..."} for an empty or too long query or a bad k
 * GET /health                      200 {"status":"ok","index_size":N,"model":...}
 * </pre>
 * Requests run on a bounded pool ({@code threads} workers, a queue of {@code 4 * threads}); when the
 * queue is full the accepting thread runs the request itself, which slows accepting down instead of
 * dropping connections. The TF session serves the workers' runs concurrently.
 */
public final class SearchServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(SearchServer.class);
  private static final ObjectMapper JSON = new ObjectMapper()
      .setPropertyNamingStrategy(com.fasterxml.jackson.databind.PropertyNamingStrategies.SNAKE_CASE);
  /** Default k when the request has none. */
  public static final int DEFAULT_K = 10;

  private final CodeSearcher searcher;
  private final HttpServer server;
  private final ThreadPoolExecutor pool;

  /**
   * Binds {@code 127.0.0.1:port} (0 = any free port) and starts serving.
   *
   * @param threads worker threads (≥ 1)
   */
  public SearchServer(CodeSearcher searcher, int port, int threads) throws IOException {
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be >= 1, got " + threads);
    }
    this.searcher = searcher;
    AtomicInteger n = new AtomicInteger();
    pool = new ThreadPoolExecutor(threads, threads, 60, TimeUnit.SECONDS, new ArrayBlockingQueue<>(4 * threads),
        r -> {
          Thread t = new Thread(r, "search-http-" + n.incrementAndGet());
          t.setDaemon(true);
          return t;
        }, new ThreadPoolExecutor.CallerRunsPolicy());
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 256);
    server.setExecutor(pool);
    server.createContext("/search", this::search);
    server.createContext("/health", this::health);
    server.start();
    LOG.info("serving {} entries on http://{}:{}/search", searcher.index().size(),
        InetAddress.getLoopbackAddress().getHostAddress(), port());
  }

  /** The bound port. */
  public int port() {
    return server.getAddress().getPort();
  }

  private void search(HttpExchange ex) throws IOException {
    long t0 = System.nanoTime();
    try (ex) {
      if (!"GET".equals(ex.getRequestMethod())) {
        send(ex, 405, Map.of("error", "use GET /search?q=...&k=..."));
        return;
      }
      Map<String, String> params;
      try {
        params = query(ex.getRequestURI());
      } catch (IllegalArgumentException e) {
        send(ex, 400, Map.of("error", "malformed query string: " + e.getMessage()));
        return;
      }
      String q = params.get("q");
      if (q == null) {
        send(ex, 400, Map.of("error", "missing parameter q (GET /search?q=...&k=...)"));
        return;
      }
      int k = DEFAULT_K;
      if (params.containsKey("k")) {
        try {
          k = Integer.parseInt(params.get("k").trim());
        } catch (NumberFormatException e) {
          send(ex, 400, Map.of("error", "k must be an integer, got '" + params.get("k") + "'"));
          return;
        }
      }
      SearchResponse r;
      try {
        r = searcher.search(q, k);
      } catch (SearchException e) {
        send(ex, 400, Map.of("error", e.getMessage()));
        return;
      }
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("query", r.query());
      body.put("query_tokens", r.queryTokens());
      body.put("truncated", r.truncated());
      body.put("took_ms", (System.nanoTime() - t0) / 1e6);
      body.put("hits", r.hits());
      send(ex, 200, body);
    } catch (RuntimeException e) {
      LOG.error("search request {} failed", ex.getRequestURI(), e);
      try {
        send(ex, 500, Map.of("error", "internal error: " + e));
      } catch (IOException | RuntimeException ignored) {
        // response already started
      }
    }
  }

  private void health(HttpExchange ex) throws IOException {
    try (ex) {
      send(ex, 200, Map.of("status", "ok", "index_size", searcher.index().size(),
          "model", searcher.model().dir().toString()));
    }
  }

  /** Decodes {@code a=b&c=d} (UTF-8, '+' as space); the last value of a repeated name wins. */
  static Map<String, String> query(URI uri) {
    Map<String, String> m = new HashMap<>();
    String raw = uri.getRawQuery();
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

  private static void send(HttpExchange ex, int status, Object body) throws IOException {
    byte[] bytes = JSON.writeValueAsBytes(body);
    ex.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
    ex.sendResponseHeaders(status, bytes.length);
    try (OutputStream os = ex.getResponseBody()) {
      os.write(bytes);
    }
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
