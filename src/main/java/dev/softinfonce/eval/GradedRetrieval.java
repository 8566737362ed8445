package dev.softinfonce.eval;

import dev.softinfonce.data.BeirDataset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.stream.IntStream;

/**
 * BEIR/CoIR scoring of a ranking against graded qrels with several relevant documents per query, as
 * {@code pytrec_eval} (trec_eval) computes it for BEIR's {@code EvaluateRetrieval.evaluate}:
 *
 * <ul>
 *   <li>the top {@value #DEPTH} documents per query by score, ties by document id in descending string
 *       order (trec_eval's rule); a document whose id equals the query's is left out (BEIR's
 *       {@code ignore_identical_ids=True});</li>
 *   <li>NDCG@10 with linear gain {@code rel} and discount {@code 1/log2(rank + 1)}, divided by the DCG of the
 *       ideal ordering of all the query's judged relevances; MRR@10 (first relevant); Recall@100 (relevant
 *       documents retrieved in the top 100 over the query's relevant documents);</li>
 *   <li>averaged over every query with a relevant document in the split.</li>
 * </ul>
 */
public final class GradedRetrieval {
  /** Documents kept per query: enough for Recall@100. */
  public static final int DEPTH = 100;

  private GradedRetrieval() {}

  /** Averages over the evaluated queries; {@code perQueryNdcg} is parallel to the dataset's queries. */
  public record Metrics(int queries, int corpus, double ndcgAt10, double mrrAt10, double recallAt100,
      double[] perQueryNdcg) {
    public String summary() {
      return String.format(java.util.Locale.ROOT, "ndcg@10=%.4f mrr@10=%.4f recall@100=%.4f (%d queries, corpus %d)",
          ndcgAt10, mrrAt10, recallAt100, queries, corpus);
    }
  }

  /** Ranks the corpus for every query by dot product ({@code queries [Q, D]}, {@code docs [N, D]}). */
  public static Metrics evaluate(float[][] queries, float[][] docs, BeirDataset data) {
    if (queries.length != data.size() || docs.length != data.docIds().size()) {
      throw new IllegalArgumentException("embeddings " + queries.length + " x " + docs.length + " do not match "
          + data.size() + " queries x " + data.docIds().size() + " documents");
    }
    List<List<String>> rankings = IntStream.range(0, queries.length).parallel()
        .mapToObj(i -> top(queries[i], docs, data.docIds(), data.queryIds().get(i))).toList();
    return score(rankings, data.qrels(), data.docIds().size());
  }

  /** Metrics of given rankings (document ids, best first) against graded qrels. */
  public static Metrics score(List<List<String>> rankings, List<Map<String, Integer>> qrels, int corpus) {
    double ndcg = 0;
    double mrr = 0;
    double recall = 0;
    double[] per = new double[rankings.size()];
    for (int i = 0; i < rankings.size(); i++) {
      List<String> ranked = rankings.get(i);
      Map<String, Integer> rel = qrels.get(i);
      per[i] = ndcgAt(ranked, rel, 10);
      ndcg += per[i];
      for (int r = 0; r < Math.min(10, ranked.size()); r++) {
        if (rel.getOrDefault(ranked.get(r), 0) > 0) {
          mrr += 1.0 / (r + 1);
          break;
        }
      }
      long found = ranked.stream().limit(DEPTH).filter(d -> rel.getOrDefault(d, 0) > 0).count();
      recall += (double) found / rel.size();
    }
    int n = rankings.size();
    return new Metrics(n, corpus, ndcg / n, mrr / n, recall / n, per);
  }

  /** trec_eval's ndcg_cut_k for one query. */
  static double ndcgAt(List<String> ranked, Map<String, Integer> rel, int k) {
    double dcg = 0;
    for (int r = 0; r < Math.min(k, ranked.size()); r++) {
      dcg += rel.getOrDefault(ranked.get(r), 0) / log2(r + 2);
    }
    List<Integer> ideal = new ArrayList<>(rel.values());
    ideal.sort(Comparator.reverseOrder());
    double idcg = 0;
    for (int r = 0; r < Math.min(k, ideal.size()); r++) {
      idcg += ideal.get(r) / log2(r + 2);
    }
    return idcg == 0 ? 0 : dcg / idcg;
  }

  private static double log2(double x) {
    return Math.log(x) / Math.log(2);
  }

  /** The {@value #DEPTH} best documents for one query, best first. */
  private static List<String> top(float[] q, float[][] docs, List<String> ids, String queryId) {
    float[] scores = new float[docs.length];
    for (int d = 0; d < docs.length; d++) {
      scores[d] = dot(q, docs[d]);
    }
    // ascending = worse first, so the heap's head is the worst kept document; of equal scores the larger id
    // ranks higher (trec_eval sorts by score, then document id, both descending)
    Comparator<Integer> byScore = (a, b) -> {
      int c = Float.compare(scores[a], scores[b]);
      return c != 0 ? c : ids.get(a).compareTo(ids.get(b));
    };
    PriorityQueue<Integer> heap = new PriorityQueue<>(DEPTH + 1, byScore);
    for (int d = 0; d < docs.length; d++) {
      if (ids.get(d).equals(queryId)) {
        continue;
      }
      heap.add(d);
      if (heap.size() > DEPTH) {
        heap.poll();
      }
    }
    List<Integer> kept = new ArrayList<>(heap);
    kept.sort(byScore.reversed());
    return kept.stream().map(ids::get).toList();
  }

  private static float dot(float[] a, float[] b) {
    float s = 0;
    for (int i = 0; i < a.length; i++) {
      s += a[i] * b[i];
    }
    return s;
  }
}
