package dev.softinfonce.bench;

import dev.softinfonce.config.ModelConfig;

/**
 * The training FLOP estimate the benchmarks report (Kaplan et al. 2020's {@code 6·N·T} plus the attention
 * score and context products), for one encoder pass of a sequence of length {@code T}:
 * <pre>
 *   flops(T) = 6 · N · T  +  12 · layers · hidden · T²
 * </pre>
 * where {@code N} is the number of non-embedding parameters (every trained parameter except the word,
 * position and token-type embedding tables; the embedding LayerNorm and the pooler, if any, count).
 * {@code 2·N·T} is the forward pass of the dense layers, backward costs twice the forward; the attention
 * term is {@code QKᵀ} and {@code P·V} ({@code 2·2·hidden·T²} per layer forward) times three. A training
 * step of a bi-encoder sums it over the B query and B code sequences. The benchmarks use the padded
 * width for T (the work actually done, padding included), so the figure compares with the matmul peak;
 * the optimizer update and the B×B score matrix are ignored (both are below 0.1 % here).
 */
public final class TrainingFlops {
  private TrainingFlops() {}

  /** The formula in one line, for reports. */
  public static final String FORMULA = "per sequence of padded length T: 6 * N * T + 12 * layers * hidden * T^2, "
      + "N = non-embedding parameters (all but word/position/token-type embedding tables); "
      + "summed over the B query and B code sequences of a step (forward 1/3, backward 2/3)";

  /** Non-embedding parameters of one tower of {@code cfg}, counted from the architecture. */
  public static long nonEmbeddingParams(ModelConfig cfg) {
    long d = cfg.hiddenSize();
    long f = cfg.intermediateSize();
    long embNorm = 2 * d; // embeddings.LayerNorm gain + bias
    long attention = 4 * (d * d + d); // query, key, value, attention.output.dense
    long ffn = d * f + f + f * d + d; // intermediate.dense, output.dense
    long norms = 2 * 2 * d; // attention.output.LayerNorm, output.LayerNorm
    long pooler = cfg.pooling() == ModelConfig.Pooling.POOLER ? d * d + d : 0;
    return embNorm + cfg.numLayers() * (attention + ffn + norms) + pooler;
  }

  /** Embedding-table parameters of one tower: word, position and token-type tables. */
  public static long embeddingParams(ModelConfig cfg) {
    return (long) cfg.hiddenSize() * (cfg.vocabSize() + cfg.maxPositions() + cfg.typeVocabSize());
  }

  /** Training FLOPs of one sequence of length {@code t} through one tower. */
  public static double perSequence(ModelConfig cfg, int t) {
    return 6.0 * nonEmbeddingParams(cfg) * t + 12.0 * cfg.numLayers() * cfg.hiddenSize() * (double) t * t;
  }

  /** Training FLOPs of one bi-encoder step: B queries of width {@code queryLength}, B codes of {@code codeLength}. */
  public static double perStep(ModelConfig cfg, int batch, int queryLength, int codeLength) {
    return batch * (perSequence(cfg, queryLength) + perSequence(cfg, codeLength));
  }
}
