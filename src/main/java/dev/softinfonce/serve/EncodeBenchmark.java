package dev.softinfonce.serve;

import dev.softinfonce.config.DataConfig.BadRecordPolicy;
import dev.softinfonce.config.DataConfig.CodeField;
import dev.softinfonce.data.Codebase;
import dev.softinfonce.data.ReadOptions;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Benchmark (a main class, not a test) of an exported model through the Java serving path: single-query
 * {@code encode_query} latency (tokenization included) as p50/p99, and batch {@code encode_code}
 * throughput in codes per second.
 *
 * <pre>
 * java -cp target/softinfonce.jar:$(cat target/classpath.txt) dev.softinfonce.serve.EncodeBenchmark \
 *     --model savedmodels/quickstart/1 [--codebase data.jsonl] [--queries 500] [--batch 32] [--codes 1024]
 * </pre>
 * Queries are the codebase's docstrings when it has them, else fixed phrases; codes are the codebase's
 * code (per the model's {@code code_field}), else a synthetic method. The first 50 queries and one pass
 * of batches are warm-up and not measured.
 */
public final class EncodeBenchmark {
  private EncodeBenchmark() {}

  public static void main(String[] args) {
    Path model = null;
    Path codebase = null;
    int queries = 500;
    int batch = 32;
    int codes = 1024;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--model" -> model = Path.of(args[++i]);
        case "--codebase" -> codebase = Path.of(args[++i]);
        case "--queries" -> queries = Integer.parseInt(args[++i]);
        case "--batch" -> batch = Integer.parseInt(args[++i]);
        case "--codes" -> codes = Integer.parseInt(args[++i]);
        default -> throw new IllegalArgumentException("unknown argument " + args[i]
            + "; usage: --model DIR [--codebase FILE] [--queries N] [--batch B] [--codes N]");
      }
    }
    if (model == null) {
      throw new IllegalArgumentException("--model DIR is required");
    }
    try (ServingModel m = ServingModel.open(model)) {
      List<String> qs = new ArrayList<>();
      List<String> cs = new ArrayList<>();
      if (codebase != null) {
        CodeField field = CodeField.valueOf(m.info().codeField().toUpperCase(Locale.ROOT));
        Codebase pool = Codebase.load(codebase, new ReadOptions(field, BadRecordPolicy.SKIP));
        cs.addAll(pool.codes());
        for (var e : dev.softinfonce.data.ExampleReader.readAll(codebase, dev.softinfonce.data.ReadMode.PAIRS,
            new ReadOptions(field, BadRecordPolicy.SKIP))) {
          qs.add(e.query());
        }
      }
      if (qs.isEmpty()) {
        qs.addAll(List.of("read a file into a string", "parse a json document", "sort an array of hashes by key",
            "open an http connection and read the response", "convert a date to iso format"));
      }
      if (cs.isEmpty()) {
        cs.add("public static String readFile ( String path ) throws IOException { return new String ( Files . "
            + "readAllBytes ( Paths . get ( path ) ) , StandardCharsets . UTF_8 ) ; }");
      }
      System.out.printf("model %s: dim %d, max_query_length %d, max_code_length %d, %d cores%n", m.dir(),
          m.info().embeddingDim(), m.info().maxQueryLength(), m.info().maxCodeLength(),
          Runtime.getRuntime().availableProcessors());

      for (int i = 0; i < 50; i++) {
        m.encodeQueries(List.of(qs.get(i % qs.size())));
      }
      long[] lat = new long[queries];
      for (int i = 0; i < queries; i++) {
        long t = System.nanoTime();
        m.encodeQueries(List.of(qs.get(i % qs.size())));
        lat[i] = System.nanoTime() - t;
      }
      Arrays.sort(lat);
      System.out.printf("single-query encode_query: %d queries, p50 %.2f ms, p99 %.2f ms, mean %.2f ms%n", queries,
          lat[queries / 2] / 1e6, lat[(int) Math.ceil(queries * 0.99) - 1] / 1e6,
          Arrays.stream(lat).average().orElse(0) / 1e6);

      List<String> work = new ArrayList<>(codes);
      for (int i = 0; i < codes; i++) {
        work.add(cs.get(i % cs.size()));
      }
      m.encodeAllCodes(work.subList(0, Math.min(work.size(), 4 * batch)), batch, n -> {}); // warm-up
      long t = System.nanoTime();
      m.encodeAllCodes(work, batch, n -> {});
      double s = (System.nanoTime() - t) / 1e9;
      System.out.printf("batch encode_code: %d codes in batches of %d, %.2f s, %.1f codes/s%n", codes, batch, s,
          codes / s);
    }
  }
}
