package dev.softinfonce.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Session;
import org.tensorflow.ndarray.StdArrays;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TFloat64;

/** Blocks against hand-computed values: GELU, layer norm, dense layout, dropout statistics and seeding. */
class NnBlocksTest {

  @Test
  void geluMatchesTheErfForm() {
    // 0.5 x (1 + erf(x / sqrt 2)) = x Φ(x); Φ values from tables
    double[] x = {-2, -1, 0, 0.5, 1, 2};
    double[] expected = {-0.04550026389635842, -0.15865525393145707, 0, 0.34573123063700656, 0.8413447460685429,
        1.9544997361036416};
    try (Graph g = new Graph(); Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      try (var r = s.runner().fetch(Gelu.apply(tf, tf.constant(x), TFloat64.class)).run()) {
        double[] got = StdArrays.array1dCopyOf((TFloat64) r.get(0));
        assertArrayEquals(expected, got, 1e-12);
      }
    }
  }

  @Test
  void layerNormAndDenseMatchPlainJava() {
    double[][] x = {{1, 2, 3, 4}, {-1, 0.5, 0.25, 8}};
    double eps = 1e-5;
    try (Graph g = new Graph(); Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      Params<TFloat64> p = new Params<>(tf, TFloat64.class, "t.", 3L);
      LayerNorm<TFloat64> ln = new LayerNorm<>(p, "ln", 4, eps);
      Dense<TFloat64> dense = new Dense<>(p, "d", 4, 3);
      assertEquals(java.util.List.of("t.ln.weight", "t.ln.bias", "t.d.weight", "t.d.bias"),
          java.util.List.copyOf(p.variables().keySet()));
      assertArrayEquals(new long[] {3, 4}, dense.weight().shape().asArray()); // [out, in], as PyTorch
      Operand<TFloat64> xs = tf.constant(x);
      Operand<TFloat64> norm = ln.apply(xs);
      Operand<TFloat64> y = dense.apply(norm);
      try (var r = s.runner().fetch(norm).fetch(y).fetch(dense.weight()).run()) {
        double[][] got = StdArrays.array2dCopyOf((TFloat64) r.get(0));
        double[][] out = StdArrays.array2dCopyOf((TFloat64) r.get(1));
        double[][] w = StdArrays.array2dCopyOf((TFloat64) r.get(2));
        for (int i = 0; i < x.length; i++) {
          double mean = 0;
          for (double v : x[i]) {
            mean += v / 4;
          }
          double var = 0;
          for (double v : x[i]) {
            var += (v - mean) * (v - mean) / 4;
          }
          double[] want = new double[4];
          for (int j = 0; j < 4; j++) {
            want[j] = (x[i][j] - mean) / Math.sqrt(var + eps);
          }
          assertArrayEquals(want, got[i], 1e-12);
          for (int o = 0; o < 3; o++) {
            double dot = 0; // bias starts at 0
            for (int j = 0; j < 4; j++) {
              dot += want[j] * w[o][j];
            }
            assertEquals(dot, out[i][o], 1e-12);
          }
        }
        // truncated normal 0.02: nothing beyond two standard deviations, not all zero
        double sum = 0;
        for (double[] row : w) {
          for (double v : row) {
            assertTrue(Math.abs(v) <= 0.04 + 1e-9, "truncated normal sample " + v);
            sum += Math.abs(v);
          }
        }
        assertTrue(sum > 0);
      }
    }
  }

  @Test
  void dropoutDropsAtTheRateRescalesAndIsSeeded() {
    float[][] ones = new float[200][100];
    for (float[] row : ones) {
      java.util.Arrays.fill(row, 1f);
    }
    float[][] first = dropout(ones, 7L);
    float[][] again = dropout(ones, 7L);
    float[][] other = dropout(ones, 8L);
    int zeros = 0;
    boolean differs = false;
    for (int i = 0; i < ones.length; i++) {
      assertArrayEquals(first[i], again[i], "same seed, same mask");
      for (int j = 0; j < ones[i].length; j++) {
        float v = first[i][j];
        assertTrue(v == 0f || Math.abs(v - 1f / 0.7f) < 1e-6, "kept values are scaled by 1/(1-rate): " + v);
        zeros += v == 0f ? 1 : 0;
        differs |= other[i][j] != v;
      }
    }
    double rate = zeros / 20000.0;
    assertEquals(0.3, rate, 0.015); // 20000 draws: sd of the rate is 0.0032
    assertTrue(differs, "another seed gives another mask");
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      Operand<TFloat32> x = tf.constant(ones);
      assertSame(x, new Dropout<>(tf, TFloat32.class, false, 1L).apply(x, 0.3), "inference graphs have no dropout");
    }
  }

  private static float[][] dropout(float[][] x, long seed) {
    try (Graph g = new Graph(); Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      Operand<TFloat32> y = new Dropout<>(tf, TFloat32.class, true, seed).apply(tf.constant(x), 0.3);
      try (var r = s.runner().fetch(y).run()) {
        return StdArrays.array2dCopyOf((TFloat32) r.get(0));
      }
    }
  }
}
