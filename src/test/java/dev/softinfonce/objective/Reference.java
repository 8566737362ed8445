package dev.softinfonce.objective;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Independent plain-Java (double) implementations of the objectives, written straight from the paper's
 * formulas (arXiv 2310.08069 Eq. 1, 3–4, §4) with loops, for checking the graph code. Shares no code with
 * the main sources. A removed pair (duplicate) is simply skipped in every sum.
 */
public final class Reference {
  private Reference() {}

  /** Cosine of two vectors, in doubles (read by the estimator tests too). */
  public static double cos(double[] a, double[] b) {
    double ab = 0;
    double aa = 0;
    double bb = 0;
    for (int k = 0; k < a.length; k++) {
      ab += a[k] * b[k];
      aa += a[k] * a[k];
      bb += b[k] * b[k];
    }
    return ab / Math.sqrt(aa * bb);
  }

  /** {@link #cos(double[], double[])} of float vectors, widened first. */
  public static double cos(float[] a, float[] b) {
    double[] x = new double[a.length];
    double[] y = new double[b.length];
    for (int k = 0; k < a.length; k++) {
      x[k] = a[k];
      y[k] = b[k];
    }
    return cos(x, y);
  }

  static double[][] dot(double[][] q, double[][] c) {
    int b = q.length;
    int n = c.length;
    double[][] s = new double[b][n];
    for (int i = 0; i < b; i++) {
      for (int j = 0; j < n; j++) {
        double acc = 0;
        for (int d = 0; d < q[i].length; d++) {
          acc += q[i][d] * c[j][d];
        }
        s[i][j] = acc;
      }
    }
    return s;
  }

  static double[][] cosine(double[][] q, double[][] c) {
    return dot(unit(q), unit(c));
  }

  private static double[][] unit(double[][] x) {
    double[][] out = new double[x.length][];
    for (int i = 0; i < x.length; i++) {
      double norm = 0;
      for (double v : x[i]) {
        norm += v * v;
      }
      norm = Math.sqrt(norm);
      out[i] = new double[x[i].length];
      for (int d = 0; d < x[i].length; d++) {
        out[i][d] = x[i][d] / norm;
      }
    }
    return out;
  }

  static double[][] transpose(double[][] m) {
    if (m == null) {
      return null;
    }
    double[][] t = new double[m[0].length][m.length];
    for (int i = 0; i < m.length; i++) {
      for (int j = 0; j < m[0].length; j++) {
        t[j][i] = m[i][j];
      }
    }
    return t;
  }

  static boolean[][] transpose(boolean[][] m) {
    if (m == null) {
      return null;
    }
    boolean[][] t = new boolean[m.length][m.length];
    for (int i = 0; i < m.length; i++) {
      for (int j = 0; j < m.length; j++) {
        t[j][i] = m[i][j];
      }
    }
    return t;
  }

  static boolean removed(boolean[][] dup, int i, int j) {
    return dup != null && i != j && dup[i][j];
  }

  /** p_ij = exp(sim_ij/t) / Σ_{k≠i} exp(sim_ik/t), p_ii = 0; uniform 1/(N−1) if rel is null. */
  static double[][] negativeSoftmax(double[][] rel, double t, int n) {
    double[][] p = new double[n][n];
    for (int i = 0; i < n; i++) {
      if (rel == null) {
        for (int j = 0; j < n; j++) {
          p[i][j] = j == i ? 0 : 1.0 / (n - 1);
        }
        continue;
      }
      double max = Double.NEGATIVE_INFINITY;
      for (int j = 0; j < n; j++) {
        if (j != i) {
          max = Math.max(max, rel[i][j] / t);
        }
      }
      double z = 0;
      for (int j = 0; j < n; j++) {
        if (j != i) {
          z += Math.exp(rel[i][j] / t - max);
        }
      }
      for (int j = 0; j < n; j++) {
        p[i][j] = j == i ? 0 : Math.exp(rel[i][j] / t - max) / z;
      }
    }
    return p;
  }

  /** Eq. 4 literally: w_ij = max(minW, (β − α p_ij) / (β − α/(N−1))), w_ii = 1. Null rel: all 1. */
  static double[][] softWeights(double[][] rel, double alpha, double beta, double t, double minW, int n) {
    double[][] w = new double[n][n];
    double[][] p = negativeSoftmax(rel, t, n);
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        if (i == j || rel == null) {
          w[i][j] = 1;
        } else {
          w[i][j] = Math.max(minW, (beta - alpha * p[i][j]) / (beta - alpha / (n - 1)));
        }
      }
    }
    return w;
  }

  /** mean_i −log( w_ii e^{s_ii} / Σ_j w_ij e^{s_ij} ), skipping removed pairs and zero weights. */
  static double weightedInfoNce(double[][] s, double[][] w, boolean[][] dup) {
    int n = s.length;
    double total = 0;
    for (int i = 0; i < n; i++) {
      double max = Double.NEGATIVE_INFINITY;
      for (int j = 0; j < n; j++) {
        max = Math.max(max, s[i][j]);
      }
      double denom = 0;
      for (int j = 0; j < n; j++) {
        if (!removed(dup, i, j)) {
          denom += w[i][j] * Math.exp(s[i][j] - max);
        }
      }
      total += -(s[i][i] - max - Math.log(denom));
    }
    return total / n;
  }

  static double[][] ones(int n) {
    double[][] w = new double[n][n];
    for (double[] row : w) {
      java.util.Arrays.fill(row, 1);
    }
    return w;
  }

  /** Weights with removed pairs zeroed (what the objectives report). */
  static double[][] withRemoved(double[][] w, boolean[][] dup) {
    double[][] out = new double[w.length][];
    for (int i = 0; i < w.length; i++) {
      out[i] = w[i].clone();
      for (int j = 0; j < w.length; j++) {
        if (removed(dup, i, j)) {
          out[i][j] = 0;
        }
      }
    }
    return out;
  }

  static double infoNce(double[][] s, boolean[][] dup, boolean symmetric) {
    double l = weightedInfoNce(s, ones(s.length), dup);
    return symmetric ? (l + weightedInfoNce(transpose(s), ones(s.length), transpose(dup))) / 2 : l;
  }

  static double softInfoNce(double[][] s, double[][] rel, double alpha, double beta, double t, double minW,
      boolean[][] dup, boolean symmetric) {
    int n = s.length;
    double l = weightedInfoNce(s, softWeights(rel, alpha, beta, t, minW, n), dup);
    if (!symmetric) {
      return l;
    }
    double lt = weightedInfoNce(transpose(s), softWeights(transpose(rel), alpha, beta, t, minW, n), transpose(dup));
    return (l + lt) / 2;
  }

  /** Row softmax P_ij over the non-removed columns. */
  private static double[] rowSoftmax(double[][] s, int i, boolean[][] dup) {
    int n = s.length;
    double max = Double.NEGATIVE_INFINITY;
    for (int j = 0; j < n; j++) {
      if (!removed(dup, i, j)) {
        max = Math.max(max, s[i][j]);
      }
    }
    double z = 0;
    for (int j = 0; j < n; j++) {
      if (!removed(dup, i, j)) {
        z += Math.exp(s[i][j] - max);
      }
    }
    double[] p = new double[n];
    for (int j = 0; j < n; j++) {
      p[j] = removed(dup, i, j) ? 0 : Math.exp(s[i][j] - max) / z;
    }
    return p;
  }

  /** −(1/N²) Σ [y log P + (1−y) log(1−P)], logs clamped at −100 as torch BCELoss. */
  static double bce(double[][] s, double[][] rel, double t, boolean[][] dup) {
    int n = s.length;
    double[][] p = negativeSoftmax(rel, t, n);
    double total = 0;
    for (int i = 0; i < n; i++) {
      double[] prob = rowSoftmax(s, i, dup);
      for (int j = 0; j < n; j++) {
        if (removed(dup, i, j)) {
          continue;
        }
        double y = i == j ? 1 : p[i][j];
        // log(1−P) via the explicit sum over the other columns (exact in double for these tests).
        double others = 0;
        for (int k = 0; k < n; k++) {
          if (k != j) {
            others += prob[k];
          }
        }
        total += y * Math.max(Math.log(prob[j]), -100) + (1 - y) * Math.max(Math.log(others), -100);
      }
    }
    return -total / ((double) n * n);
  }

  /** −(1/N) Σ_i Σ_j y_ij log P_ij with y = [1, S_i]. */
  static double weightedInfoNceSoftTargets(double[][] s, double[][] rel, double t, boolean[][] dup) {
    int n = s.length;
    double[][] p = negativeSoftmax(rel, t, n);
    double total = 0;
    for (int i = 0; i < n; i++) {
      double[] prob = rowSoftmax(s, i, dup);
      for (int j = 0; j < n; j++) {
        if (!removed(dup, i, j)) {
          total += (i == j ? 1 : p[i][j]) * Math.log(prob[j]);
        }
      }
    }
    return -total / n;
  }

  /** mean_i [β CE_i + α Σ_{j≠i} S_ij (log S_ij − log Q_ij)], Q the softmax of s over kept negatives. */
  static double klRegularization(double[][] s, double[][] rel, double alpha, double beta, double t,
      boolean[][] dup) {
    int n = s.length;
    double[][] p = negativeSoftmax(rel, t, n);
    double total = 0;
    for (int i = 0; i < n; i++) {
      double ce = -Math.log(rowSoftmax(s, i, dup)[i]);
      double z = 0;
      for (int j = 0; j < n; j++) {
        if (j != i && !removed(dup, i, j)) {
          z += Math.exp(s[i][j]);
        }
      }
      double kl = 0;
      for (int j = 0; j < n; j++) {
        if (j != i && !removed(dup, i, j) && p[i][j] > 0) {
          kl += p[i][j] * (Math.log(p[i][j]) - Math.log(Math.exp(s[i][j]) / z));
        }
      }
      total += beta * ce + alpha * kl;
    }
    return total / n;
  }

  /** Weights 0 for the K negatives with the largest relevance (ties: lower index first), else 1. */
  static double[][] topKWeights(double[][] rel, int k) {
    int n = rel.length;
    double[][] w = ones(n);
    for (int i = 0; i < n; i++) {
      final int row = i;
      List<Integer> cols = new ArrayList<>();
      for (int j = 0; j < n; j++) {
        if (j != i) {
          cols.add(j);
        }
      }
      cols.sort(Comparator.<Integer>comparingDouble(j -> -rel[row][j]).thenComparingInt(j -> j)); // stable
      for (int r = 0; r < Math.min(k, n - 2); r++) {
        w[i][cols.get(r)] = 0;
      }
    }
    return w;
  }

  /** Weights 0 where rel_ij ≥ ratio·rel_ii (j ≠ i), else 1. */
  static double[][] ratioWeights(double[][] rel, double ratio) {
    int n = rel.length;
    double[][] w = ones(n);
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        if (j != i && rel[i][j] >= ratio * rel[i][i]) {
          w[i][j] = 0;
        }
      }
    }
    return w;
  }
}
