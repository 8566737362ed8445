package dev.softinfonce.objective;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.tensorflow.types.TFloat32;

class SoftInfoNceTest {
  private static final double LN2 = Math.log(2);
  private static final double LN3 = Math.log(3);

  private static Objective soft(double alpha, double beta, double t, double minWeight) {
    return Objectives.create(Harness.config(Map.of("name", "soft_infonce", "alpha", alpha, "beta", beta, "t", t,
        "min_weight", minWeight)));
  }

  private static Objective infoNce() {
    return Objectives.create(Harness.config(Map.of("name", "infonce")));
  }

  /** The worked example in SoftInfoNce's Javadoc, computed by hand there. */
  @Test
  void handWorkedThreeByThree() {
    double[][] sim = {{5, LN3, 0}, {0, 5, 0}, {Math.log(9), 0, 5}};
    double[][] s = {{0, LN2, 0}, {0, 0, 0}, {Math.log(4), 0, 0}};
    for (Class<? extends org.tensorflow.types.family.TFloating> dtype :
        java.util.List.of(org.tensorflow.types.TFloat64.class, TFloat32.class)) {
      double tol = dtype == TFloat32.class ? 1e-6 : 1e-12;
      Harness.Out out = Harness.run(soft(1, 1, 1, 0.25), s, sim, null, dtype);
      assertEquals(Math.log(39.9) / 3, out.loss(), tol);
      assertEquals(1.2287921, out.loss(), 1e-7);
      double[][] expected = {{1, 0.5, 1.5}, {1, 1, 1}, {0.25, 1.8, 1}};
      for (int i = 0; i < 3; i++) {
        assertArrayEquals(expected[i], out.weights()[i], tol * 10, "row " + i);
      }
      assertArrayEquals(new double[] {0.25, 1.0083333333, 1.8, 1.0 / 6},
          java.util.Arrays.copyOf(out.stats(), 4), 1e-6);
      if (dtype == org.tensorflow.types.TFloat64.class) { // row 0's 0.5 rounds to just below 0.5 in fp32
        assertEquals(1.0 / 6, out.stats()[4], 1e-12);
      }
      // InfoNCE on the same scores: ln 72 / 3.
      assertEquals(Math.log(72) / 3, Harness.run(infoNce(), s, sim, null, dtype).loss(), tol);
    }
  }

  /**
   * The statistics against a plain-Java count over the off-diagonal weights the op returned, on sharp random
   * relevance where weights spread well beyond 0.5 and the floor: the share below 0.5 differs from the clamped one.
   */
  @Test
  void weightStatsMatchAPlainCountOfTheWeights() {
    Random rnd = new Random(7);
    int n = 16;
    Harness.Out out = Harness.run(soft(1.3, 0.7, 0.1, 0.1), Harness.gaussian(rnd, n, n, 3),
        Harness.gaussian(rnd, n, n, 1), null, org.tensorflow.types.TFloat64.class);
    double min = Double.MAX_VALUE, max = -Double.MAX_VALUE, sum = 0;
    int low = 0, floor = 0, count = 0;
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        if (i != j) {
          double w = out.weights()[i][j];
          min = Math.min(min, w);
          max = Math.max(max, w);
          sum += w;
          low += w < 0.5 ? 1 : 0;
          floor += w <= 0.1 + 1e-12 ? 1 : 0;
          count++;
        }
      }
    }
    assertTrue(low > floor && floor > 0, "the case must separate the two shares: low " + low + ", floor " + floor);
    assertArrayEquals(new double[] {min, sum / count, max, (double) floor / count, (double) low / count},
        out.stats(), 1e-9);
  }

  @Test
  void alphaZeroEqualsInfoNce() {
    Random rnd = new Random(1);
    for (int n : new int[] {2, 3, 7, 32}) {
      double[][] s = Harness.gaussian(rnd, n, n, 3);
      double[][] rel = Harness.gaussian(rnd, n, n, 2);
      double info = Harness.run(infoNce(), s, null, null, TFloat32.class).loss();
      Harness.Out soft = Harness.run(soft(0, 0.7, 0.1, 0.1), s, rel, null, TFloat32.class);
      assertEquals(info, soft.loss(), 1e-6, "n=" + n);
      assertEquals(0, Harness.maxAbsDiff(soft.weights(), Reference.ones(n)), 1e-6);
    }
  }

  @Test
  void uniformRelevanceEqualsInfoNce() {
    Random rnd = new Random(2);
    for (int n : new int[] {2, 3, 8, 64}) {
      double[][] s = Harness.gaussian(rnd, n, n, 3);
      double[][] uniform = new double[n][n];
      for (double[] row : uniform) {
        java.util.Arrays.fill(row, 0.37);
      }
      double info = Harness.run(infoNce(), s, null, null, TFloat32.class).loss();
      // α = β = 1 (the paper's §4.1 statement) and a Table 7 setting; also no relevance at all.
      for (Objective o : new Objective[] {soft(1, 1, 1, 0.1), soft(1.3, 0.7, 0.1, 0.1)}) {
        assertEquals(info, Harness.run(o, s, uniform, null, TFloat32.class).loss(), 1e-6, "n=" + n);
        assertEquals(info, Harness.run(o, s, null, null, TFloat32.class).loss(), 1e-6, "n=" + n);
      }
    }
  }

  @Test
  void batchOfTwoHasWeightOneEvenWhenBetaEqualsAlpha() {
    double[][] s = {{1, 2}, {0.5, -1}};
    double[][] rel = {{0, 3}, {-2, 0}};
    Harness.Out out = Harness.run(soft(1, 1, 1, 0.1), s, rel, null);
    assertEquals(0, Harness.maxAbsDiff(out.weights(), Reference.ones(2)), 0);
    assertEquals(Reference.infoNce(s, null, false), out.loss(), 1e-12);
  }

  @Test
  void nonPositiveDenominatorAtRunTimeFailsTheStep() {
    // BM25 setting α 1.5, β 0.5: β − α/(N−1) = 0 at N = 4 (the config would reject batch_size 4).
    Objective o = soft(1.5, 0.5, 1, 0.1);
    Random rnd = new Random(5);
    Exception e = org.junit.jupiter.api.Assertions.assertThrows(Exception.class,
        () -> Harness.run(o, Harness.gaussian(rnd, 4, 4, 1), Harness.gaussian(rnd, 4, 4, 1), null));
    assertTrue(e.getMessage().contains("beta - alpha/(N-1) must be > 0"), e.getMessage());
    // N = 5 is fine: 0.5 − 1.5/4 > 0; N = 2 too.
    Harness.run(o, Harness.gaussian(rnd, 5, 5, 1), Harness.gaussian(rnd, 5, 5, 1), null);
    Harness.run(o, Harness.gaussian(rnd, 2, 2, 1), Harness.gaussian(rnd, 2, 2, 1), null);
  }

  @Test
  void largeLogitsStayFinite() {
    Random rnd = new Random(3);
    int n = 16;
    double[][] s = new double[n][n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        s[i][j] = rnd.nextBoolean() ? 80 : -80;
      }
    }
    double[][] rel = Harness.gaussian(rnd, n, n, 50); // estimator scores far outside [0,1]
    Harness.Out out = Harness.run(soft(1.3, 0.7, 0.1, 0.1), s, rel, null, TFloat32.class);
    assertTrue(Double.isFinite(out.loss()), "loss " + out.loss());
    for (double[] row : out.gradScores()) {
      for (double g : row) {
        assertTrue(Double.isFinite(g));
      }
    }
    double expected = Reference.softInfoNce(s, rel, 1.3, 0.7, 0.1, 0.1, null, false);
    assertEquals(expected, out.loss(), 1e-4 * Math.max(1, Math.abs(expected)));
  }

  @Test
  void matchesReferenceIncludingSymmetric() {
    Random rnd = new Random(4);
    for (boolean symmetric : new boolean[] {false, true}) {
      for (int n : new int[] {2, 5, 33}) {
        double[][] s = Harness.gaussian(rnd, n, n, 2);
        double[][] rel = Harness.gaussian(rnd, n, n, 1);
        Objective o = Objectives.create(Harness.config(Map.of("name", "soft_infonce", "alpha", 1.3, "beta", 0.7,
            "t", 0.5, "symmetric", symmetric)));
        Harness.Out out = Harness.run(o, s, rel, null);
        assertEquals(Reference.softInfoNce(s, rel, 1.3, 0.7, 0.5, 0.1, null, symmetric), out.loss(), 1e-10);
        assertEquals(0, Harness.maxAbsDiff(out.weights(), Reference.softWeights(rel, 1.3, 0.7, 0.5, 0.1, n)), 1e-10);
      }
    }
  }
}
