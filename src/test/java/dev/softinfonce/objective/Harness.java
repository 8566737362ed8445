package dev.softinfonce.objective;

import dev.softinfonce.config.ExperimentConfig;
import dev.softinfonce.config.ObjectiveConfig;
import java.util.Map;
import java.util.Random;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.StdArrays;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TFloat64;
import org.tensorflow.types.family.TFloating;

/** Test helper: runs an objective on given matrices in a fresh graph and reads everything back as doubles. */
final class Harness {
  private Harness() {}

  /** Loss, weights, stats (min, mean, max, clamped share) and d loss / d scores. */
  record Out(double loss, double[][] weights, double[] stats, double[][] gradScores) {}

  /**
   * The objective config of {@code values}, keeping only the keys the named objective reads (tests share one
   * map across objectives; a key an objective does not read is a config error). A key wrongly left out of
   * an objective's declared keys would fall back to its default here and fail the test's reference values.
   */
  static ObjectiveConfig config(Map<String, Object> values) {
    var b = ExperimentConfig.builder();
    var name = ObjectiveConfig.Name.valueOf(String.valueOf(values.getOrDefault("name", "infonce"))
        .toUpperCase(java.util.Locale.ROOT));
    values.forEach((k, v) -> {
      if (k.equals("name") || name.keys().contains(k)) {
        b.set("objective." + k, v);
      }
    });
    b.set("train.batch_size", 64);
    return b.build().objective();
  }

  static Out run(Objective objective, double[][] scores, double[][] relevance, boolean[][] dup) {
    return run(objective, scores, relevance, dup, TFloat64.class);
  }

  @SuppressWarnings("unchecked")
  static <T extends TFloating> Out run(Objective objective, double[][] scores, double[][] relevance,
      boolean[][] dup, Class<T> dtype) {
    try (Graph g = new Graph(); Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      Placeholder<T> sp = tf.placeholder(dtype, Placeholder.shape(Shape.of(-1, -1)));
      Placeholder<T> rp = relevance == null ? null : tf.placeholder(dtype, Placeholder.shape(Shape.of(-1, -1)));
      Placeholder<TBool> dp = dup == null ? null : tf.placeholder(TBool.class, Placeholder.shape(Shape.of(-1, -1)));
      ObjectiveOutputs<T> out = objective.build(tf, sp, rp, dp);
      Operand<T> loss = out.loss();
      Operand<T> w = out.weights();
      WeightStats<T> st = out.stats();
      Output<?>[] grad = g.addGradients(loss.asOutput(), new Output<?>[] {sp.asOutput()});
      var runner = s.runner();
      try (Tensor st1 = tensor(scores, dtype); Tensor rt = relevance == null ? null : tensor(relevance, dtype);
           Tensor dt = dup == null ? null : TBool.tensorOf(StdArrays.ndCopyOf(dup))) {
        runner.feed(sp, (T) st1);
        if (rp != null) {
          runner.feed(rp, (T) rt);
        }
        if (dp != null) {
          runner.feed(dp, (TBool) dt);
        }
        runner.fetch(cast(tf, loss)).fetch(cast(tf, w));
        st.all().forEach(o -> runner.fetch(cast(tf, o)));
        int n = st.all().size();
        try (Result r = runner.fetch(cast(tf, (Operand<T>) grad[0])).run()) {
          double[] stats = new double[n]; // min, mean, max, clamped share, share below 0.5
          for (int i = 0; i < n; i++) {
            stats[i] = ((TFloat64) r.get(2 + i)).getDouble();
          }
          return new Out(((TFloat64) r.get(0)).getDouble(), StdArrays.array2dCopyOf((TFloat64) r.get(1)), stats,
              StdArrays.array2dCopyOf((TFloat64) r.get(2 + n)));
        }
      }
    }
  }

  static Operand<TFloat64> cast(Ops tf, Operand<?> x) {
    return tf.dtypes.cast(x, TFloat64.class);
  }

  static Tensor tensor(double[][] m, Class<? extends TFloating> dtype) {
    if (dtype == TFloat64.class) {
      return TFloat64.tensorOf(StdArrays.ndCopyOf(m));
    }
    float[][] f = new float[m.length][];
    for (int i = 0; i < m.length; i++) {
      f[i] = new float[m[i].length];
      for (int j = 0; j < m[i].length; j++) {
        f[i][j] = (float) m[i][j];
      }
    }
    return TFloat32.tensorOf(StdArrays.ndCopyOf(f));
  }

  static double[][] gaussian(Random rnd, int rows, int cols, double scale) {
    double[][] m = new double[rows][cols];
    for (double[] row : m) {
      for (int j = 0; j < cols; j++) {
        row[j] = rnd.nextGaussian() * scale;
      }
    }
    return m;
  }

  /** A symmetric random duplicate mask with the diagonal false and about {@code share} of pairs set. */
  static boolean[][] duplicates(Random rnd, int n, double share) {
    boolean[][] d = new boolean[n][n];
    for (int i = 0; i < n; i++) {
      for (int j = i + 1; j < n; j++) {
        d[i][j] = d[j][i] = rnd.nextDouble() < share;
      }
    }
    return d;
  }

  static double maxAbsDiff(double[][] a, double[][] b) {
    double m = 0;
    for (int i = 0; i < a.length; i++) {
      for (int j = 0; j < a[i].length; j++) {
        m = Math.max(m, Math.abs(a[i][j] - b[i][j]));
      }
    }
    return m;
  }
}
