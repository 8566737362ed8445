package dev.softinfonce.objective;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Exact-duplicate masking removes exactly the flagged pairs from every objective: compared with the
 * plain-Java {@link Reference} that skips those terms, and a no-op when {@code mask_duplicates} is off.
 */
class DuplicateMaskTest {

  private static Objective create(String name, boolean mask) {
    Map<String, Object> v = new HashMap<>(Map.of("name", name, "alpha", 1.3, "beta", 0.7, "t", 0.4,
        "mask_duplicates", mask, "top_k", 2, "ratio", 0.4));
    return Objectives.create(Harness.config(v));
  }

  private static double reference(String name, double[][] s, double[][] rel, boolean[][] dup) {
    return switch (name) {
      case "infonce" -> Reference.infoNce(s, dup, false);
      case "soft_infonce" -> Reference.softInfoNce(s, rel, 1.3, 0.7, 0.4, 0.1, dup, false);
      case "bce" -> Reference.bce(s, rel, 0.4, dup);
      case "weighted_infonce" -> Reference.weightedInfoNceSoftTargets(s, rel, 0.4, dup);
      case "kl_regularization" -> Reference.klRegularization(s, rel, 1.3, 0.7, 0.4, dup);
      case "fn_cancel_topk" -> Reference.weightedInfoNce(s, Reference.topKWeights(rel, 2), dup);
      case "fn_cancel_ratio" -> Reference.weightedInfoNce(s, Reference.ratioWeights(rel, 0.4), dup);
      default -> throw new IllegalArgumentException(name);
    };
  }

  @Test
  void maskedTermsAreRemovedExactly() {
    Random rnd = new Random(31);
    for (String name : new String[] {"infonce", "soft_infonce", "bce", "weighted_infonce", "kl_regularization",
        "fn_cancel_topk", "fn_cancel_ratio"}) {
      for (int n : new int[] {3, 8, 20}) {
        double[][] s = Harness.gaussian(rnd, n, n, 2);
        double[][] rel = Harness.gaussian(rnd, n, n, 1);
        boolean[][] dup = Harness.duplicates(rnd, n, 0.2);
        dup[0][1] = dup[1][0] = true; // at least one pair
        dup[2][2] = true; // a flagged diagonal is ignored: the positive is never removed
        Harness.Out masked = Harness.run(create(name, true), s, rel, dup);
        assertEquals(reference(name, s, rel, dup), masked.loss(), 1e-10, name + " n=" + n);
        for (int i = 0; i < n; i++) {
          for (int j = 0; j < n; j++) {
            if (i != j && dup[i][j]) {
              assertEquals(0, masked.weights()[i][j], name + " weight " + i + "," + j);
            }
          }
          assertEquals(1, masked.weights()[i][i], name);
        }
        // mask_duplicates off: the mask is ignored.
        Harness.Out unmasked = Harness.run(create(name, false), s, rel, dup);
        assertEquals(reference(name, s, rel, null), unmasked.loss(), 1e-10, name + " unmasked n=" + n);
        assertNotEquals(masked.loss(), unmasked.loss(), name);
      }
    }
  }

  @Test
  void softInfoNceWeightsOfKeptPairsAreUnchanged() {
    Random rnd = new Random(32);
    int n = 10;
    double[][] s = Harness.gaussian(rnd, n, n, 2);
    double[][] rel = Harness.gaussian(rnd, n, n, 1);
    boolean[][] dup = Harness.duplicates(rnd, n, 0.3);
    Harness.Out out = Harness.run(create("soft_infonce", true), s, rel, dup);
    double[][] expected = Reference.withRemoved(Reference.softWeights(rel, 1.3, 0.7, 0.4, 0.1, n), dup);
    assertEquals(0, Harness.maxAbsDiff(expected, out.weights()), 1e-12);
    // Stats skip removed pairs: min over kept off-diagonal entries.
    double min = Double.MAX_VALUE;
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        if (i != j && !dup[i][j]) {
          min = Math.min(min, expected[i][j]);
        }
      }
    }
    assertEquals(min, out.stats()[0], 1e-12);
  }
}
