package dev.softinfonce.train;

import dev.softinfonce.config.EvalConfig;
import dev.softinfonce.corpus.TokenizedCorpus;
import dev.softinfonce.data.Codebase;
import dev.softinfonce.data.Example;
import dev.softinfonce.data.QuerySet;
import dev.softinfonce.eval.ModelEvaluation;
import dev.softinfonce.eval.RetrievalResult;
import dev.softinfonce.text.TokenizedBatch;
import dev.softinfonce.text.Tokenizer;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.StdArrays;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * Query→code validation inside the training session: the valid queries and their pool are tokenized
 * once, at the start of the run; each validation encodes them with the trainee's dropout-free view
 * ({@link TrainingGraph#validationQuery}, {@link TrainingGraph#validationCode}) in batches of
 * {@code eval.batch_size}, in file order (the padding of a standalone evaluation), and ranks with
 * {@link ModelEvaluation#rank}, the protocol of {@code eval}. No variables are saved, no graph or
 * session is built, nothing is re-tokenized. Runs the session; builds nothing.
 */
final class SessionValidation {
  private final List<Example> queries;
  private final Codebase pool;
  private final TokenizedCorpus queryIds;
  private final TokenizedCorpus codeIds;
  private final EvalConfig eval;

  SessionValidation(QuerySet valid, EvalConfig eval, Tokenizer queryTokenizer, Tokenizer codeTokenizer) {
    this.eval = eval;
    this.queries = ModelEvaluation.evaluatedQueries(valid, eval);
    this.pool = valid.codebase();
    this.queryIds = TokenizedCorpus.of(queries, Example::query, queryTokenizer);
    this.codeIds = TokenizedCorpus.ofTexts(pool.codes(), codeTokenizer);
  }

  /** Encodes the pool and the queries with the current weights and ranks; updates nothing. */
  RetrievalResult run(TrainingGraph tg, Session s) {
    float[][] q = encode(tg, s, queryIds, tg.validationQuery); // [Q, D]
    float[][] c = encode(tg, s, codeIds, tg.validationCode); // [C, D]
    return ModelEvaluation.rank(queries, pool, q, c, eval);
  }

  private float[][] encode(TrainingGraph tg, Session s, TokenizedCorpus texts, Operand<TFloat32> embedding) {
    float[][] out = new float[texts.size()][];
    for (int from = 0; from < texts.size(); from += eval.batchSize()) {
      int to = Math.min(texts.size(), from + eval.batchSize());
      TokenizedBatch b = texts.range(from, to);
      try (TInt32 ids = Trainer.ints(b.ids()); TInt32 mask = Trainer.ints(b.mask());
           Result r = s.runner().feed(tg.validationIds, ids).feed(tg.validationMask, mask).fetch(embedding).run()) {
        TFloat32 e = (TFloat32) r.get(0); // [n, D]
        float[][] rows = new float[to - from][(int) e.shape().get(1)];
        StdArrays.copyFrom(e, rows);
        System.arraycopy(rows, 0, out, from, rows.length);
      }
    }
    return out;
  }
}
