package dev.softinfonce.eval;

import dev.softinfonce.config.EvalConfig;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ForkJoinPool;
import java.util.stream.IntStream;

/**
 * Code-search retrieval evaluation as in the CodeSearchNet / CodeXGLUE literature (paper §6.2): every
 * query is ranked against the <em>whole</em> codebase pool by similarity, the gold code is found by id
 * ({@code url}, or {@code retrieval_idx} for CoSQA), and the reciprocal rank is 0 beyond rank
 * {@code eval.rank_cutoff} (1000).
 *
 * <h2>Memory and passes</h2>
 * The pool is streamed as {@link CodeChunk}s and never held as a Q×C score matrix: per query the
 * evaluator keeps only the gold's score, the number of codes scoring strictly higher and equal, and a
 * running top-k (k = 10) for display. The codebase {@code Iterable} is iterated <b>twice</b>: pass 1
 * finds each gold's score (and checks ids), pass 2 counts. Make re-iteration cheap (cache the encoded
 * pool; 50,000 × 768 floats are 150 MB). Queries are held in memory ({@code [Q, D]}); for more queries
 * use {@link #evaluate(Iterator, Iterable)}, which makes two passes per query batch.
 *
 * <h2>Scores and ties</h2>
 * Scores are float dot products (or cosine: both sides L2-normalised first) summed in a fixed order, so a
 * code identical to the gold scores bit-identically. Rank = 1 + (codes strictly higher) + tie share:
 * {@link TieBreak#PESSIMISTIC} (default) counts every other code with an equal score as ranked above the
 * gold, so a collapsed encoder that maps everything to one vector gets the worst rank, not rank 1;
 * {@link TieBreak#BY_ORDER} counts only equal codes earlier in the pool (what a stable sort gives);
 * {@link TieBreak#OPTIMISTIC} counts none.
 *
 * <h2>Errors</h2>
 * A query whose gold id is not in the pool is an error naming the query and id, unless
 * {@link Builder#skipMissingGold(boolean)} is set; skipped queries are excluded from the means and
 * counted in {@code metrics.skipped}. Duplicate pool ids, dimension mismatches and non-finite embeddings
 * are errors naming the id or query.
 *
 * <h2>Example</h2>
 * Pool {a: (1,0), b: (0,1), c: (.6,.8)}, query (1,0) gold b: scores a 1, b 0, c .6 → rank 3, RR 1/3,
 * R@1 0, R@5 1, NDCG@10 = 1/log2(4) = 0.5.
 */
public final class RetrievalEvaluator {

  /** How codes scoring exactly the gold's score are ranked. */
  public enum TieBreak { PESSIMISTIC, BY_ORDER, OPTIMISTIC }

  /** Similarity used for ranking. {@code DOT} is what CodeBERT/GraphCodeBERT/UniXcoder evaluations use. */
  public enum Similarity { DOT, COSINE }

  /** One batch of queries for {@link #evaluate(Iterator, Iterable)}; {@code sources} may be null. */
  public record QueryBatch(float[][] embeddings, List<String> goldIds, List<String> sources) {}

  private final int rankCutoff;
  private final int topK;
  private final TieBreak tieBreak;
  private final Similarity similarity;
  private final boolean skipMissingGold;
  private final int threads;
  private final int chunkSize;

  private RetrievalEvaluator(Builder b) {
    this.chunkSize = b.chunkSize;
    this.rankCutoff = b.rankCutoff;
    this.topK = b.topK;
    this.tieBreak = b.tieBreak;
    this.similarity = b.similarity;
    this.skipMissingGold = b.skipMissingGold;
    this.threads = b.threads;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Cut-off and chunk size from {@code eval.rank_cutoff}, {@code eval.chunk_size}; the rest at defaults. */
  public static RetrievalEvaluator fromConfig(EvalConfig eval) {
    return builder().rankCutoff(eval.rankCutoff()).chunkSize(eval.chunkSize()).build();
  }

  /** In-memory pool, scored in chunks of the configured chunk size (default 4096). */
  public RetrievalResult evaluate(float[][] queries, List<String> goldIds, List<String> codeIds, float[][] codes) {
    return evaluate(queries, goldIds, codeIds, codes, chunkSize);
  }

  /** In-memory pool, scored in chunks of {@code chunkSize} codes. */
  public RetrievalResult evaluate(float[][] queries, List<String> goldIds, List<String> codeIds,
      float[][] codes, int chunkSize) {
    return evaluate(queries, goldIds, null, CodeChunk.split(codeIds, codes, chunkSize));
  }

  /**
   * Ranks every query against the whole streamed pool.
   *
   * @param queries {@code [Q, D]} query embeddings
   * @param goldIds gold code id per query
   * @param sources "file:line" per query for messages, or null
   * @param codebase the pool in chunks; iterated twice, must yield the same codes both times
   */
  public RetrievalResult evaluate(float[][] queries, List<String> goldIds, List<String> sources,
      Iterable<CodeChunk> codebase) {
    Batch batch = run(queries, goldIds, sources, codebase, 0);
    return new RetrievalResult(RetrievalResult.aggregate(batch.ranks, batch.pool, rankCutoff,
        name(tieBreak), name(similarity)), batch.ranks);
  }

  /** Query batches streamed; two passes over {@code codebase} per batch. Indices continue across batches. */
  public RetrievalResult evaluate(Iterator<QueryBatch> queryBatches, Iterable<CodeChunk> codebase) {
    List<RetrievalResult.QueryRank> all = new ArrayList<>();
    long pool = 0;
    while (queryBatches.hasNext()) {
      QueryBatch qb = queryBatches.next();
      Batch b = run(qb.embeddings(), qb.goldIds(), qb.sources(), codebase, all.size());
      all.addAll(b.ranks);
      pool = b.pool;
    }
    return new RetrievalResult(RetrievalResult.aggregate(all, pool, rankCutoff, name(tieBreak),
        name(similarity)), all);
  }

  private record Batch(List<RetrievalResult.QueryRank> ranks, long pool) {}

  private Batch run(float[][] rawQueries, List<String> goldIds, List<String> sources,
      Iterable<CodeChunk> codebase, int indexOffset) {
    int nq = rawQueries.length;
    if (goldIds.size() != nq) {
      throw new IllegalArgumentException(nq + " query embeddings but " + goldIds.size() + " gold ids");
    }
    if (sources != null && sources.size() != nq) {
      throw new IllegalArgumentException(nq + " query embeddings but " + sources.size() + " sources");
    }
    int dim = nq == 0 ? -1 : rawQueries[0].length;
    float[][] q = new float[nq][];
    for (int i = 0; i < nq; i++) {
      if (rawQueries[i].length != dim) {
        throw new IllegalArgumentException(where(i, sources, indexOffset) + ": embedding has dimension "
            + rawQueries[i].length + ", query 0 has " + dim);
      }
      if (!finite(rawQueries[i])) {
        throw new IllegalArgumentException(where(i, sources, indexOffset) + ": embedding is not finite (NaN/Inf)");
      }
      q[i] = prepare(rawQueries[i]);
    }
    Map<String, List<Integer>> queriesByGold = new HashMap<>();
    for (int i = 0; i < nq; i++) {
      queriesByGold.computeIfAbsent(goldIds.get(i), k -> new ArrayList<>()).add(i);
    }

    // Pass 1: ids unique, dimensions, finiteness, and each gold's score and pool position.
    long[] goldPos = new long[nq];
    float[] goldScore = new float[nq];
    java.util.Arrays.fill(goldPos, -1);
    Set<String> seen = new HashSet<>();
    long pos = 0;
    for (CodeChunk chunk : codebase) {
      for (int j = 0; j < chunk.size(); j++, pos++) {
        String id = chunk.ids().get(j);
        float[] c = chunk.embeddings()[j];
        if (!seen.add(id)) {
          throw new IllegalArgumentException("codebase id '" + id + "' appears twice (second at pool position "
              + pos + "); gold matching needs unique ids");
        }
        if (dim >= 0 && c.length != dim) {
          throw new IllegalArgumentException("codebase id '" + id + "': embedding has dimension " + c.length
              + ", queries have " + dim);
        }
        if (!finite(c)) {
          throw new IllegalArgumentException("codebase id '" + id + "': embedding is not finite (NaN/Inf)");
        }
        List<Integer> qs = queriesByGold.get(id);
        if (qs != null) {
          float[] cp = prepare(c);
          for (int qi : qs) {
            goldPos[qi] = pos;
            goldScore[qi] = dot(q[qi], cp);
          }
        }
      }
    }
    long poolSize = pos;
    List<Integer> active = new ArrayList<>();
    List<String> missing = new ArrayList<>();
    for (int i = 0; i < nq; i++) {
      if (goldPos[i] >= 0) {
        active.add(i);
      } else if (missing.size() < 5) {
        missing.add(where(i, sources, indexOffset) + " gold '" + goldIds.get(i) + "'");
      }
    }
    int missingCount = nq - active.size();
    if (missingCount > 0 && !skipMissingGold) {
      throw new IllegalArgumentException(missingCount + " of " + nq + " queries have a gold id that is not in "
          + "the codebase (" + poolSize + " codes), e.g. " + String.join("; ", missing)
          + (missingCount > missing.size() ? "; ..." : "") + " (set skipMissingGold to skip them)");
    }

    // Pass 2: per query, count codes above / equal to the gold; keep a running top-k.
    int na = active.size();
    QueryState[] st = new QueryState[na];
    for (int a = 0; a < na; a++) {
      int qi = active.get(a);
      st[a] = new QueryState(q[qi], goldScore[qi], goldPos[qi], topK);
    }
    int blocks = (na + 3) / 4;
    long chunkStart = 0;
    ForkJoinPool pool = threads > 1 ? new ForkJoinPool(threads) : null;
    try {
      for (CodeChunk chunk : codebase) {
        float[][] codes = new float[chunk.size()][];
        for (int j = 0; j < codes.length; j++) {
          codes[j] = prepare(chunk.embeddings()[j]);
        }
        long start = chunkStart;
        List<String> ids = chunk.ids();
        IntStream range = pool != null ? IntStream.range(0, blocks).parallel() : IntStream.range(0, blocks);
        Runnable work = () -> range.forEach(b -> scoreBlock(st, 4 * b, codes, ids, start));
        if (pool != null) {
          pool.submit(work).get();
        } else {
          work.run();
        }
        chunkStart += chunk.size();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("evaluation interrupted", e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("evaluation failed: " + e.getCause(), e.getCause());
    } finally {
      if (pool != null) {
        pool.shutdown();
      }
    }
    if (chunkStart != poolSize) {
      throw new IllegalStateException("the codebase yielded " + poolSize + " codes in pass 1 but "
          + chunkStart + " in pass 2; it must be re-iterable");
    }

    List<RetrievalResult.QueryRank> ranks = new ArrayList<>(nq);
    int a = 0;
    for (int i = 0; i < nq; i++) {
      String src = sources == null ? null : sources.get(i);
      if (a < na && active.get(a) == i) {
        QueryState qs = st[a];
        long ties = qs.tiesBefore + qs.tiesAfter;
        long rank = 1 + qs.higher + switch (tieBreak) {
          case PESSIMISTIC -> ties;
          case BY_ORDER -> qs.tiesBefore;
          case OPTIMISTIC -> 0;
        };
        List<RetrievalResult.Hit> top = new ArrayList<>(qs.topSize);
        for (int k = 0; k < qs.topSize; k++) {
          top.add(new RetrievalResult.Hit(qs.topId[k], qs.topScore[k]));
        }
        double rr = rank <= rankCutoff ? 1.0 / rank : 0.0;
        ranks.add(new RetrievalResult.QueryRank(indexOffset + i, src, goldIds.get(i), false, rank, qs.higher,
            ties, goldScore[i], rr, List.copyOf(top)));
        a++;
      } else {
        ranks.add(new RetrievalResult.QueryRank(indexOffset + i, src, goldIds.get(i), true, 0, 0, 0,
            Float.NaN, 0.0, List.of()));
      }
    }
    return new Batch(ranks, poolSize);
  }

  /** The vector used for scoring: itself for dot product, L2-normalised (a copy) for cosine. */
  private float[] prepare(float[] v) {
    if (similarity == Similarity.DOT) {
      return v;
    }
    double n = 0;
    for (float x : v) {
      n += (double) x * x;
    }
    float inv = n > 0 ? (float) (1.0 / Math.sqrt(n)) : 0f;
    float[] out = new float[v.length];
    for (int i = 0; i < v.length; i++) {
      out[i] = v[i] * inv;
    }
    return out;
  }

  /**
   * The canonical score: a dot product with four independent accumulators in a fixed order. Java float
   * arithmetic is strict IEEE, so the same pair always gets the bit-identical score, whether computed
   * here or in {@link #scoreBlock} (ties and the gold's self-score depend on that).
   */
  static float dot(float[] a, float[] b) {
    int n = a.length;
    float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    int i = 0;
    for (; i + 4 <= n; i += 4) {
      s0 += a[i] * b[i];
      s1 += a[i + 1] * b[i + 1];
      s2 += a[i + 2] * b[i + 2];
      s3 += a[i + 3] * b[i + 3];
    }
    for (; i < n; i++) {
      s0 += a[i] * b[i];
    }
    return (s0 + s1) + (s2 + s3);
  }

  /**
   * Scores queries {@code st[first..first+3]} against every code of a chunk: each code row is loaded
   * once for four queries (about 2× faster than pairwise), with per pair exactly the operations of
   * {@link #dot}.
   */
  private static void scoreBlock(QueryState[] st, int first, float[][] codes, List<String> ids, long start) {
    int last = Math.min(st.length, first + 4) - 1;
    QueryState e0 = st[first];
    QueryState e1 = st[Math.min(first + 1, last)];
    QueryState e2 = st[Math.min(first + 2, last)];
    QueryState e3 = st[Math.min(first + 3, last)];
    float[] q0 = e0.query;
    float[] q1 = e1.query;
    float[] q2 = e2.query;
    float[] q3 = e3.query;
    int n = q0.length;
    for (int j = 0; j < codes.length; j++) {
      float[] c = codes[j];
      float a0 = 0, a1 = 0, a2 = 0, a3 = 0, b0 = 0, b1 = 0, b2 = 0, b3 = 0;
      float c0 = 0, c1 = 0, c2 = 0, c3 = 0, d0 = 0, d1 = 0, d2 = 0, d3 = 0;
      int i = 0;
      for (; i + 4 <= n; i += 4) {
        float x0 = c[i], x1 = c[i + 1], x2 = c[i + 2], x3 = c[i + 3];
        a0 += q0[i] * x0; a1 += q0[i + 1] * x1; a2 += q0[i + 2] * x2; a3 += q0[i + 3] * x3;
        b0 += q1[i] * x0; b1 += q1[i + 1] * x1; b2 += q1[i + 2] * x2; b3 += q1[i + 3] * x3;
        c0 += q2[i] * x0; c1 += q2[i + 1] * x1; c2 += q2[i + 2] * x2; c3 += q2[i + 3] * x3;
        d0 += q3[i] * x0; d1 += q3[i + 1] * x1; d2 += q3[i + 2] * x2; d3 += q3[i + 3] * x3;
      }
      for (; i < n; i++) {
        float x = c[i];
        a0 += q0[i] * x; b0 += q1[i] * x; c0 += q2[i] * x; d0 += q3[i] * x;
      }
      long p = start + j;
      e0.offer((a0 + a1) + (a2 + a3), p, ids, j);
      if (first + 1 <= last) {
        e1.offer((b0 + b1) + (b2 + b3), p, ids, j);
      }
      if (first + 2 <= last) {
        e2.offer((c0 + c1) + (c2 + c3), p, ids, j);
      }
      if (first + 3 <= last) {
        e3.offer((d0 + d1) + (d2 + d3), p, ids, j);
      }
    }
  }

  /** Everything kept per query while the pool streams by: O(k) memory. */
  private static final class QueryState {
    final float[] query;
    final float goldScore;
    final long goldPos;
    long higher;
    long tiesBefore;
    long tiesAfter;
    final float[] topScore;
    final String[] topId;
    int topSize;

    QueryState(float[] query, float goldScore, long goldPos, int k) {
      this.query = query;
      this.goldScore = goldScore;
      this.goldPos = goldPos;
      this.topScore = new float[k];
      this.topId = new String[k];
    }

    void offer(float s, long p, List<String> ids, int j) {
      if (p != goldPos) {
        if (s > goldScore) {
          higher++;
        } else if (s == goldScore) {
          if (p < goldPos) {
            tiesBefore++;
          } else {
            tiesAfter++;
          }
        }
      }
      int k = topScore.length;
      if (topSize < k || s > topScore[topSize - 1]) {
        int at = Math.min(topSize, k - 1); // shift smaller scores down; equal scores keep pool order
        while (at > 0 && topScore[at - 1] < s) {
          topScore[at] = topScore[at - 1];
          topId[at] = topId[at - 1];
          at--;
        }
        topScore[at] = s;
        topId[at] = ids.get(j);
        topSize = Math.min(topSize + 1, k);
      }
    }
  }

  private static boolean finite(float[] v) {
    for (float x : v) {
      if (!Float.isFinite(x)) {
        return false;
      }
    }
    return true;
  }

  private static String where(int i, List<String> sources, int offset) {
    return "query " + (offset + i) + (sources == null ? "" : " (" + sources.get(i) + ")");
  }

  private static String name(Enum<?> e) {
    return e.name().toLowerCase(Locale.ROOT);
  }

  /** Settings; each setter validates at once. */
  public static final class Builder {
    private int rankCutoff = 1000;
    private int topK = 10;
    private TieBreak tieBreak = TieBreak.PESSIMISTIC;
    private Similarity similarity = Similarity.DOT;
    private boolean skipMissingGold = false;
    private int threads = Math.max(1, Math.min(2, Runtime.getRuntime().availableProcessors()));
    private int chunkSize = 4096;

    private Builder() {}

    /** Reciprocal rank is 0 beyond this rank (literature: 1000). */
    public Builder rankCutoff(int v) {
      check(v >= 1, "rank cutoff must be >= 1, got " + v);
      rankCutoff = v;
      return this;
    }

    /** Codes kept per query for display (default 10). */
    public Builder topK(int v) {
      check(v >= 1, "top-k must be >= 1, got " + v);
      topK = v;
      return this;
    }

    public Builder tieBreak(TieBreak v) {
      tieBreak = java.util.Objects.requireNonNull(v);
      return this;
    }

    public Builder similarity(Similarity v) {
      similarity = java.util.Objects.requireNonNull(v);
      return this;
    }

    /** Skip (and count) queries whose gold is not in the pool instead of failing. */
    public Builder skipMissingGold(boolean v) {
      skipMissingGold = v;
      return this;
    }

    /** Codes per chunk for the in-memory {@code evaluate} overload (default 4096). */
    public Builder chunkSize(int v) {
      check(v >= 1, "chunk size must be >= 1, got " + v);
      chunkSize = v;
      return this;
    }

    /** Worker threads for scoring (default min(2, cores)). */
    public Builder threads(int v) {
      check(v >= 1, "threads must be >= 1, got " + v);
      threads = v;
      return this;
    }

    public RetrievalEvaluator build() {
      return new RetrievalEvaluator(this);
    }

    private static void check(boolean ok, String message) {
      if (!ok) {
        throw new IllegalArgumentException(message);
      }
    }
  }
}
