package dev.softinfonce.estimator;

import dev.softinfonce.config.EstimatorConfig.Bm25Field;
import java.util.Arrays;
import java.util.Locale;
import java.util.Random;
import java.util.Set;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.StdArrays;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * Microbenchmark of the BM25 estimator op alone (issue 4 item 5: BM25 should cost ≤ 3 % of a training
 * step). Not a test: run it by hand,
 * <pre>
 *   mvn -q -o compile dependency:build-classpath -Dmdep.outputFile=target/cp.txt
 *   java -cp target/classes:$(cat target/cp.txt) dev.softinfonce.estimator.Bm25Benchmark [threads]
 * </pre>
 * Token ids are Zipf-distributed (s = 1.1) over a RoBERTa-sized vocabulary (50265), so repeats and
 * frequent terms (negative IDF) occur as in text; lengths are uniform in [L/4, L], padded to L; each row
 * starts with {@code <s>} and ends with {@code </s>}. Batches are pre-built; timing covers feeding them
 * and running the op, and reports the median and mean over the timed runs after a warm-up.
 */
public final class Bm25Benchmark {
  private static final int VOCAB = 50265;
  private static final Set<Integer> SPECIAL = Set.of(0, 1, 2, 3);
  private static final int WARMUP = 20;
  private static final int RUNS = 200;
  private static final int DISTINCT_BATCHES = 8;

  private Bm25Benchmark() {}

  public static void main(String[] args) {
    int threads = args.length > 0 ? Integer.parseInt(args[0]) : 2;
    System.out.printf(Locale.ROOT, "BM25 estimator op, CPU, intra-op threads %d, %d runs after %d warm-up%n",
        threads, RUNS, WARMUP);
    System.out.println("case                                   median ms   mean ms");
    run(threads, 32, 32, 0, Bm25Field.DOCSTRING);
    run(threads, 64, 128, 0, Bm25Field.DOCSTRING);
    run(threads, 32, 32, 256, Bm25Field.CODE);
    run(threads, 64, 128, 256, Bm25Field.CODE);
  }

  private static void run(int threads, int b, int lq, int ld, Bm25Field field) {
    ConfigProto cfg = ConfigProto.newBuilder().setIntraOpParallelismThreads(threads)
        .setInterOpParallelismThreads(1).build();
    Random rnd = new Random(7);
    double[] cdf = zipfCdf(VOCAB - 4, 1.1);
    try (Graph g = new Graph(); Session s = new Session(g, cfg)) {
      Ops tf = Ops.create(g);
      Placeholder<TInt32> qIds = tf.placeholder(TInt32.class, Placeholder.shape(Shape.of(-1, -1)));
      Placeholder<TInt32> qMask = tf.placeholder(TInt32.class, Placeholder.shape(Shape.of(-1, -1)));
      Placeholder<TInt32> dIds = tf.placeholder(TInt32.class, Placeholder.shape(Shape.of(-1, -1)));
      Placeholder<TInt32> dMask = tf.placeholder(TInt32.class, Placeholder.shape(Shape.of(-1, -1)));
      EstimatorInputs.Builder in = EstimatorInputs.builder().query(qIds, qMask);
      if (field == Bm25Field.CODE) {
        in.code(dIds, dMask);
      }
      Operand<TFloat32> sim = new Bm25Estimator(Bm25Estimator.K1_DEFAULT, Bm25Estimator.B_DEFAULT,
          lq * 0.6, SPECIAL, field).sim(tf, in.build());

      TInt32[][] batches = new TInt32[DISTINCT_BATCHES][4];
      try {
        for (TInt32[] t : batches) {
          int[][][] q = batch(rnd, cdf, b, lq);
          int[][][] d = field == Bm25Field.CODE ? batch(rnd, cdf, b, ld) : q;
          t[0] = TInt32.tensorOf(StdArrays.ndCopyOf(q[0]));
          t[1] = TInt32.tensorOf(StdArrays.ndCopyOf(q[1]));
          t[2] = TInt32.tensorOf(StdArrays.ndCopyOf(d[0]));
          t[3] = TInt32.tensorOf(StdArrays.ndCopyOf(d[1]));
        }
        double[] ms = new double[RUNS];
        for (int k = -WARMUP; k < RUNS; k++) {
          TInt32[] t = batches[Math.floorMod(k, DISTINCT_BATCHES)];
          long start = System.nanoTime();
          Session.Runner r = s.runner().feed(qIds, t[0]).feed(qMask, t[1]);
          if (field == Bm25Field.CODE) {
            r.feed(dIds, t[2]).feed(dMask, t[3]);
          }
          try (Result res = r.fetch(sim).run()) {
            if (k >= 0) {
              ms[k] = (System.nanoTime() - start) / 1e6;
            }
          }
        }
        double[] sorted = ms.clone();
        Arrays.sort(sorted);
        String name = String.format(Locale.ROOT, "B=%d Lq=%d %s", b, lq,
            field == Bm25Field.CODE ? "vs code Lc=" + ld : "vs docstring (= query)");
        System.out.printf(Locale.ROOT, "%-38s %9.3f %9.3f%n", name, sorted[RUNS / 2],
            Arrays.stream(ms).average().orElse(Double.NaN));
      } finally {
        for (TInt32[] t : batches) {
          for (TInt32 x : t) {
            if (x != null) {
              x.close();
            }
          }
        }
      }
    }
  }

  private static double[] zipfCdf(int n, double exponent) {
    double[] cdf = new double[n];
    double sum = 0;
    for (int r = 0; r < n; r++) {
      sum += 1 / Math.pow(r + 1, exponent);
      cdf[r] = sum;
    }
    for (int r = 0; r < n; r++) {
      cdf[r] /= sum;
    }
    return cdf;
  }

  private static int[][][] batch(Random rnd, double[] cdf, int b, int len) {
    int[][] ids = new int[b][len];
    int[][] mask = new int[b][len];
    for (int r = 0; r < b; r++) {
      int real = len / 4 + rnd.nextInt(len - len / 4 + 1);
      Arrays.fill(ids[r], 1); // <pad>
      for (int p = 0; p < real; p++) {
        mask[r][p] = 1;
        if (p == 0) {
          ids[r][p] = 0;
        } else if (p == real - 1) {
          ids[r][p] = 2;
        } else {
          int rank = Arrays.binarySearch(cdf, rnd.nextDouble());
          ids[r][p] = 4 + (rank < 0 ? -rank - 1 : rank);
        }
      }
    }
    return new int[][][] {ids, mask};
  }
}
