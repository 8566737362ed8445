package dev.softinfonce.eval;

import java.util.List;

/**
 * The scoring kernel of retrieval evaluation: the canonical float dot product, and the same operations
 * four queries at a time over a chunk of codes (each code row loaded once). Pure arithmetic over
 * arrays; what a score means for a rank is {@link QueryState}'s, which queries and codes meet is
 * {@link RetrievalEvaluator}'s.
 */
final class ScoringKernel {
  private ScoringKernel() {}

  /**
   * The canonical score: a dot product with four independent accumulators in a fixed order. Java float
   * arithmetic is strict IEEE, so the same pair always gets the bit-identical score, whether computed
   * here or in {@link #scoreBlock} (ties and the gold's self-score depend on that).
   */
  static float dot(float[] a, float[] b) {
    int n = a.length;
    float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    int i = 0;
    for (; i + 4 <= n; i += 4) {
      s0 += a[i] * b[i];
      s1 += a[i + 1] * b[i + 1];
      s2 += a[i + 2] * b[i + 2];
      s3 += a[i + 3] * b[i + 3];
    }
    for (; i < n; i++) {
      s0 += a[i] * b[i];
    }
    return (s0 + s1) + (s2 + s3);
  }

  /**
   * Scores queries {@code st[first..first+3]} against every code of a chunk: each code row is loaded
   * once for four queries (about 2× faster than pairwise), with per pair exactly the operations of
   * {@link #dot}.
   */
  static void scoreBlock(QueryState[] st, int first, float[][] codes, List<String> ids, long start) {
    int last = Math.min(st.length, first + 4) - 1;
    QueryState e0 = st[first];
    QueryState e1 = st[Math.min(first + 1, last)];
    QueryState e2 = st[Math.min(first + 2, last)];
    QueryState e3 = st[Math.min(first + 3, last)];
    float[] q0 = e0.query;
    float[] q1 = e1.query;
    float[] q2 = e2.query;
    float[] q3 = e3.query;
    int n = q0.length;
    for (int j = 0; j < codes.length; j++) {
      float[] c = codes[j];
      float a0 = 0, a1 = 0, a2 = 0, a3 = 0, b0 = 0, b1 = 0, b2 = 0, b3 = 0;
      float c0 = 0, c1 = 0, c2 = 0, c3 = 0, d0 = 0, d1 = 0, d2 = 0, d3 = 0;
      int i = 0;
      for (; i + 4 <= n; i += 4) {
        float x0 = c[i], x1 = c[i + 1], x2 = c[i + 2], x3 = c[i + 3];
        a0 += q0[i] * x0; a1 += q0[i + 1] * x1; a2 += q0[i + 2] * x2; a3 += q0[i + 3] * x3;
        b0 += q1[i] * x0; b1 += q1[i + 1] * x1; b2 += q1[i + 2] * x2; b3 += q1[i + 3] * x3;
        c0 += q2[i] * x0; c1 += q2[i + 1] * x1; c2 += q2[i + 2] * x2; c3 += q2[i + 3] * x3;
        d0 += q3[i] * x0; d1 += q3[i + 1] * x1; d2 += q3[i + 2] * x2; d3 += q3[i + 3] * x3;
      }
      for (; i < n; i++) {
        float x = c[i];
        a0 += q0[i] * x; b0 += q1[i] * x; c0 += q2[i] * x; d0 += q3[i] * x;
      }
      long p = start + j;
      e0.offer((a0 + a1) + (a2 + a3), p, ids, j);
      if (first + 1 <= last) {
        e1.offer((b0 + b1) + (b2 + b3), p, ids, j);
      }
      if (first + 2 <= last) {
        e2.offer((c0 + c1) + (c2 + c3), p, ids, j);
      }
      if (first + 3 <= last) {
        e3.offer((d0 + d1) + (d2 + d3), p, ids, j);
      }
    }
  }

  /** Whether every component is finite. */
  static boolean finite(float[] v) {
    for (float x : v) {
      if (!Float.isFinite(x)) {
        return false;
      }
    }
    return true;
  }
}
