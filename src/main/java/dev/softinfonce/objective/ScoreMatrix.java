package dev.softinfonce.objective;

import dev.softinfonce.config.ObjectiveConfig;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.ReduceSum;
import org.tensorflow.op.linalg.MatMul;
import org.tensorflow.types.family.TFloating;

/**
 * The in-batch score matrix from query and code embeddings, as {@code objective.similarity} defines it:
 * {@code dot} (the paper's and reference code's raw dot product {@code s_ij = q_i·c_j}) or
 * {@code cosine} ({@code q_i·c_j / (|q_i| |c_j|)}). No temperature: a model-level temperature belongs to
 * the encoder's own scores.
 */
public final class ScoreMatrix {
  /** Floor of a squared norm before rsqrt, so a zero embedding gives 0 scores instead of NaN. */
  static final double NORM_EPS = 1e-12;

  private ScoreMatrix() {}

  /**
   * @param queries [B,D]
   * @param codes [C,D]
   * @return [B,C]
   */
  public static <T extends TFloating> Operand<T> scores(Ops tf, Operand<T> queries, Operand<T> codes,
      ObjectiveConfig.Similarity similarity) {
    if (similarity == ObjectiveConfig.Similarity.COSINE) {
      queries = normalize(tf, queries);
      codes = normalize(tf, codes);
    }
    return tf.linalg.matMul(queries, codes, MatMul.transposeB(true)); // [B,C]
  }

  /** Rows scaled to unit L2 norm. [B,D] */
  private static <T extends TFloating> Operand<T> normalize(Ops tf, Operand<T> x) {
    Operand<T> sq = tf.reduceSum(tf.math.square(x), tf.constant(1), ReduceSum.keepDims(true)); // [B,1]
    Operand<T> inv = tf.math.rsqrt(tf.math.maximum(sq, tf.constant(x.type(), NORM_EPS))); // [B,1]
    return tf.math.mul(x, inv); // [B,D]
  }
}
