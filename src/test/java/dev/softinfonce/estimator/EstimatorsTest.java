package dev.softinfonce.estimator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.softinfonce.config.EstimatorConfig;
import dev.softinfonce.config.ExperimentConfig;
import dev.softinfonce.objective.Reference;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.StdArrays;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/** The config factory, the uniform/self estimators and the SimCSE cosine. */
class EstimatorsTest {

  private static EstimatorConfig cfg(String... kv) {
    var b = ExperimentConfig.builder().set("objective.name", "soft_infonce");
    for (int k = 0; k < kv.length; k += 2) {
      b.set(kv[k], kv[k + 1]);
    }
    return b.build().estimator();
  }

  private static float[][] eval(Graph g, Operand<TFloat32> x) {
    try (Session s = new Session(g); Result r = s.runner().fetch(x).run()) {
      return StdArrays.array2dCopyOf((TFloat32) r.get(0));
    }
  }

  @Test
  void factoryBuildsEachConfiguredEstimator() {
    TextEncoder dummy = (ids, mask) -> null;
    EstimatorResources all = EstimatorResources.builder().averageDocumentLength(10)
        .ignoredTokenIds(Set.of(0, 1, 2)).sentenceEncoder(dummy).queryEncoder(dummy).codeEncoder(dummy)
        .build();
    assertInstanceOf(UniformEstimator.class, Estimators.create(cfg(), EstimatorResources.none()));
    assertInstanceOf(SelfEstimator.class,
        Estimators.create(cfg("estimator.name", "self"), EstimatorResources.none()));
    RelevanceEstimator bm25 = Estimators.create(
        cfg("estimator.name", "bm25", "estimator.field", "code"), all);
    assertEquals(Set.of(EstimatorInput.QUERY, EstimatorInput.CODE), bm25.inputs());
    assertEquals(Set.of(0, 1, 2), ((Bm25Estimator) bm25).ignoredIds());
    assertEquals(Set.of(EstimatorInput.QUERY, EstimatorInput.DOCSTRING),
        Estimators.create(cfg("estimator.name", "bm25"), all).inputs());
    assertInstanceOf(SimCseEstimator.class,
        Estimators.create(cfg("estimator.name", "simcse", "estimator.model", "m"), all));
    TrainedModelEstimator online = (TrainedModelEstimator) Estimators.create(
        cfg("estimator.name", "trained", "estimator.model", "m"), all);
    assertEquals(false, online.isCached());
    assertEquals(Set.of(EstimatorInput.QUERY, EstimatorInput.CODE), online.inputs());
  }

  @Test
  void missingResourcesNameTheKeyAndWhat() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Estimators.create(cfg("estimator.name", "bm25"), EstimatorResources.none()));
    assertTrue(e.getMessage().contains("estimator.name: bm25")
        && e.getMessage().contains("average document length"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> Estimators.create(
        cfg("estimator.name", "trained", "estimator.model", "m", "estimator.mode", "cached"),
        EstimatorResources.none()));
    assertTrue(e.getMessage().contains("cache"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> Estimators.create(
        cfg("estimator.name", "simcse", "estimator.model", "m"), EstimatorResources.none()));
    assertTrue(e.getMessage().contains("simcse"), e.getMessage());
  }

  @Test
  void uniformIsAllZerosAndSelfIsTheLiveScores() {
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      Operand<TInt32> ids = tf.constant(new int[][] {{5, 6}, {7, 8}, {9, 1}});
      float[][] live = {{1, 2, 3}, {4, 5, 6}, {7, 8, 9}};
      EstimatorInputs in = EstimatorInputs.builder().query(ids, ids)
          .liveScores(tf.constant(live)).build();
      float[][] u = eval(g, new UniformEstimator().sim(tf, in));
      assertEquals(3, u.length);
      for (float[] row : u) {
        assertEquals(3, row.length);
        for (float v : row) {
          assertEquals(0f, v);
        }
      }
      float[][] self = eval(g, new SelfEstimator().sim(tf, in));
      for (int i = 0; i < 3; i++) {
        assertTrue(java.util.Arrays.equals(live[i], self[i]));
      }
    }
  }

  @Test
  void simCseIsCosineOfQueryAndDocstringEmbeddings() {
    Random rnd = new Random(41);
    int dim = 5;
    float[][] table = new float[12][dim];
    for (float[] row : table) {
      for (int k = 0; k < dim; k++) {
        row[k] = (float) rnd.nextGaussian();
      }
    }
    // encoder: the embedding of the first token (an independent, easily recomputed function)
    int[][] q = {{3, 1}, {7, 2}, {11, 0}};
    int[][] d = {{4, 9}, {3, 3}, {5, 6}};
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      Operand<TFloat32> emb = tf.constant(table);
      TextEncoder first = (ids, mask) -> tf.gather(emb,
          tf.reshape(tf.slice(ids, tf.constant(new int[] {0, 0}), tf.constant(new int[] {-1, 1})),
              tf.constant(new int[] {-1})), tf.constant(0));
      Operand<TInt32> qi = tf.constant(q);
      Operand<TInt32> di = tf.constant(d);
      float[][] shared = eval(g, new SimCseEstimator(first).sim(tf,
          EstimatorInputs.builder().query(qi, qi).build()));
      float[][] separate = eval(g, new SimCseEstimator(first).sim(tf,
          EstimatorInputs.builder().query(qi, qi).docstring(di, di).build()));
      for (int i = 0; i < 3; i++) {
        for (int j = 0; j < 3; j++) {
          assertEquals(Reference.cos(table[q[i][0]], table[q[j][0]]), shared[i][j], 1e-6);
          assertEquals(Reference.cos(table[q[i][0]], table[d[j][0]]), separate[i][j], 1e-6);
        }
        assertEquals(1.0, shared[i][i], 1e-6);
      }
    }
  }

  @Test
  void inputsMustComeInPairs() {
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      Operand<TInt32> ids = tf.constant(new int[][] {{1}});
      assertThrows(IllegalArgumentException.class,
          () -> new EstimatorInputs(ids, null, null, null, null, null, null, null));
      IllegalArgumentException rank = assertThrows(IllegalArgumentException.class,
          () -> EstimatorInputs.builder().exampleIndex(ids).build());
      assertTrue(rank.getMessage().contains("example index must have rank 1"), rank.getMessage());
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> new SelfEstimator().sim(tf, EstimatorInputs.builder().query(ids, ids).build()));
      assertTrue(e.getMessage().contains("live scores"), e.getMessage());
    }
  }
}
