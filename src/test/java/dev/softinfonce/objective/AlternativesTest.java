package dev.softinfonce.objective;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.softinfonce.config.ConfigException;
import dev.softinfonce.config.ExperimentConfig;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.tensorflow.types.TFloat32;

/** The paper's §4 alternatives: worked examples from their Javadoc, and agreement with {@link Reference}. */
class AlternativesTest {
  private static final double LN2 = Math.log(2);
  private static final double LN3 = Math.log(3);
  /** The shared worked example of the Javadocs. */
  private static final double[][] S = {{LN2, 0, 0}, {0, 0, 0}, {0, LN3, 0}};
  private static final double[][] SIM = {{9, LN3, 0}, {0, 9, 0}, {0, 0, 9}};

  private static Objective create(Map<String, Object> values) {
    return Objectives.create(Harness.config(values));
  }

  @Test
  void bceWorkedExample() {
    double expected = (Math.log(32.0 / 3) + Math.log(27.0 / 2) + Math.log(125 / Math.sqrt(24))) / 9;
    double loss = Harness.run(create(Map.of("name", "bce")), S, SIM, null).loss();
    assertEquals(expected, loss, 1e-12);
    assertEquals(0.9121222, loss, 1e-7);
  }

  @Test
  void weightedInfoNceWorkedExample() {
    double expected = (Math.log(8) + Math.log(9) + Math.log(25 / Math.sqrt(3))) / 3;
    double loss = Harness.run(create(Map.of("name", "weighted_infonce")), S, SIM, null).loss();
    assertEquals(expected, loss, 1e-12);
    assertEquals(2.3154119, loss, 1e-7);
  }

  @Test
  void klRegularizationWorkedExample() {
    double ce = Math.log(30) / 3;
    double kl = (0.75 * Math.log(1.5) - 0.25 * LN2 + 0.5 * LN2 + 0.5 * Math.log(2.0 / 3)) / 3;
    double loss = Harness.run(create(Map.of("name", "kl_regularization", "beta", 1.3, "alpha", 0.7)), S, SIM, null)
        .loss();
    assertEquals(1.3 * ce + 0.7 * kl, loss, 1e-12);
    assertEquals(1.5379379, loss, 1e-7);
  }

  @Test
  void falseNegativeCancellationWorkedExamples() {
    Harness.Out topK = Harness.run(create(Map.of("name", "fn_cancel_topk", "top_k", 1)), S, SIM, null);
    assertEquals(Math.log(12) / 3, topK.loss(), 1e-12);
    assertEquals(0.8283022, topK.loss(), 1e-7);
    double[][] expectedTopK = {{1, 0, 1}, {0, 1, 1}, {0, 1, 1}};
    assertEquals(0, Harness.maxAbsDiff(expectedTopK, topK.weights()));

    double[][] cosine = {{1, 0.6, 0.2}, {0.3, 1, 0.5}, {0.7, 0.1, 1}};
    Harness.Out ratio = Harness.run(create(Map.of("name", "fn_cancel_ratio", "ratio", 0.5)), S, cosine, null);
    assertEquals(Math.log(12) / 3, ratio.loss(), 1e-12);
    double[][] expectedRatio = {{1, 0, 1}, {1, 1, 0}, {0, 1, 1}};
    assertEquals(0, Harness.maxAbsDiff(expectedRatio, ratio.weights()));
    assertEquals(0, ratio.stats()[0]);
    assertEquals(0.5, ratio.stats()[1], 1e-12);
  }

  @Test
  void randomBatchesMatchReference() {
    Random rnd = new Random(11);
    for (int n : new int[] {2, 3, 6, 17, 40}) {
      double[][] s = Harness.gaussian(rnd, n, n, 2);
      double[][] rel = Harness.gaussian(rnd, n, n, 1.5);
      double t = 0.3;
      assertEquals(Reference.bce(s, rel, t, null),
          Harness.run(create(Map.of("name", "bce", "t", t)), s, rel, null).loss(), 1e-10, "bce n=" + n);
      assertEquals(Reference.weightedInfoNceSoftTargets(s, rel, t, null),
          Harness.run(create(Map.of("name", "weighted_infonce", "t", t)), s, rel, null).loss(), 1e-10, "w n=" + n);
      assertEquals(Reference.klRegularization(s, rel, 0.7, 1.3, t, null),
          Harness.run(create(Map.of("name", "kl_regularization", "t", t, "alpha", 0.7, "beta", 1.3)), s, rel, null)
              .loss(), 1e-10, "kl n=" + n);
      // Without relevance the soft targets are uniform 1/(N−1).
      assertEquals(Reference.bce(s, null, t, null),
          Harness.run(create(Map.of("name", "bce", "t", t)), s, null, null).loss(), 1e-10, "bce uniform n=" + n);
      assertEquals(Reference.klRegularization(s, null, 0.7, 1.3, t, null),
          Harness.run(create(Map.of("name", "kl_regularization", "t", t, "alpha", 0.7, "beta", 1.3)), s, null, null)
              .loss(), 1e-10, "kl uniform n=" + n);
      for (int k : new int[] {1, 3}) {
        Harness.Out out = Harness.run(create(Map.of("name", "fn_cancel_topk", "top_k", k)), s, rel, null);
        double[][] w = Reference.topKWeights(rel, k);
        assertEquals(0, Harness.maxAbsDiff(w, out.weights()), "topk " + k + " n=" + n);
        assertEquals(Reference.weightedInfoNce(s, w, null), out.loss(), 1e-10);
      }
      Harness.Out out = Harness.run(create(Map.of("name", "fn_cancel_ratio", "ratio", 0.3)), s, rel, null);
      double[][] w = Reference.ratioWeights(rel, 0.3);
      assertEquals(0, Harness.maxAbsDiff(w, out.weights()), "ratio n=" + n);
      assertEquals(Reference.weightedInfoNce(s, w, null), out.loss(), 1e-10);
    }
  }

  @Test
  void topKTiesGoToLowerIndexAndKIsCappedAtRuntime() {
    double[][] s = {{0, 1, 2, 3}, {1, 0, 1, 1}, {2, 2, 0, 2}, {0, 0, 0, 0}};
    double[][] tied = new double[4][4]; // all relevance equal
    Harness.Out out = Harness.run(create(Map.of("name", "fn_cancel_topk", "top_k", 2)), s, tied, null);
    double[][] expected = {{1, 0, 0, 1}, {0, 1, 0, 1}, {0, 0, 1, 1}, {0, 0, 1, 1}};
    assertEquals(0, Harness.maxAbsDiff(expected, out.weights()));
    // A graph built for top_k = 2 fed a batch of 3 removes only N−2 = 1 negative per row.
    double[][] s3 = {{0, 1, 2}, {1, 0, 1}, {2, 2, 0}};
    Harness.Out small = Harness.run(create(Map.of("name", "fn_cancel_topk", "top_k", 2)), s3, new double[3][3], null);
    assertEquals(0, Harness.maxAbsDiff(new double[][] {{1, 0, 1}, {0, 1, 1}, {0, 1, 1}}, small.weights()));
  }

  @Test
  void largeLogitsStayFiniteForEveryObjective() {
    Random rnd = new Random(12);
    int n = 12;
    double[][] s = new double[n][n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        s[i][j] = rnd.nextBoolean() ? 80 : -80;
      }
    }
    double[][] rel = Harness.gaussian(rnd, n, n, 1);
    for (String name : new String[] {"infonce", "soft_infonce", "bce", "weighted_infonce", "kl_regularization",
        "fn_cancel_topk", "fn_cancel_ratio"}) {
      Objective o = create(Map.of("name", name, "alpha", 1.3, "beta", 0.7));
      Harness.Out out = Harness.run(o, s, rel, Harness.duplicates(rnd, n, 0.1), TFloat32.class);
      assertTrue(Double.isFinite(out.loss()), name + " loss " + out.loss());
      for (double[] row : out.gradScores()) {
        for (double g : row) {
          assertTrue(Double.isFinite(g), name + " gradient " + g);
        }
      }
    }
  }

  /** At ±80 the float64 graph still equals the reference, including BCE's log(1 − P) near the −100 clamp. */
  @Test
  void largeLogitsMatchReferenceInFloat64() {
    Random rnd = new Random(13);
    int n = 10;
    double[][] s = new double[n][n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        s[i][j] = rnd.nextBoolean() ? 80 : -80;
      }
    }
    java.util.Arrays.fill(s[0], -80);
    s[0][3] = 80; // row 0: one negative dominates; the rest of its mass, 9·e^−160, is below float range
    double[][] rel = Harness.gaussian(rnd, n, n, 1);
    assertEquals(Reference.bce(s, rel, 1, null),
        Harness.run(create(Map.of("name", "bce")), s, rel, null).loss(), 1e-9);
    assertEquals(Reference.weightedInfoNceSoftTargets(s, rel, 1, null),
        Harness.run(create(Map.of("name", "weighted_infonce")), s, rel, null).loss(), 1e-9);
    assertEquals(Reference.klRegularization(s, rel, 0.7, 1.3, 1, null),
        Harness.run(create(Map.of("name", "kl_regularization", "alpha", 0.7, "beta", 1.3)), s, rel, null).loss(),
        1e-9);
    assertEquals(Reference.softInfoNce(s, rel, 1.3, 0.7, 1, 0.1, null, true),
        Harness.run(create(Map.of("name", "soft_infonce", "alpha", 1.3, "beta", 0.7, "symmetric", true)), s, rel,
            null).loss(), 1e-9);
  }

  @Test
  void invalidCombinationsAreRejectedAtConfigTime() {
    ConfigException e = assertThrows(ConfigException.class, () -> ExperimentConfig.builder()
        .set("objective.name", "fn_cancel_topk").set("objective.top_k", 31).set("train.batch_size", 32).build());
    assertTrue(e.getMessage().contains("objective.top_k"), e.getMessage());
    ExperimentConfig.builder().set("objective.name", "fn_cancel_topk").set("objective.top_k", 30)
        .set("train.batch_size", 32).build();
    e = assertThrows(ConfigException.class, () -> ExperimentConfig.builder().set("objective.name", "bce")
        .set("objective.symmetric", true).build());
    assertTrue(e.getMessage().contains("objective.symmetric"), e.getMessage());
    // BM25 setting at N = 4: β − α/(N−1) = 0.5 − 0.5 = 0.
    e = assertThrows(ConfigException.class, () -> ExperimentConfig.builder().set("objective.name", "soft_infonce")
        .set("objective.alpha", 1.5).set("objective.beta", 0.5).set("train.batch_size", 4).build());
    assertTrue(e.getMessage().contains("Eq. 4"), e.getMessage());
    // N = 2: weight 1 whatever α and β.
    ExperimentConfig.builder().set("objective.name", "soft_infonce").set("objective.alpha", 1.5)
        .set("objective.beta", 0.5).set("train.batch_size", 2).build();
  }
}
