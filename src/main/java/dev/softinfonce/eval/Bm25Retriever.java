package dev.softinfonce.eval;

import dev.softinfonce.data.Codebase;
import dev.softinfonce.data.Example;
import dev.softinfonce.data.QuerySet;
import dev.softinfonce.text.Tokenizer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The lexical baseline every user asks about: Okapi BM25 of each query against every code of the pool,
 * over the same subword tokens the models see (the tokenizer's ids, special tokens removed), with
 * Lucene's non-negative IDF {@code log(1 + (N − n_t + 0.5)/(n_t + 0.5))}, {@code k1 = 1.2},
 * {@code b = 0.75} and pool statistics. Ranked and scored by the same {@link RetrievalEvaluator}
 * protocol as the neural models, so the rows of one table are comparable.
 *
 * <p>Scores are written as one dense {@code [Q, C]} matrix in chunks of queries, each query scored through
 * an inverted index (postings of term → (code, tf)), so the cost is the sum of the query terms' posting
 * lengths.
 */
public final class Bm25Retriever {
  /** Token limit for BM25's texts: effectively untruncated (whole queries and whole methods). */
  public static final int MAX_TOKENS = 8192;

  private final double k1;
  private final double b;

  public Bm25Retriever(double k1, double b) {
    this.k1 = k1;
    this.b = b;
  }

  /** Ranks {@code queries}' pool for each query and returns the literature's metrics. */
  public RetrievalResult evaluate(QuerySet queries, Tokenizer queryTok, Tokenizer codeTok, RetrievalEvaluator evaluator,
      int maxQueries) {
    Codebase pool = queries.codebase();
    Set<Integer> special = queryTok.specialIds();
    int n = pool.size();
    Map<Integer, List<int[]>> postings = new HashMap<>(); // term → [(code, tf)]
    int[] docLength = new int[n];
    long total = 0;
    for (int d = 0; d < n; d++) {
      Map<Integer, Integer> tf = termCounts(codeTok.ids(pool.code(d)), special);
      for (var e : tf.entrySet()) {
        postings.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(new int[] {d, e.getValue()});
        docLength[d] += e.getValue();
      }
      total += docLength[d];
    }
    double avgdl = n == 0 ? 0 : (double) total / n;
    List<Example> qs = queries.queries();
    if (maxQueries > 0 && qs.size() > maxQueries) {
      qs = qs.subList(0, maxQueries);
    }
    // Each query as a one-hot "embedding" of its score row: the evaluator ranks a [Q, C] score matrix
    // expressed as dot products of q_i = scores row with c_j = unit vector j.
    float[][] scores = new float[qs.size()][n];
    for (int i = 0; i < qs.size(); i++) {
      Map<Integer, Integer> qtf = termCounts(queryTok.ids(qs.get(i).query()), special);
      for (int term : qtf.keySet()) {
        List<int[]> post = postings.get(term);
        if (post == null) {
          continue;
        }
        double idf = Math.log(1 + (n - post.size() + 0.5) / (post.size() + 0.5));
        for (int[] p : post) {
          double f = p[1];
          double norm = k1 * (1 - b + b * docLength[p[0]] / avgdl);
          scores[i][p[0]] += (float) (idf * f * (k1 + 1) / (f + norm));
        }
      }
    }
    return evaluator.evaluateScores(scores, qs.stream().map(Example::url).toList(),
        qs.stream().map(Example::source).toList(), pool.urls());
  }

  private static Map<Integer, Integer> termCounts(int[] ids, Set<Integer> special) {
    Map<Integer, Integer> tf = new HashMap<>();
    for (int id : ids) {
      if (!special.contains(id)) {
        tf.merge(id, 1, Integer::sum);
      }
    }
    return tf;
  }
}
