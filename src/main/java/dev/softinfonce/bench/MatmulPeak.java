package dev.softinfonce.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import dev.softinfonce.config.Precision;
import dev.softinfonce.nn.ComputeType;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Session;
import org.tensorflow.op.Ops;
import org.tensorflow.op.linalg.MatMul;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.family.TFloating;

/**
 * The machine's dense matmul throughput through TF Java (oneDNN) in fp32 or bf16, the ceiling against
 * which a training step's achieved FLOP/s is reported: {@code C = A·Bᵀ} with {@code A, B} random
 * {@code n×n} variables of the precision's type (bf16 operands: the peak bf16 compute can reach, without
 * casts), {@code 2n³} FLOPs per product, median over repetitions after a warm-up, with the same intra-op
 * thread count as the benchmark it accompanies. A benchmark, not a test: it prints figures.
 */
public final class MatmulPeak {
  private MatmulPeak() {}

  /** Sizes measured by default (n). */
  public static final int[] DEFAULT_SIZES = {512, 1024, 2048};

  /** fp32 GFLOP/s per size, in the order given (see {@link #measure(int[], int, int, int, Precision)}). */
  public static Map<Integer, Double> measure(int[] sizes, int threads, int warmup, int reps) {
    return measure(sizes, threads, warmup, reps, Precision.FP32);
  }

  /**
   * GFLOP/s per size, in the order given.
   *
   * @param sizes matrix sizes n
   * @param threads TF intra-op threads (inter-op is 1)
   * @param warmup untimed products per size
   * @param reps timed products per size (median taken)
   * @param precision operand type: fp32 or bf16
   */
  public static Map<Integer, Double> measure(int[] sizes, int threads, int warmup, int reps, Precision precision) {
    Map<Integer, Double> out = new LinkedHashMap<>();
    for (int n : sizes) {
      out.put(n, measure(n, threads, warmup, reps, precision));
    }
    return out;
  }

  /** Median GFLOP/s of an {@code n×n} by {@code n×n} product with operands of {@code precision}. */
  public static double measure(int n, int threads, int warmup, int reps, Precision precision) {
    if (n < 1 || reps < 1 || warmup < 0) {
      throw new IllegalArgumentException("need n >= 1, reps >= 1, warmup >= 0; got n=" + n + " reps=" + reps
          + " warmup=" + warmup);
    }
    Class<? extends TFloating> type = ComputeType.of(precision, TFloat32.class);
    try (Graph g = new Graph(); Session s = new Session(g, sessionConfig(threads))) {
      Ops tf = Ops.create(g);
      Operand<?> a = operand(tf, n, 1, type);
      Operand<?> b = operand(tf, n, 2, type);
      Operand<?> c = product(tf, a, b, type); // [n, n]
      List<Double> secs = new ArrayList<>();
      for (int i = 0; i < warmup + reps; i++) {
        long t0 = System.nanoTime();
        s.runner().addTarget(c).run().close();
        long dt = System.nanoTime() - t0;
        if (i >= warmup) {
          secs.add(dt / 1e9);
        }
      }
      return 2.0 * n * n * (double) n / Stats.median(secs) / 1e9;
    }
  }

  /** A random {@code n×n} variable of {@code type} (initialised once, outside the timed runs). */
  private static <T extends TFloating> Operand<T> operand(Ops tf, int n, long seed, Class<T> type) {
    Ops init = tf.withInitScope();
    Operand<TFloat32> normal = init.random.statelessRandomNormal(init.constant(new long[] {n, n}),
        init.constant(new long[] {n, seed}), TFloat32.class); // [n, n]
    return tf.variable(init.dtypes.cast(normal, type));
  }

  @SuppressWarnings("unchecked")
  private static <T extends TFloating> Operand<T> product(Ops tf, Operand<?> a, Operand<?> b, Class<T> type) {
    return tf.linalg.matMul((Operand<T>) a, (Operand<T>) b, MatMul.transposeB(true)); // [n, n]
  }

  /** The session config every benchmark uses: {@code threads} intra-op threads, one inter-op thread. */
  public static ConfigProto sessionConfig(int threads) {
    return ConfigProto.newBuilder().setIntraOpParallelismThreads(threads).setInterOpParallelismThreads(1).build();
  }
}
