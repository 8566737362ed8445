package dev.softinfonce.estimator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.softinfonce.corpus.DocumentLengths;
import dev.softinfonce.config.EstimatorConfig.Bm25Field;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.StdArrays;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/** Checks the BM25 graph against a plain-Java BM25 written with loops and doubles. */
class Bm25EstimatorTest {
  private static final Set<Integer> SPECIAL = Set.of(0, 1, 2, 3);
  private static final int PAD = 1;

  /** Straightforward BM25, as the reference code's Python loops compute it (double precision). */
  static double[][] plainBm25(int[][] q, int[][] qm, int[][] d, int[][] dm, double k1, double b,
      double avgdl, Set<Integer> special) {
    int nDocs = d.length;
    java.util.List<Map<Integer, Integer>> tf = new java.util.ArrayList<>();
    Map<Integer, Integer> df = new HashMap<>();
    double[] dl = new double[nDocs];
    for (int j = 0; j < nDocs; j++) {
      Map<Integer, Integer> counts = new HashMap<>();
      for (int p = 0; p < d[j].length; p++) {
        if (dm[j][p] != 0 && !special.contains(d[j][p])) {
          counts.merge(d[j][p], 1, Integer::sum);
          dl[j]++;
        }
      }
      for (int t : counts.keySet()) {
        df.merge(t, 1, Integer::sum);
      }
      tf.add(counts);
    }
    double[][] sim = new double[q.length][nDocs];
    for (int i = 0; i < q.length; i++) {
      for (int j = 0; j < nDocs; j++) {
        double kj = k1 * ((1 - b) + b * dl[j] / avgdl);
        double score = 0;
        for (int p = 0; p < q[i].length; p++) {
          int t = q[i][p];
          if (qm[i][p] == 0 || special.contains(t)) {
            continue;
          }
          Integer f = tf.get(j).get(t);
          if (f == null) {
            continue;
          }
          int nt = df.get(t);
          double idf = Math.log((nDocs - nt + 0.5) / (nt + 0.5));
          score += idf * (k1 + 1) * f / (kj + f);
        }
        sim[i][j] = score;
      }
    }
    return sim;
  }

  /** Random padded batch: ids from a small vocabulary (many repeats), specials inside and at the ends. */
  static int[][][] randomBatch(Random rnd, int rows, int maxLen, int vocab) {
    int len = 1 + rnd.nextInt(maxLen);
    int[][] ids = new int[rows][len];
    int[][] mask = new int[rows][len];
    for (int r = 0; r < rows; r++) {
      int n = rnd.nextInt(len + 1); // 0..len real positions (empty rows included)
      for (int p = 0; p < len; p++) {
        if (p < n) {
          mask[r][p] = 1;
          if (p == 0 || p == n - 1) {
            ids[r][p] = p == 0 ? 0 : 2; // <s> ... </s>
          } else if (rnd.nextInt(10) == 0) {
            ids[r][p] = 3; // <unk>
          } else {
            // skewed distribution: frequent small ids give terms in > half the docs (negative IDF)
            ids[r][p] = 4 + (int) Math.floor(Math.pow(rnd.nextDouble(), 2.5) * vocab);
          }
        } else {
          ids[r][p] = PAD;
          mask[r][p] = 0;
        }
      }
    }
    // a masked position holding a real-looking id must still be ignored
    if (len > 1 && mask[0][len - 1] == 0) {
      ids[0][len - 1] = 5;
    }
    return new int[][][] {ids, mask};
  }

  private static float[][] run(Bm25Estimator est, int[][] q, int[][] qm, int[][] d, int[][] dm,
      boolean sameOperand, Bm25Field field) {
    if (sameOperand) {
      d = q;
      dm = qm;
    }
    try (Graph g = new Graph(); Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      Placeholder<TInt32> qi = tf.placeholder(TInt32.class, Placeholder.shape(Shape.of(-1, -1)));
      Placeholder<TInt32> qmk = tf.placeholder(TInt32.class, Placeholder.shape(Shape.of(-1, -1)));
      Placeholder<TInt32> di = tf.placeholder(TInt32.class, Placeholder.shape(Shape.of(-1, -1)));
      Placeholder<TInt32> dmk = tf.placeholder(TInt32.class, Placeholder.shape(Shape.of(-1, -1)));
      EstimatorInputs.Builder in = EstimatorInputs.builder().query(qi, qmk);
      if (!sameOperand) {
        if (field == Bm25Field.CODE) {
          in.code(di, dmk);
        } else {
          in.docstring(di, dmk);
        }
      }
      Operand<TFloat32> sim = est.sim(tf, in.build());
      try (TInt32 tq = TInt32.tensorOf(StdArrays.ndCopyOf(q));
          TInt32 tqm = TInt32.tensorOf(StdArrays.ndCopyOf(qm));
          TInt32 td = TInt32.tensorOf(StdArrays.ndCopyOf(d));
          TInt32 tdm = TInt32.tensorOf(StdArrays.ndCopyOf(dm))) {
        Session.Runner r = s.runner().feed(qi, tq).feed(qmk, tqm);
        if (!sameOperand) {
          r.feed(di, td).feed(dmk, tdm);
        }
        try (Result res = r.fetch(sim).run()) {
          TFloat32 out = (TFloat32) res.get(0);
          return StdArrays.array2dCopyOf(out);
        }
      }
    }
  }

  private static void assertClose(double[][] expected, float[][] actual, String what) {
    assertEquals(expected.length, actual.length, what + " rows");
    for (int i = 0; i < expected.length; i++) {
      assertEquals(expected[i].length, actual[i].length, what + " cols");
      for (int j = 0; j < expected[i].length; j++) {
        double tol = 1e-5 * Math.max(1, Math.abs(expected[i][j]));
        assertEquals(expected[i][j], actual[i][j], tol, what + " sim[" + i + "][" + j + "]");
      }
    }
  }

  @Test
  void handWorkedExampleFromJavadoc() {
    // docs "a b", "c", "c" (a=10, b=11, c=12), query "a a"; avgdl 1.5
    int[][] q = {{10, 10}, {12, 1}, {12, 1}};
    int[][] qm = {{1, 1}, {1, 0}, {1, 0}};
    int[][] d = {{10, 11}, {12, 1}, {12, 1}};
    Bm25Estimator est = new Bm25Estimator(1.2, 0.75, 1.5, SPECIAL, Bm25Field.DOCSTRING);
    float[][] sim = run(est, q, qm, d, qm, false, Bm25Field.DOCSTRING);
    double expected = 2 * Math.log(2.5 / 1.5) * 2.2 / 2.5; // 0.8991
    assertEquals(0.8991, expected, 1e-4);
    assertEquals(expected, sim[0][0], 1e-6);
    assertEquals(0.0, sim[0][1], 0.0);
    // "c" is in 2 of 3 docs: IDF = log(1.5/2.5) < 0, dl = 1, K = 1.2*(0.25+0.5) = 0.9
    double negative = Math.log(1.5 / 2.5) * 2.2 / 1.9;
    assertEquals(negative, sim[1][1], 1e-6);
    assertEquals(negative, sim[1][2], 1e-6);
    assertTrue(sim[1][1] < 0, "RSJ IDF is negative for terms in more than half of the batch");
  }

  @Test
  void matchesPlainJavaOnRandomBatchesSharedQueryAndDocstring() {
    Random rnd = new Random(11);
    for (int batch : new int[] {1, 2, 3, 8, 17, 32}) {
      for (int rep = 0; rep < 4; rep++) {
        int[][][] qb = randomBatch(rnd, batch, 24, 30 + rnd.nextInt(200));
        double avgdl = 1 + rnd.nextDouble() * 15;
        double k1 = rep == 3 ? 0.0 : 1.2; // k1 = 0 exercises the 0/0 guard
        double b = rep == 2 ? 1.0 : 0.75;
        Bm25Estimator est = new Bm25Estimator(k1, b, avgdl, SPECIAL, Bm25Field.DOCSTRING);
        double[][] expected = plainBm25(qb[0], qb[1], qb[0], qb[1], k1, b, avgdl, SPECIAL);
        float[][] actual = run(est, qb[0], qb[1], null, null, true, Bm25Field.DOCSTRING);
        assertClose(expected, actual, "B=" + batch + " rep=" + rep);
      }
    }
  }

  @Test
  void matchesPlainJavaWithSeparateDocstringAndCodeFields() {
    Random rnd = new Random(12);
    for (Bm25Field field : Bm25Field.values()) {
      for (int batch : new int[] {1, 4, 16, 33}) {
        int vocab = 20 + rnd.nextInt(300);
        int[][][] qb = randomBatch(rnd, batch, 20, vocab);
        int[][][] db = randomBatch(rnd, batch, 60, vocab);
        Bm25Estimator est = new Bm25Estimator(1.2, 0.75, 7.3, SPECIAL, field);
        double[][] expected = plainBm25(qb[0], qb[1], db[0], db[1], 1.2, 0.75, 7.3, SPECIAL);
        float[][] actual = run(est, qb[0], qb[1], db[0], db[1], false, field);
        assertClose(expected, actual, field + " B=" + batch);
      }
    }
  }

  @Test
  void realisticLengthsAtTrainingBatchSize() {
    Random rnd = new Random(13);
    int[][][] qb = randomBatch(rnd, 64, 128, 5000);
    int[][][] cb = randomBatch(rnd, 64, 128, 5000);
    Bm25Estimator doc = new Bm25Estimator(1.2, 0.75, 40, SPECIAL, Bm25Field.DOCSTRING);
    assertClose(plainBm25(qb[0], qb[1], qb[0], qb[1], 1.2, 0.75, 40, SPECIAL),
        run(doc, qb[0], qb[1], null, null, true, Bm25Field.DOCSTRING), "docstring B=64");
    Bm25Estimator code = new Bm25Estimator(1.2, 0.75, 40, SPECIAL, Bm25Field.CODE);
    assertClose(plainBm25(qb[0], qb[1], cb[0], cb[1], 1.2, 0.75, 40, SPECIAL),
        run(code, qb[0], qb[1], cb[0], cb[1], false, Bm25Field.CODE), "code B=64");
  }

  @Test
  void withoutIgnoredIdsSpecialTokensAreTerms() {
    Random rnd = new Random(14);
    int[][][] qb = randomBatch(rnd, 9, 16, 40);
    Bm25Estimator est = new Bm25Estimator(1.2, 0.75, 5, Set.of(), Bm25Field.DOCSTRING);
    assertClose(plainBm25(qb[0], qb[1], qb[0], qb[1], 1.2, 0.75, 5, Set.of()),
        run(est, qb[0], qb[1], null, null, true, Bm25Field.DOCSTRING), "no specials");
  }

  @Test
  void missingCodeInputIsAClearError() {
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      Placeholder<TInt32> qi = tf.placeholder(TInt32.class, Placeholder.shape(Shape.of(-1, -1)));
      Bm25Estimator est = new Bm25Estimator(1.2, 0.75, 5, SPECIAL, Bm25Field.CODE);
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> est.sim(tf, EstimatorInputs.builder().query(qi, qi).build()));
      assertTrue(e.getMessage().contains("bm25") && e.getMessage().contains("code"), e.getMessage());
    }
  }

  @Test
  void rejectsBadParameters() {
    assertThrows(IllegalArgumentException.class,
        () -> new Bm25Estimator(1.2, 0.75, 0, SPECIAL, Bm25Field.DOCSTRING));
    assertThrows(IllegalArgumentException.class,
        () -> new Bm25Estimator(-1, 0.75, 3, SPECIAL, Bm25Field.DOCSTRING));
    assertThrows(IllegalArgumentException.class,
        () -> new Bm25Estimator(1.2, 1.5, 3, SPECIAL, Bm25Field.DOCSTRING));
  }

  @Test
  void averageDocumentLengthCountsOnlyTerms() {
    int[][] ids = {{0, 7, 7, 2}, {0, 9, 2, 1}};
    int[][] mask = {{1, 1, 1, 1}, {1, 1, 1, 0}};
    assertEquals(1.5, DocumentLengths.average(ids, mask, Set.of(0, 1, 2)), 0.0);
    // the reference's avg_len counts <s> and </s> too: (4 + 3) / 2
    assertEquals(3.5, DocumentLengths.referenceStyle().add(ids, mask).average(), 0.0);
    // streaming over two batches equals one pass, and a null mask means "no padding"
    DocumentLengths acc = new DocumentLengths(Set.of(0, 1, 2));
    acc.add(new int[][] {ids[0]}, null).add(new int[][] {{0, 9, 2}}, new int[][] {{1, 1, 1}});
    assertEquals(1.5, acc.average(), 0.0);
    assertEquals(2, acc.documents());
    assertThrows(IllegalStateException.class, () -> new DocumentLengths(Set.of()).average());
    assertThrows(IllegalStateException.class,
        () -> DocumentLengths.average(new int[][] {{0, 2}}, null, Set.of(0, 2)));
    // check the random generator's counting against the plain BM25's dl
    Random rnd = new Random(3);
    int[][][] b = randomBatch(rnd, 20, 30, 50);
    Set<Integer> seen = new HashSet<>();
    long terms = 0;
    for (int r = 0; r < 20; r++) {
      for (int p = 0; p < b[0][r].length; p++) {
        if (b[1][r][p] == 1 && !SPECIAL.contains(b[0][r][p])) {
          terms++;
          seen.add(b[0][r][p]);
        }
      }
    }
    assertEquals(terms / 20.0, DocumentLengths.average(b[0], b[1], SPECIAL), 1e-12);
  }
}
