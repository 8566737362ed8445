package dev.softinfonce.model;

import java.util.List;
import java.util.function.IntConsumer;

/**
 * Anything that turns query and code texts into embeddings with a trained model: a checkpoint loaded
 * into an inference graph ({@link InferenceModel}) or an exported SavedModel. Evaluation and indexing
 * only need this.
 */
public interface TextEmbedder extends AutoCloseable {
  /** Query embeddings {@code [N, D]}; {@code progress} (nullable) is told how many texts are done. */
  float[][] encodeQueries(List<String> texts, IntConsumer progress);

  /** Code embeddings {@code [N, D]}. */
  float[][] encodeCodes(List<String> texts, IntConsumer progress);

  @Override
  void close();
}
