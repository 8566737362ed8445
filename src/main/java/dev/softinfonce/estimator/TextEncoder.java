package dev.softinfonce.estimator;

import org.tensorflow.Operand;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * A sentence/code encoder as seen by the estimators: token ids and attention mask in, one embedding per
 * row out. The estimator package codes against this interface so that any encoder (the project's
 * {@code model.DualEncoder} towers, an imported SimCSE model, a test double) can be wired in by the
 * caller without this package depending on the model package.
 *
 * <p>An encoder used by an estimator must be <b>frozen</b>: built in inference mode (no dropout) and with
 * variables whose names satisfy {@link RelevanceEstimator#isEstimatorVariable(String)}, so the trainer
 * leaves them alone. Each call must add fresh ops to the graph (two calls on the same inputs may share
 * variables, never random state — {@code objective.SimCseLoss} relies on two calls drawing different dropout masks).
 */
@FunctionalInterface
public interface TextEncoder {

  /**
   * @param ids token ids {@code [B, L]}, in this encoder's own vocabulary
   * @param mask attention mask {@code [B, L]}, 1 for real tokens and 0 for padding
   * @return embeddings {@code [B, D]}
   */
  Operand<TFloat32> encode(Operand<TInt32> ids, Operand<TInt32> mask);
}
