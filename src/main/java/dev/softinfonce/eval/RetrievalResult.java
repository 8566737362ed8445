package dev.softinfonce.eval;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * What {@link RetrievalEvaluator} found: aggregate metrics and, per query, the gold's rank in the whole
 * pool plus the top-k codes for display. {@link #writeJson(Path)} is the {@code eval --out FILE} format.
 *
 * @param metrics means over the evaluated (non-skipped) queries
 * @param queries one entry per input query, in input order
 */
public record RetrievalResult(Metrics metrics, List<QueryRank> queries) {

  /**
   * Aggregates. MRR uses reciprocal rank 0 beyond {@code rankCutoff}; R@k = share of queries with
   * rank ≤ k; NDCG@10 with one relevant item = mean of 1/log2(rank+1) for rank ≤ 10, else 0.
   */
  public record Metrics(
      int queries,
      int evaluated,
      int skipped,
      long poolSize,
      int rankCutoff,
      String tieBreak,
      String similarity,
      double mrr,
      double recallAt1,
      double recallAt5,
      double recallAt10,
      double ndcgAt10) {}

  /**
   * One query's outcome.
   *
   * @param index position in the input
   * @param source where the query came from ("file:line"), or null
   * @param goldId id of the matching code
   * @param skipped true if the gold id was not in the pool and skipping was allowed
   * @param rank 1-based rank of the gold under the evaluator's tie policy (0 when skipped)
   * @param exact false only in one-pass mode for a gold beyond the cut-off: then {@code rank} is a
   *     lower bound greater than the cut-off; two-pass ranks are always exact
   * @param higher codes scoring strictly higher than the gold
   * @param ties other codes scoring exactly as the gold
   * @param goldScore the gold's similarity
   * @param reciprocalRank 1/rank, or 0 when rank &gt; cut-off or skipped
   * @param top the best-scoring codes, best first (ties: earlier in the pool first)
   */
  public record QueryRank(
      int index,
      String source,
      String goldId,
      boolean skipped,
      long rank,
      boolean exact,
      long higher,
      long ties,
      float goldScore,
      double reciprocalRank,
      List<Hit> top) {}

  /** A code and its similarity to the query. */
  public record Hit(String id, float score) {}

  /** Metrics computed from per-query ranks (also used to merge query batches). */
  static Metrics aggregate(List<QueryRank> ranks, long poolSize, int cutoff, String tieBreak, String sim) {
    int evaluated = 0;
    double rr = 0;
    double r1 = 0;
    double r5 = 0;
    double r10 = 0;
    double ndcg = 0;
    for (QueryRank q : ranks) {
      if (q.skipped()) {
        continue;
      }
      evaluated++;
      rr += q.reciprocalRank();
      long r = q.rank();
      r1 += r <= 1 ? 1 : 0;
      r5 += r <= 5 ? 1 : 0;
      r10 += r <= 10 ? 1 : 0;
      ndcg += r <= 10 ? 1.0 / (Math.log(r + 1) / Math.log(2)) : 0;
    }
    if (evaluated == 0) {
      throw new IllegalArgumentException("no query could be evaluated (" + ranks.size()
          + " queries, all skipped or none given)");
    }
    return new Metrics(ranks.size(), evaluated, ranks.size() - evaluated, poolSize, cutoff, tieBreak, sim,
        rr / evaluated, r1 / evaluated, r5 / evaluated, r10 / evaluated, ndcg / evaluated);
  }

  /** One line for logs: {@code mrr=0.4321 r@1=0.3100 r@5=0.5600 r@10=0.6400 ndcg@10=0.4800 queries=1000}. */
  public String summary() {
    Metrics m = metrics;
    return String.format(Locale.ROOT, "mrr=%.4f r@1=%.4f r@5=%.4f r@10=%.4f ndcg@10=%.4f queries=%d",
        m.mrr(), m.recallAt1(), m.recallAt5(), m.recallAt10(), m.ndcgAt10(), m.evaluated());
  }

  /** Writes {@code {"metrics": {...}, "queries": [...]}} as indented JSON. */
  public void writeJson(Path file) {
    try {
      Path parent = file.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), this);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write evaluation results to " + file + ": " + e.getMessage(), e);
    }
  }
}
