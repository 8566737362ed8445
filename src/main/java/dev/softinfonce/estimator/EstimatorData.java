package dev.softinfonce.estimator;

import dev.softinfonce.config.EstimatorConfig;
import dev.softinfonce.config.ExperimentConfig;
import dev.softinfonce.config.ModelConfig;
import dev.softinfonce.corpus.TokenizedCorpus;
import dev.softinfonce.data.Example;
import dev.softinfonce.model.InferenceModel;
import dev.softinfonce.model.PretrainedCheckpoint;
import dev.softinfonce.text.Tokenizer;
import java.nio.file.Path;
import java.util.List;

/**
 * What a frozen estimator model ({@code estimator.model}: simcse, trained) needs on the Java side of a
 * training run, prepared once before the graph is built: the model's folder and config, and either its
 * own tokenization of the training set (fed per step to {@link EstimatorGraph}'s placeholders) or, for
 * {@code trained} with {@code mode: cached}, its embeddings of the training set (loaded into the
 * {@link EmbeddingCache}). Estimators without a model (uniform, self, bm25) have {@link #none()}.
 *
 * @param dir the frozen model's checkpoint folder, or null
 * @param model its {@code model:} config, or null
 * @param queries its tokenization of the training queries, rows in training-set order (online), or null
 * @param codes its tokenization of the training code (online), or null
 * @param tables its query and code embeddings of the training set (cached), or null
 */
public record EstimatorData(Path dir, ModelConfig model, TokenizedCorpus queries, TokenizedCorpus codes,
    EmbeddingTables tables) {

  /** No frozen model. */
  public static EstimatorData none() {
    return new EstimatorData(null, null, null, null, null);
  }

  /**
   * Reads {@code estimator.model} (already resolved to a checkpoint folder) and prepares its inputs over
   * {@code train}: cached tables are computed with {@code eval.batch_size} and {@code train.threads};
   * online tokenization uses the model's own tokenizer and maximum lengths.
   */
  public static EstimatorData prepare(ExperimentConfig cfg, List<Example> train) {
    EstimatorConfig e = cfg.estimator();
    if (e.model() == null) {
      return none();
    }
    Path dir = Path.of(e.model());
    ModelConfig model = PretrainedCheckpoint.readConfig(dir);
    if (e.name() == EstimatorConfig.Name.TRAINED && e.mode() == EstimatorConfig.Mode.CACHED) {
      try (InferenceModel m = InferenceModel.load(dir, cfg.eval().batchSize(), cfg.train().threads())) {
        EmbeddingTables tables = EmbeddingTables.compute(train, cfg.eval().batchSize(),
            xs -> m.encodeQueries(xs.stream().map(Example::query).toList(), null),
            xs -> m.encodeCodes(xs.stream().map(Example::code).toList(), null));
        return new EstimatorData(dir, model, null, null, tables);
      }
    }
    Path tokenizer = InferenceModel.findTokenizer(dir);
    try (Tokenizer q = Tokenizer.load(tokenizer, model.maxQueryLength());
         Tokenizer c = q.withMaxLength(model.maxCodeLength())) {
      return new EstimatorData(dir, model, TokenizedCorpus.of(train, Example::query, q),
          TokenizedCorpus.of(train, Example::code, c), null);
    }
  }
}
