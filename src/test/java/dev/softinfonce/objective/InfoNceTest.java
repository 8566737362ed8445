package dev.softinfonce.objective;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.tensorflow.types.TFloat32;

class InfoNceTest {
  private static final double LN2 = Math.log(2);
  private static final double LN3 = Math.log(3);

  /** The worked example in InfoNce's Javadoc. */
  @Test
  void workedExampleBothDirections() {
    double[][] s = {{LN3, LN2}, {0, 0}};
    Objective oneWay = Objectives.create(Harness.config(Map.of("name", "infonce")));
    Objective symmetric = Objectives.create(Harness.config(Map.of("name", "infonce", "symmetric", true)));
    assertEquals(Math.log(10.0 / 3) / 2, Harness.run(oneWay, s, null, null).loss(), 1e-12);
    assertEquals(0.6019864, Harness.run(oneWay, s, null, null).loss(), 1e-7);
    assertEquals((Math.log(10.0 / 3) / 2 + LN2) / 2, Harness.run(symmetric, s, null, null).loss(), 1e-12);
    assertEquals(0.6475668, Harness.run(symmetric, s, null, null, TFloat32.class).loss(), 1e-6);
  }

  @Test
  void matchesReferenceAndIgnoresRelevance() {
    Random rnd = new Random(51);
    for (boolean symmetric : new boolean[] {false, true}) {
      for (int n : new int[] {2, 9, 64}) {
        double[][] s = Harness.gaussian(rnd, n, n, 4);
        boolean[][] dup = Harness.duplicates(rnd, n, 0.1);
        Objective o = Objectives.create(Harness.config(Map.of("name", "infonce", "symmetric", symmetric,
            "mask_duplicates", true)));
        Harness.Out out = Harness.run(o, s, Harness.gaussian(rnd, n, n, 1), dup);
        assertEquals(Reference.infoNce(s, dup, symmetric), out.loss(), 1e-10, "n=" + n);
        assertEquals(0, Harness.maxAbsDiff(Reference.withRemoved(Reference.ones(n), dup), out.weights()));
        // float32, as in training
        assertEquals(Reference.infoNce(s, dup, symmetric),
            Harness.run(o, s, null, dup, TFloat32.class).loss(), 2e-5, "float32 n=" + n);
      }
    }
  }
}
