package dev.softinfonce.serve;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.softinfonce.bench.Stats;
import dev.softinfonce.text.EncodedBatch;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code softinfonce bench serve}: a load run against a server on loopback (a benchmark, not a test).
 * {@code clients} threads each send {@code requests} requests drawn from a seeded mix: {@code :predict}
 * (columnar {@code encode_query} on locally tokenized queries), {@code :encode} (queries or code),
 * {@code :search} when an index is loaded, and a share of malformed requests (bad JSON, wrong dtype,
 * ragged shape, unknown signature, model or version, empty body, bad text fields). It counts server
 * errors (5xx), malformed requests not answered 4xx and well-formed ones not answered 200, and reports
 * p50/p99 latency per kind and requests/s with the load average.
 */
public final class ServeLoadBenchmark {
  private ServeLoadBenchmark() {}

  private static final String[] QUERIES = {"read a file into a string", "parse json data", "sort the array",
      "get the name of the user", "send an http request", "write a line to a path", "hash map key lookup",
      "print all lines", "convert a string to an integer", "close the stream quietly"};
  private static final String[] CODE = {"public static String read(Path p) throws IOException { return Files.readString(p); }",
      "def parse_json ( data )\n  JSON . parse ( data )\nend", "int max(int a, int b) { return a > b ? a : b; }"};

  /** What one run measured. */
  public record Report(int clients, int requestsPerClient, long total, double seconds, long serverErrors,
      long malformed, long malformedNot4xx, long wellFormedNot200, Map<String, double[]> latencyMsByKind,
      double loadBefore, double loadAfter, List<String> examples) {

    public String summary() {
      StringBuilder s = new StringBuilder();
      s.append(String.format(Locale.ROOT, "%d clients x %d requests = %d in %.1f s: %.0f req/s; load average %.1f -> %.1f%n",
          clients, requestsPerClient, total, seconds, total / seconds, loadBefore, loadAfter));
      s.append(String.format(Locale.ROOT, "server errors (5xx): %d; malformed: %d, answered other than 4xx: %d; "
          + "well-formed answered other than 200: %d%n", serverErrors, malformed, malformedNot4xx, wellFormedNot200));
      s.append("| kind | requests | p50 ms | p99 ms |\n|---|---|---|---|\n");
      latencyMsByKind.forEach((k, v) -> s.append(String.format(Locale.ROOT, "| %s | %d | %.2f | %.2f |%n", k,
          (long) v[0], v[1], v[2])));
      examples.forEach(e -> s.append("unexpected: ").append(e).append('\n'));
      return s.toString();
    }

    public boolean passed() {
      return serverErrors == 0 && malformedNot4xx == 0 && wellFormedNot200 == 0;
    }
  }

  private record Sample(String kind, long nanos) {}

  /**
   * Runs the load against {@code baseUri} serving {@code modelName}, tokenizing with {@code export}.
   *
   * @param withSearch whether the server has an index (search requests are sent)
   */
  public static Report run(URI baseUri, String modelName, java.nio.file.Path export, boolean withSearch, int clients,
      int requestsPerClient, double malformedShare, long seed) throws Exception {
    String root = baseUri.toString().replaceAll("/+$", "") + "/v1/models/" + modelName;
    ObjectMapper json = new ObjectMapper();
    List<String> predictBodies = new ArrayList<>();
    try (ExportTokenizers tok = ExportTokenizers.open(export)) {
      for (int i = 0; i < QUERIES.length; i++) {
        EncodedBatch t = tok.queries(List.of(QUERIES[i], QUERIES[(i + 3) % QUERIES.length]));
        predictBodies.add(json.writeValueAsString(Map.of("signature_name", "encode_query",
            "inputs", Map.of("input_ids", t.ids(), "attention_mask", t.mask()))));
      }
    }
    String[][] malformed = {
        {root + ":predict", "{\"inputs\": {\"input_ids\": [[2, 5"},
        {root + ":predict", "{\"inputs\": {\"input_ids\": [[2, 5.5]], \"attention_mask\": [[1, 1]]}}"},
        {root + ":predict", "{\"inputs\": {\"input_ids\": [[2, 5], [2]], \"attention_mask\": [[1, 1], [1]]}}"},
        {root + ":predict", "{\"signature_name\": \"nope\", \"inputs\": {}}"},
        {root + "x:predict", "{\"instances\": [1]}"},
        {root + "/versions/999:predict", "{\"instances\": [1]}"},
        {root + ":predict", ""},
        {root + ":encode", "{\"texts\": \"not a list\"}"},
        {root + ":encode", "{\"texts\": [\"a\"], \"kind\": \"docstring\"}"},
        {root + ":search", "{\"query\": \"\"}"}};
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(10)).build();
    List<Sample> samples = Collections.synchronizedList(new ArrayList<>());
    List<String> examples = Collections.synchronizedList(new ArrayList<>());
    AtomicLong serverErrors = new AtomicLong();
    AtomicLong malformedCount = new AtomicLong();
    AtomicLong malformedNot4xx = new AtomicLong();
    AtomicLong wellFormedNot200 = new AtomicLong();
    for (int i = 0; i < 20; i++) { // warm-up, not counted
      send(http, root + ":predict", predictBodies.get(i % predictBodies.size()));
    }
    double load0 = Stats.loadAverage();
    long t0 = System.nanoTime();
    ExecutorService pool = Executors.newFixedThreadPool(clients);
    List<Future<?>> futures = new ArrayList<>();
    for (int c = 0; c < clients; c++) {
      Random rnd = new Random(seed + c);
      futures.add(pool.submit(() -> {
        for (int i = 0; i < requestsPerClient; i++) {
          String kind;
          String url;
          String body;
          boolean bad = rnd.nextDouble() < malformedShare;
          if (bad) {
            String[] m = malformed[rnd.nextInt(malformed.length)];
            kind = "malformed";
            url = m[0];
            body = m[1];
          } else {
            int pick = rnd.nextInt(withSearch ? 4 : 3);
            String q = QUERIES[rnd.nextInt(QUERIES.length)];
            switch (pick) {
              case 0 -> {
                kind = "predict";
                url = root + ":predict";
                body = predictBodies.get(rnd.nextInt(predictBodies.size()));
              }
              case 1 -> {
                kind = "encode query";
                url = root + ":encode";
                body = "{\"texts\": [\"" + q + "\"], \"kind\": \"query\"}";
              }
              case 2 -> {
                kind = "encode code";
                url = root + ":encode";
                try {
                  body = json.writeValueAsString(Map.of("texts", List.of(CODE[rnd.nextInt(CODE.length)]), "kind", "code"));
                } catch (Exception e) {
                  throw new IllegalStateException(e);
                }
              }
              default -> {
                kind = "search";
                url = root + ":search";
                body = "{\"query\": \"" + q + "\", \"k\": 10}";
              }
            }
          }
          long s = System.nanoTime();
          int status;
          try {
            status = send(http, url, body);
          } catch (Exception e) {
            status = -1;
            note(examples, kind + " " + url + ": " + e);
          }
          samples.add(new Sample(kind, System.nanoTime() - s));
          if (status >= 500 || status < 0) {
            serverErrors.incrementAndGet();
          }
          if (bad) {
            malformedCount.incrementAndGet();
            if (status < 400 || status >= 500) {
              malformedNot4xx.incrementAndGet();
              note(examples, "malformed " + url + " " + body + " -> " + status);
            }
          } else if (status != 200) {
            wellFormedNot200.incrementAndGet();
            note(examples, kind + " " + url + " -> " + status);
          }
        }
        return null;
      }));
    }
    for (Future<?> f : futures) {
      f.get();
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    pool.shutdown();
    double load1 = Stats.loadAverage();
    Map<String, double[]> byKind = new java.util.TreeMap<>();
    List<Sample> all = new ArrayList<>(samples);
    byKind.put("all", percentiles(all.stream().map(Sample::nanos).toList()));
    for (String k : all.stream().map(Sample::kind).distinct().sorted().toList()) {
      byKind.put(k, percentiles(all.stream().filter(x -> x.kind().equals(k)).map(Sample::nanos).toList()));
    }
    return new Report(clients, requestsPerClient, all.size(), seconds, serverErrors.get(), malformedCount.get(),
        malformedNot4xx.get(), wellFormedNot200.get(), byKind, load0, load1, List.copyOf(examples));
  }

  private static void note(List<String> examples, String e) {
    if (examples.size() < 5) {
      examples.add(e);
    }
  }

  private static int send(HttpClient http, String url, String body) throws Exception {
    HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60))
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofByteArray());
    return r.statusCode();
  }

  /** {count, p50 ms, p99 ms}. */
  private static double[] percentiles(List<Long> nanos) {
    List<Long> s = new ArrayList<>(nanos);
    Collections.sort(s);
    if (s.isEmpty()) {
      return new double[] {0, 0, 0};
    }
    return new double[] {s.size(), s.get(s.size() / 2) / 1e6, s.get((int) Math.ceil(s.size() * 0.99) - 1) / 1e6};
  }
}
