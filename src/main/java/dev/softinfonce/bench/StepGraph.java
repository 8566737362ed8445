package dev.softinfonce.bench;

import dev.softinfonce.config.ExperimentConfig;
import dev.softinfonce.config.ModelConfig;
import dev.softinfonce.estimator.EmbeddingCache;
import dev.softinfonce.estimator.EstimatorInput;
import dev.softinfonce.estimator.EstimatorInputs;
import dev.softinfonce.estimator.EstimatorResources;
import dev.softinfonce.estimator.Estimators;
import dev.softinfonce.estimator.RelevanceEstimator;
import dev.softinfonce.model.DualEncoder;
import dev.softinfonce.objective.Objective;
import dev.softinfonce.objective.Objectives;
import dev.softinfonce.train.AdamW;
import java.util.Set;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * The ops a benchmark feeds and runs for one training step: the batch placeholders, the learning rate,
 * the training target and the loss. Built here from the project's parts (dual encoder with dropout,
 * relevance estimator, objective, AdamW with clipping) exactly as a training step wires them.
 *
 * @param queryIds {@code [B, Lq]}
 * @param queryMask {@code [B, Lq]}
 * @param codeIds {@code [B, Lc]}
 * @param codeMask {@code [B, Lc]}
 * @param exampleIndex {@code [B]} training-set rows (only the cached trained-model estimator reads it; else null)
 * @param learningRate scalar
 * @param train the update op
 * @param loss scalar
 * @param cache the cached estimator's tables (to fill after the session opens), or null
 */
public record StepGraph(
    Placeholder<TInt32> queryIds, Placeholder<TInt32> queryMask,
    Placeholder<TInt32> codeIds, Placeholder<TInt32> codeMask,
    Placeholder<TInt32> exampleIndex, Operand<TFloat32> learningRate,
    Op train, Operand<TFloat32> loss, EmbeddingCache cache) {

  /**
   * Builds the training step of {@code cfg}. Frozen estimator models (SimCSE sentence encoder, trained
   * model) are built with the trainee's architecture and random weights under the {@code estimator.}
   * prefix: their cost per step does not depend on the weights' values, and no checkpoint is needed.
   *
   * @param cacheRows rows of the cached trained-model table (the training-set size it stands for)
   */
  public static StepGraph build(Ops tf, ExperimentConfig cfg, int cacheRows) {
    ModelConfig m = cfg.model();
    long seed = cfg.train().seed();
    Placeholder<TInt32> qIds = tf.withName("query_ids").placeholder(TInt32.class, Placeholder.shape(Shape.of(-1, -1)));
    Placeholder<TInt32> qMask = tf.withName("query_mask").placeholder(TInt32.class, Placeholder.shape(Shape.of(-1, -1)));
    Placeholder<TInt32> cIds = tf.withName("code_ids").placeholder(TInt32.class, Placeholder.shape(Shape.of(-1, -1)));
    Placeholder<TInt32> cMask = tf.withName("code_mask").placeholder(TInt32.class, Placeholder.shape(Shape.of(-1, -1)));
    Placeholder<TInt32> index = null;

    DualEncoder model = new DualEncoder(tf, m, true, seed);
    Operand<TFloat32> q = model.encodeQuery(qIds, qMask); // [B, D]
    Operand<TFloat32> c = model.encodeCode(cIds, cMask); // [B, D]
    Operand<TFloat32> scores = model.scores(q, c); // [B, B]

    Objective objective = Objectives.create(cfg.objective());
    Operand<TFloat32> relevance = null; // [B, B]
    EmbeddingCache cache = null;
    if (cfg.objective().name().usesRelevance()) {
      EstimatorResources.Builder res = EstimatorResources.builder()
          .averageDocumentLength(SyntheticBatch.expectedLength(m.maxQueryLength()))
          .ignoredTokenIds(Set.of(m.padTokenId()));
      switch (cfg.estimator().name()) {
        case SIMCSE -> {
          DualEncoder frozen = new DualEncoder(tf, m, false, seed + 7, "estimator.simcse.");
          res.sentenceEncoder(frozen::encodeQuery);
        }
        case TRAINED -> {
          if (cfg.estimator().mode() == dev.softinfonce.config.EstimatorConfig.Mode.CACHED) {
            cache = EmbeddingCache.create(tf, cacheRows, m.hiddenSize());
            res.embeddingCache(cache);
          } else {
            DualEncoder frozen = new DualEncoder(tf, m, false, seed + 11, "estimator.trained.");
            res.queryEncoder(frozen::encodeQuery).codeEncoder(frozen::encodeCode);
          }
        }
        default -> { }
      }
      RelevanceEstimator est = Estimators.create(cfg.estimator(), res.build());
      EstimatorInputs.Builder in = EstimatorInputs.builder().query(qIds, qMask).code(cIds, cMask).liveScores(scores);
      if (est.inputs().contains(EstimatorInput.EXAMPLE_INDEX)) {
        index = tf.withName("example_index").placeholder(TInt32.class, Placeholder.shape(Shape.of(-1)));
        in.exampleIndex(index);
      }
      relevance = est.sim(tf, in.build()); // [B, B]
    }
    Operand<TFloat32> loss = objective.loss(tf, scores, relevance, null); // scalar
    AdamW.Update update = AdamW.builder().config(cfg.train())
        .trainable(name -> !RelevanceEstimator.isEstimatorVariable(name)).build().minimize(tf, loss);
    return new StepGraph(qIds, qMask, cIds, cMask, index, update.learningRate(), update.train(), loss, cache);
  }
}
