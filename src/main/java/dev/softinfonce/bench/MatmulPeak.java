package dev.softinfonce.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.tensorflow.Graph;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.linalg.MatMul;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.types.TFloat32;

/**
 * The machine's dense fp32 matmul throughput through TF Java (oneDNN), the ceiling against which a
 * training step's achieved FLOP/s is reported: {@code C = A·B} with {@code A, B} random {@code n×n},
 * {@code 2n³} FLOPs per product, median over repetitions after a warm-up, with the same intra-op
 * thread count as the benchmark it accompanies. A benchmark, not a test: it prints figures.
 */
public final class MatmulPeak {
  private MatmulPeak() {}

  /** Sizes measured by default (n). */
  public static final int[] DEFAULT_SIZES = {512, 1024, 2048};

  /**
   * GFLOP/s per size, in the order given.
   *
   * @param sizes matrix sizes n
   * @param threads TF intra-op threads (inter-op is 1)
   * @param warmup untimed products per size
   * @param reps timed products per size (median taken)
   */
  public static Map<Integer, Double> measure(int[] sizes, int threads, int warmup, int reps) {
    Map<Integer, Double> out = new LinkedHashMap<>();
    for (int n : sizes) {
      out.put(n, measure(n, threads, warmup, reps));
    }
    return out;
  }

  /** Median GFLOP/s of an {@code n×n} by {@code n×n} fp32 product. */
  public static double measure(int n, int threads, int warmup, int reps) {
    if (n < 1 || reps < 1 || warmup < 0) {
      throw new IllegalArgumentException("need n >= 1, reps >= 1, warmup >= 0; got n=" + n + " reps=" + reps
          + " warmup=" + warmup);
    }
    float[] values = new float[n * n];
    Random rnd = new Random(n);
    for (int i = 0; i < values.length; i++) {
      values[i] = (float) rnd.nextGaussian();
    }
    try (Graph g = new Graph(); Session s = new Session(g, sessionConfig(threads));
        TFloat32 a = TFloat32.tensorOf(Shape.of(n, n), DataBuffers.of(values, true, false));
        TFloat32 b = TFloat32.tensorOf(Shape.of(n, n), DataBuffers.of(values, true, false))) {
      Ops tf = Ops.create(g);
      Placeholder<TFloat32> pa = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(n, n)));
      Placeholder<TFloat32> pb = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(n, n)));
      MatMul<TFloat32> c = tf.linalg.matMul(pa, pb, MatMul.transposeB(true)); // [n, n]
      List<Double> secs = new ArrayList<>();
      for (int i = 0; i < warmup + reps; i++) {
        long t0 = System.nanoTime();
        s.runner().feed(pa, a).feed(pb, b).addTarget(c).run().close();
        long dt = System.nanoTime() - t0;
        if (i >= warmup) {
          secs.add(dt / 1e9);
        }
      }
      return 2.0 * n * n * (double) n / Stats.median(secs) / 1e9;
    }
  }

  /** The session config every benchmark uses: {@code threads} intra-op threads, one inter-op thread. */
  public static ConfigProto sessionConfig(int threads) {
    return ConfigProto.newBuilder().setIntraOpParallelismThreads(threads).setInterOpParallelismThreads(1).build();
  }
}
