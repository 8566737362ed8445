package dev.softinfonce.estimator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.exceptions.TensorFlowException;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.StdArrays;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/** Cached trained-model scores equal online ones when the tables hold the same encoder's outputs. */
class TrainedModelEstimatorTest {
  private static final int V = 40;
  private static final int D = 8;
  private static final int N = 50;

  private static Placeholder<TInt32> ids(Ops tf) {
    return tf.placeholder(TInt32.class, Placeholder.shape(Shape.of(-1, -1)));
  }

  private static float[][] run(Session s, Operand<TFloat32> out, Object... feeds) {
    Session.Runner r = s.runner();
    List<AutoCloseable> open = new ArrayList<>();
    try {
      for (int k = 0; k < feeds.length; k += 2) {
        @SuppressWarnings("unchecked")
        Operand<TInt32> ph = (Operand<TInt32>) feeds[k];
        TInt32 t = feeds[k + 1] instanceof int[] v ? TInt32.vectorOf(v)
            : TInt32.tensorOf(StdArrays.ndCopyOf((int[][]) feeds[k + 1]));
        open.add(t);
        r.feed(ph, t);
      }
      try (Result res = r.fetch(out).run()) {
        return StdArrays.array2dCopyOf((TFloat32) res.get(0));
      }
    } finally {
      for (AutoCloseable c : open) {
        try {
          c.close();
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      }
    }
  }

  @Test
  void cachedEqualsOnline() {
    Random rnd = new Random(21);
    int[][][] queries = TestEncoders.randomIds(rnd, N, 6, V);   // the whole training set
    int[][][] codes = TestEncoders.randomIds(rnd, N, 11, V);
    try (Graph g = new Graph(); Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      TestEncoders.Weights qw = TestEncoders.weights(tf, "estimator.q_", V, D, 1);
      TestEncoders.Weights cw = TestEncoders.weights(tf, "estimator.c_", V, D, 2);
      TextEncoder qEnc = TestEncoders.encoder(tf, qw);
      TextEncoder cEnc = TestEncoders.encoder(tf, cw);
      Placeholder<TInt32> qIds = ids(tf);
      Placeholder<TInt32> qMask = ids(tf);
      Placeholder<TInt32> cIds = ids(tf);
      Placeholder<TInt32> cMask = ids(tf);
      Placeholder<TInt32> index = tf.placeholder(TInt32.class, Placeholder.shape(Shape.of(-1)));
      EstimatorInputs in = EstimatorInputs.builder().query(qIds, qMask).code(cIds, cMask)
          .exampleIndex(index).build();

      EmbeddingCache cache = EmbeddingCache.create(tf, N, D);
      Operand<TFloat32> online = Estimators.create(
          cfg("online"), EstimatorResources.builder().queryEncoder(qEnc).codeEncoder(cEnc).build())
          .sim(tf, in);
      Operand<TFloat32> cached = Estimators.create(
          cfg("cached"), EstimatorResources.builder().embeddingCache(cache).build()).sim(tf, in);
      Operand<TFloat32> qEmb = qEnc.encode(qIds, qMask);   // the "frozen model" used to fill the cache
      Operand<TFloat32> cEmb = cEnc.encode(cIds, cMask);

      // reading the cache before loading is a clear error, not silent zeros
      TensorFlowException notLoaded = assertThrows(TensorFlowException.class,
          () -> run(s, cached, index, new int[] {0, 1}));
      assertTrue(notLoaded.getMessage().contains(EmbeddingCache.QUERY_TABLE)
          || notLoaded.getMessage().contains(EmbeddingCache.CODE_TABLE), notLoaded.getMessage());

      List<Integer> examples = new ArrayList<>();
      for (int r = 0; r < N; r++) {
        examples.add(r);
      }
      Function<List<Integer>, float[][]> encQ = rows -> run(s, qEmb,
          qIds, TestEncoders.rows(queries[0], toArray(rows)),
          qMask, TestEncoders.rows(queries[1], toArray(rows)));
      Function<List<Integer>, float[][]> encC = rows -> run(s, cEmb,
          cIds, TestEncoders.rows(codes[0], toArray(rows)),
          cMask, TestEncoders.rows(codes[1], toArray(rows)));
      EmbeddingTables tables = EmbeddingTables.compute(examples, 7, encQ, encC);
      assertEquals(N, tables.rows());
      assertEquals(D, tables.dim());
      cache.load(s, tables);

      for (int batch : new int[] {1, 5, 16}) {
        int[] idx = rnd.ints(batch, 0, N).toArray();
        float[][] a = run(s, online, qIds, TestEncoders.rows(queries[0], idx),
            qMask, TestEncoders.rows(queries[1], idx), cIds, TestEncoders.rows(codes[0], idx),
            cMask, TestEncoders.rows(codes[1], idx));
        float[][] b = run(s, cached, index, idx);
        assertEquals(batch, b.length);
        for (int i = 0; i < batch; i++) {
          for (int j = 0; j < batch; j++) {
            // independent check of q_i·c_j from the tables
            double dot = 0;
            for (int k = 0; k < D; k++) {
              dot += tables.query()[idx[i]][k] * tables.code()[idx[j]][k];
            }
            assertEquals(dot, b[i][j], 1e-5, "cached vs tables");
            assertEquals(a[i][j], b[i][j], 1e-5, "online vs cached [" + i + "][" + j + "]");
          }
        }
      }
    }
  }

  @Test
  void tablesAndCacheRejectBadShapes() {
    assertThrows(IllegalArgumentException.class,
        () -> new EmbeddingTables(new float[][] {{1, 2}}, new float[][] {{1, 2}, {3, 4}}));
    assertThrows(IllegalArgumentException.class,
        () -> new EmbeddingTables(new float[][] {{1, 2}}, new float[][] {{1}}));
    IllegalArgumentException nan = assertThrows(IllegalArgumentException.class,
        () -> new EmbeddingTables(new float[][] {{1, Float.NaN}}, new float[][] {{1, 2}}));
    assertTrue(nan.getMessage().contains("row 0"), nan.getMessage());
    IllegalArgumentException wrongCount = assertThrows(IllegalArgumentException.class,
        () -> EmbeddingTables.compute(List.of(1, 2, 3), 2, rows -> new float[1][2],
            rows -> new float[rows.size()][2]));
    assertTrue(wrongCount.getMessage().contains("examples 0..1"), wrongCount.getMessage());
    try (Graph g = new Graph(); Session s = new Session(g)) {
      EmbeddingCache cache = EmbeddingCache.create(Ops.create(g), 3, 2);
      assertThrows(IllegalArgumentException.class,
          () -> cache.load(s, new EmbeddingTables(new float[][] {{1, 2}}, new float[][] {{1, 2}})));
      cache.allocate(s);
      assertThrows(IllegalArgumentException.class,
          () -> cache.loadRows(s, 2, new float[2][2], new float[2][2]));
    }
    assertThrows(IllegalArgumentException.class, () -> EmbeddingCache.create(null, 0, 4));
  }

  @Test
  void chunkedLoadCoversAllRows() {
    // more rows than one load chunk, so the chunk loop is exercised
    int n = EmbeddingCache.LOAD_CHUNK_ROWS + 5;
    float[][] q = new float[n][2];
    float[][] c = new float[n][2];
    for (int r = 0; r < n; r++) {
      q[r][0] = r;
      q[r][1] = 1;
      c[r][0] = 1;
      c[r][1] = -r;
    }
    try (Graph g = new Graph(); Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      EmbeddingCache cache = EmbeddingCache.create(tf, n, 2);
      Placeholder<TInt32> index = tf.placeholder(TInt32.class, Placeholder.shape(Shape.of(-1)));
      Operand<TFloat32> sim = TrainedModelEstimator.cached(cache, PairScorer.dot())
          .sim(tf, EstimatorInputs.builder().exampleIndex(index).build());
      cache.load(s, new EmbeddingTables(q, c));
      int[] idx = {n - 1, 0, EmbeddingCache.LOAD_CHUNK_ROWS};
      float[][] out = run(s, sim, index, idx);
      for (int i = 0; i < 3; i++) {
        for (int j = 0; j < 3; j++) {
          assertEquals(idx[i] - idx[j], out[i][j], 1e-3);
        }
      }
    }
  }

  private static int[] toArray(List<Integer> rows) {
    return rows.stream().mapToInt(Integer::intValue).toArray();
  }

  private static dev.softinfonce.config.EstimatorConfig cfg(String mode) {
    return dev.softinfonce.config.ExperimentConfig.builder()
        .set("objective.name", "soft_infonce").set("estimator.name", "trained")
        .set("estimator.model", "unused").set("estimator.mode", mode).build().estimator();
  }
}
