package dev.softinfonce.objective;

import dev.softinfonce.config.ObjectiveConfig;
import dev.softinfonce.nn.L2Normalize;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.op.linalg.MatMul;
import org.tensorflow.types.family.TFloating;

/**
 * The in-batch score matrix from query and code embeddings, as {@code objective.similarity} defines it:
 * {@code dot} (the paper's and reference code's raw dot product {@code s_ij = q_i·c_j}) or
 * {@code cosine} ({@code q_i·c_j / (|q_i| |c_j|)}). No temperature: a model-level temperature belongs to
 * the encoder's own scores.
 */
public final class ScoreMatrix {
  private ScoreMatrix() {}

  /**
   * @param queries [B,D]
   * @param codes [C,D]
   * @return [B,C]
   */
  public static <T extends TFloating> Operand<T> scores(Ops tf, Operand<T> queries, Operand<T> codes,
      ObjectiveConfig.Similarity similarity) {
    if (similarity == ObjectiveConfig.Similarity.COSINE) {
      queries = L2Normalize.rows(tf, queries); // [B,D]
      codes = L2Normalize.rows(tf, codes); // [C,D]
    }
    return tf.linalg.matMul(queries, codes, MatMul.transposeB(true)); // [B,C]
  }
}
