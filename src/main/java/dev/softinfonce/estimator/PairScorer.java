package dev.softinfonce.estimator;

import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.op.linalg.MatMul;
import org.tensorflow.types.TFloat32;

/**
 * How the trained-model estimator turns query and code embeddings into scores. The paper and the
 * reference use the raw dot product {@link #dot()}; a model trained with cosine/τ can pass its own
 * head (e.g. {@code DualEncoder::scores}) so the estimator sees the scale it was trained on.
 */
@FunctionalInterface
public interface PairScorer {

  /**
   * @param q query embeddings {@code [B, D]}
   * @param c code embeddings {@code [C, D]}
   * @return scores {@code [B, C]}
   */
  Operand<TFloat32> scores(Ops tf, Operand<TFloat32> q, Operand<TFloat32> c);

  /** {@code q · cᵀ}, the paper's similarity. */
  static PairScorer dot() {
    return (tf, q, c) -> tf.linalg.matMul(q, c, MatMul.transposeB(true));
  }
}
