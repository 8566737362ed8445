package dev.softinfonce.estimator;

import dev.softinfonce.config.EstimatorConfig;

/**
 * The factory from {@code estimator:} config to a {@link RelevanceEstimator}.
 *
 * <pre>{@code
 * RelevanceEstimator est = Estimators.create(cfg.estimator(), EstimatorResources.builder()
 *     .averageDocumentLength(avgdl).ignoredTokenIds(tokenizer.specialIds()).build());
 * Operand<TFloat32> sim = est.sim(tf, EstimatorInputs.builder().query(qIds, qMask).build()); // [B, B]
 * }</pre>
 */
public final class Estimators {
  private Estimators() {}

  /**
   * @throws IllegalArgumentException naming the config key and the missing resource when
   *     {@code resources} lacks what the configured estimator needs
   */
  public static RelevanceEstimator create(EstimatorConfig cfg, EstimatorResources resources) {
    return switch (cfg.name()) {
      case UNIFORM -> new UniformEstimator();
      case SELF -> new SelfEstimator();
      case BM25 -> new Bm25Estimator(cfg.k1(), cfg.b(),
          need(resources.averageDocumentLength(), "bm25",
              "the training set's average document length (DocumentLengths.average())"),
          need(resources.ignoredTokenIds(), "bm25", "the special token ids (ignoredTokenIds)"),
          cfg.field());
      case SIMCSE -> new SimCseEstimator(
          need(resources.sentenceEncoder(), "simcse", "the frozen sentence encoder"));
      case TRAINED -> cfg.mode() == EstimatorConfig.Mode.CACHED
          ? TrainedModelEstimator.cached(need(resources.embeddingCache(), "trained (mode cached)",
              "the embedding cache (EmbeddingCache.create)"), resources.scorer())
          : TrainedModelEstimator.online(
              need(resources.queryEncoder(), "trained (mode online)", "the frozen query encoder"),
              need(resources.codeEncoder(), "trained (mode online)", "the frozen code encoder"),
              resources.scorer());
    };
  }

  private static <T> T need(T value, String estimator, String what) {
    if (value == null) {
      throw new IllegalArgumentException(
          "estimator.name: " + estimator + " needs " + what + ", but none was provided");
    }
    return value;
  }
}
