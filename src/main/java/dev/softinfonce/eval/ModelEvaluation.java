package dev.softinfonce.eval;

import dev.softinfonce.config.EvalConfig;
import dev.softinfonce.data.Codebase;
import dev.softinfonce.data.Example;
import dev.softinfonce.data.QuerySet;
import dev.softinfonce.model.TextEmbedder;
import java.util.List;
import java.util.function.IntConsumer;

/**
 * The literature's retrieval protocol for one model on one query set: encode every query and the whole
 * codebase, rank the pool for each query by the model's dot product (on normalised embeddings when the
 * model normalises, i.e. cosine), and score the gold's rank (CodeXGLUE: reciprocal rank 0 beyond the
 * cut-off, 1000 by default).
 */
public final class ModelEvaluation {
  private ModelEvaluation() {}

  /** Evaluates {@code model} on {@code queries} (at most {@code eval.max_queries} if set). */
  public static RetrievalResult evaluate(TextEmbedder model, QuerySet queries, EvalConfig eval,
      IntConsumer progress) {
    List<Example> qs = evaluatedQueries(queries, eval);
    Codebase pool = queries.codebase();
    float[][] q = model.encodeQueries(qs.stream().map(Example::query).toList(), progress); // [Q, D]
    float[][] c = model.encodeCodes(pool.codes(), progress); // [C, D]
    return rank(qs, pool, q, c, eval);
  }

  /** The queries an evaluation reads: the first {@code eval.max_queries} when that is set, else all. */
  public static List<Example> evaluatedQueries(QuerySet queries, EvalConfig eval) {
    List<Example> qs = queries.queries();
    return eval.maxQueries() > 0 && qs.size() > eval.maxQueries() ? qs.subList(0, eval.maxQueries()) : qs;
  }

  /**
   * The protocol after encoding: ranks {@code pool} for each of {@code qs} by the embeddings
   * {@code q [Q, D]} and {@code c [C, D]} (row i of {@code c} is {@code pool}'s code i).
   */
  public static RetrievalResult rank(List<Example> qs, Codebase pool, float[][] q, float[][] c, EvalConfig eval) {
    List<String> gold = qs.stream().map(Example::url).toList();
    List<String> sources = qs.stream().map(Example::source).toList();
    RetrievalEvaluator evaluator = RetrievalEvaluator.fromConfig(eval);
    return evaluator.evaluate(q, gold, sources, CodeChunk.split(pool.urls(), c, eval.chunkSize()));
  }
}
