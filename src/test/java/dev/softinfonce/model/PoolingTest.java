package dev.softinfonce.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Session;
import org.tensorflow.ndarray.StdArrays;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat64;

/** CLS and masked-mean pooling against hand-computed vectors (padding must not leak into the mean). */
class PoolingTest {
  @Test
  void clsTakesTheFirstTokenAndMeanIgnoresPadding() {
    double[][][] h = {
        {{1, 2}, {3, 4}, {100, 100}},
        {{-1, 0}, {5, 6}, {7, 8}},
        {{9, 9}, {50, 50}, {60, 60}}};
    int[][] mask = {{1, 1, 0}, {1, 1, 1}, {0, 0, 0}};
    try (Graph g = new Graph(); Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      var hidden = tf.constant(h);
      var cls = Pooling.cls(tf, hidden);
      var mean = Pooling.mean(tf, hidden, tf.constant(mask), TFloat64.class);
      try (var r = s.runner().fetch(cls).fetch(mean).run()) {
        double[][] c = StdArrays.array2dCopyOf((TFloat64) r.get(0));
        double[][] m = StdArrays.array2dCopyOf((TFloat64) r.get(1));
        assertArrayEquals(new double[] {1, 2}, c[0]);
        assertArrayEquals(new double[] {-1, 0}, c[1]);
        assertArrayEquals(new double[] {9, 9}, c[2]);
        assertArrayEquals(new double[] {2, 3}, m[0], 1e-12);
        assertArrayEquals(new double[] {11 / 3.0, 14 / 3.0}, m[1], 1e-12);
        assertArrayEquals(new double[] {0, 0}, m[2], 1e-12); // all padding: zeros, not NaN
      }
    }
  }
}
