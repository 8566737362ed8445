package dev.softinfonce.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Timing of the literature-sized evaluation: 1,000 queries × 50,000 codes × D = 128, chunks of 4,096.
 * Not a test (excluded by the surefire {@code benchmark} group); run with
 * {@code mvn -o test -Dtest=RetrievalEvaluatorBenchmark -Dsurefire.excludedGroups=}.
 */
@Tag("benchmark")
class RetrievalEvaluatorBenchmark {
  @Test
  void thousandQueriesAgainstFiftyThousandCodes() {
    int nq = 1000;
    int nc = 50_000;
    int dim = 128;
    Random rnd = new Random(1);
    float[][] codes = new float[nc][dim];
    List<String> ids = new ArrayList<>(nc);
    for (int i = 0; i < nc; i++) {
      ids.add("https://github.com/example/repo/blob/main/F" + i + ".java#L1");
      for (int d = 0; d < dim; d++) {
        codes[i][d] = (float) rnd.nextGaussian();
      }
    }
    float[][] queries = new float[nq][dim];
    List<String> gold = new ArrayList<>(nq);
    for (int i = 0; i < nq; i++) {
      int g = rnd.nextInt(nc);
      gold.add(ids.get(g));
      for (int d = 0; d < dim; d++) {
        queries[i][d] = codes[g][d] + (float) rnd.nextGaussian() * 2f;
      }
    }
    for (int threads : new int[] {1, 2}) {
      RetrievalEvaluator ev = RetrievalEvaluator.builder().threads(threads).build();
      ev.evaluate(queries, gold, ids, codes, 4096); // warm-up (JIT)
      java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
      long cpu0 = mx.getCurrentThreadCpuTime();
      long t0 = System.nanoTime();
      RetrievalResult r = ev.evaluate(queries, gold, ids, codes, 4096);
      double s = (System.nanoTime() - t0) / 1e9;
      double cpu = (mx.getCurrentThreadCpuTime() - cpu0) / 1e9; // meaningful for threads=1 only
      double gflops = 2.0 * nq * nc * dim / s / 1e9;
      System.out.printf("eval %d x %d x %d, threads=%d: %.2f s wall (%.1f GFLOP/s), calling-thread cpu %.2f s; "
          + "load avg %.1f; %s%n", nq, nc, dim, threads, s, gflops, cpu,
          java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(), r.summary());
      assertEquals(nq, r.metrics().evaluated());
      long t1 = System.nanoTime();
      RetrievalResult one = ev.evaluateOnePass(queries, gold, null, CodeChunk.split(ids, codes, 4096).iterator());
      System.out.printf("  one-pass, threads=%d: %.2f s wall; same metrics: %b%n", threads,
          (System.nanoTime() - t1) / 1e9, one.metrics().equals(r.metrics()));
      assertEquals(r.metrics(), one.metrics());
    }
  }
}
