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
 * use {@link #evaluate(Iterator, Iterable)}, which makes two passes per query batch. For a pool that can
 * be streamed only once (encoded on the fly), {@link #evaluateOnePass} gives the same metrics in one pass.
 *
 * <h2>Scores and ties</h2>
 * Scores are float dot products of the given embeddings summed in a fixed order, so a code identical to
 * the gold scores bit-identically. That is the model's similarity ({@code model.Similarity}): a model
 * with {@code normalize: true} already returns unit rows (cosine), and its positive scale 1/τ does not
 * change a ranking, so nothing is normalised here. Rank = 1 + (codes strictly higher) + tie share:
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

  /** What ranks: the dot product, as in the CodeBERT/GraphCodeBERT/UniXcoder evaluations. */
  static final String SIMILARITY = "dot";

  /** One batch of queries for {@link #evaluate(Iterator, Iterable)}; {@code sources} may be null. */
  public record QueryBatch(float[][] embeddings, List<String> goldIds, List<String> sources) {}

  private final int rankCutoff;
  private final int topK;
  private final TieBreak tieBreak;
  private final boolean skipMissingGold;
  private final int threads;
  private final int chunkSize;

  private RetrievalEvaluator(Builder b) {
    this.chunkSize = b.chunkSize;
    this.rankCutoff = b.rankCutoff;
    this.topK = b.topK;
    this.tieBreak = b.tieBreak;
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
        name(tieBreak), SIMILARITY), batch.ranks);
  }

  /**
   * Ranks precomputed scores (e.g. the BM25 baseline) with the same protocol as embeddings: row i of
   * {@code scores [Q, C]} scores query i against the pool {@code codeIds}.
   */
  public RetrievalResult evaluateScores(float[][] scores, List<String> goldIds, List<String> sources,
      List<String> codeIds) {
    Map<String, Integer> index = new java.util.HashMap<>();
    for (int j = 0; j < codeIds.size(); j++) {
      if (index.put(codeIds.get(j), j) != null) {
        throw new IllegalArgumentException("pool id '" + codeIds.get(j) + "' occurs twice");
      }
    }
    List<RetrievalResult.QueryRank> ranks = new ArrayList<>(scores.length);
    List<String> missing = new ArrayList<>();
    int missed = 0;
    for (int i = 0; i < scores.length; i++) {
      String src = sources == null ? null : sources.get(i);
      Integer g = index.get(goldIds.get(i));
      if (g == null) {
        missed++;
        if (missing.size() < 5) {
          missing.add(where(i, sources, 0) + " gold '" + goldIds.get(i) + "'");
        }
        ranks.add(new RetrievalResult.QueryRank(i, src, goldIds.get(i), true, 0, true, 0, 0, Float.NaN, 0.0,
            List.of()));
        continue;
      }
      float[] row = scores[i];
      float gold = row[g];
      long higher = 0;
      long tiesBefore = 0;
      long tiesAfter = 0;
      Integer[] order = new Integer[row.length];
      for (int j = 0; j < row.length; j++) {
        order[j] = j;
        if (row[j] > gold) {
          higher++;
        } else if (row[j] == gold && j != g) {
          if (j < g) {
            tiesBefore++;
          } else {
            tiesAfter++;
          }
        }
      }
      long ties = tiesBefore + tiesAfter;
      long rank = 1 + higher + switch (tieBreak) {
        case PESSIMISTIC -> ties;
        case BY_ORDER -> tiesBefore;
        case OPTIMISTIC -> 0;
      };
      java.util.Arrays.sort(order, (a, b) -> a.intValue() == b.intValue() ? 0
          : row[a] != row[b] ? Float.compare(row[b], row[a]) : Integer.compare(a, b));
      List<RetrievalResult.Hit> top = new ArrayList<>();
      for (int k = 0; k < Math.min(topK, order.length); k++) {
        top.add(new RetrievalResult.Hit(codeIds.get(order[k]), row[order[k]]));
      }
      double rr = rank <= rankCutoff ? 1.0 / rank : 0.0;
      ranks.add(new RetrievalResult.QueryRank(i, src, goldIds.get(i), false, rank, true, higher, ties, gold, rr,
          List.copyOf(top)));
    }
    checkMissing(missed, missing, scores.length, codeIds.size());
    return new RetrievalResult(RetrievalResult.aggregate(ranks, codeIds.size(), rankCutoff, name(tieBreak),
        "precomputed"), ranks);
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
        SIMILARITY), all);
  }

  /**
   * One pass over a pool streamed once (e.g. encoded on the fly, never cached): until a query's gold
   * arrives, its best {@code rankCutoff} scores are kept in a heap (Q × cut-off floats: 4 MB for 1,000
   * queries at 1,000), then counting continues as in the two-pass mode. All metrics are identical to
   * {@link #evaluate(float[][], List, List, Iterable)}; a gold ranked beyond the cut-off may get
   * {@code exact = false}, its rank then being a lower bound above the cut-off. Needs a cut-off of at least 10 (for R@10 and NDCG@10).
   */
  public RetrievalResult evaluateOnePass(float[][] queries, List<String> goldIds, List<String> sources,
      Iterator<CodeChunk> codebase) {
    if (rankCutoff < 10) {
      throw new IllegalStateException("one-pass evaluation needs rank cutoff >= 10 (R@10), got " + rankCutoff);
    }
    int nq = queries.length;
    float[][] q = prepareQueries(queries, goldIds, sources, 0);
    int dim = nq == 0 ? -1 : q[0].length;
    Map<String, List<Integer>> queriesByGold = byGold(goldIds);
    QueryState[] st = new QueryState[nq];
    for (int i = 0; i < nq; i++) {
      st[i] = QueryState.unknown(q[i], topK, rankCutoff);
    }
    Set<String> seen = new HashSet<>();
    long pos = 0;
    ForkJoinPool pool = threads > 1 ? new ForkJoinPool(threads) : null;
    try {
      while (codebase.hasNext()) {
        CodeChunk chunk = codebase.next();
        float[][] codes = new float[chunk.size()][];
        for (int j = 0; j < codes.length; j++) {
          String id = chunk.ids().get(j);
          float[] c = chunk.embeddings()[j];
          checkCode(id, c, pos + j, dim, seen);
          codes[j] = c;
          List<Integer> qs = queriesByGold.get(id);
          if (qs != null) { // before scoring this chunk, so its codes are counted against the gold
            for (int qi : qs) {
              st[qi].resolve(ScoringKernel.dot(q[qi], codes[j]), pos + j);
            }
          }
        }
        scoreChunk(pool, st, codes, chunk.ids(), pos);
        pos += chunk.size();
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
    List<String> missing = new ArrayList<>();
    int missingCount = 0;
    for (int i = 0; i < nq; i++) {
      if (!st[i].goldKnown) {
        missingCount++;
        if (missing.size() < 5) {
          missing.add(where(i, sources, 0) + " gold '" + goldIds.get(i) + "'");
        }
        st[i] = null;
      }
    }
    checkMissing(missingCount, missing, nq, pos);
    List<RetrievalResult.QueryRank> ranks = ranks(st, goldIds, sources, 0);
    return new RetrievalResult(RetrievalResult.aggregate(ranks, pos, rankCutoff, name(tieBreak),
        SIMILARITY), ranks);
  }

  private float[][] prepareQueries(float[][] rawQueries, List<String> goldIds, List<String> sources, int offset) {
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
        throw new IllegalArgumentException(where(i, sources, offset) + ": embedding has dimension "
            + rawQueries[i].length + ", query 0 has " + dim);
      }
      if (!ScoringKernel.finite(rawQueries[i])) {
        throw new IllegalArgumentException(where(i, sources, offset) + ": embedding is not finite (NaN/Inf)");
      }
      q[i] = rawQueries[i];
    }
    return q;
  }

  private static Map<String, List<Integer>> byGold(List<String> goldIds) {
    Map<String, List<Integer>> m = new HashMap<>();
    for (int i = 0; i < goldIds.size(); i++) {
      m.computeIfAbsent(goldIds.get(i), k -> new ArrayList<>()).add(i);
    }
    return m;
  }

  private static void checkCode(String id, float[] c, long pos, int dim, Set<String> seen) {
    if (!seen.add(id)) {
      throw new IllegalArgumentException("codebase id '" + id + "' appears twice (second at pool position "
          + pos + "); gold matching needs unique ids");
    }
    if (dim >= 0 && c.length != dim) {
      throw new IllegalArgumentException("codebase id '" + id + "': embedding has dimension " + c.length
          + ", queries have " + dim);
    }
    if (!ScoringKernel.finite(c)) {
      throw new IllegalArgumentException("codebase id '" + id + "': embedding is not finite (NaN/Inf)");
    }
  }

  private void checkMissing(int missingCount, List<String> examples, int nq, long poolSize) {
    if (missingCount > 0 && !skipMissingGold) {
      throw new IllegalArgumentException(missingCount + " of " + nq + " queries have a gold id that is not in "
          + "the codebase (" + poolSize + " codes), e.g. " + String.join("; ", examples)
          + (missingCount > examples.size() ? "; ..." : "") + " (set skipMissingGold to skip them)");
    }
  }

  private record Batch(List<RetrievalResult.QueryRank> ranks, long pool) {}

  private Batch run(float[][] rawQueries, List<String> goldIds, List<String> sources,
      Iterable<CodeChunk> codebase, int indexOffset) {
    int nq = rawQueries.length;
    float[][] q = prepareQueries(rawQueries, goldIds, sources, indexOffset);
    int dim = nq == 0 ? -1 : q[0].length;
    Map<String, List<Integer>> queriesByGold = byGold(goldIds);

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
        checkCode(id, c, pos, dim, seen);
        List<Integer> qs = queriesByGold.get(id);
        if (qs != null) {
          float[] cp = c;
          for (int qi : qs) {
            goldPos[qi] = pos;
            goldScore[qi] = ScoringKernel.dot(q[qi], cp);
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
    checkMissing(nq - active.size(), missing, nq, poolSize);

    // Pass 2: per query, count codes above / equal to the gold; keep a running top-k.
    int na = active.size();
    QueryState[] st = new QueryState[na];
    for (int a = 0; a < na; a++) {
      int qi = active.get(a);
      st[a] = QueryState.known(q[qi], goldScore[qi], goldPos[qi], topK);
    }
    long chunkStart = 0;
    ForkJoinPool pool = threads > 1 ? new ForkJoinPool(threads) : null;
    try {
      for (CodeChunk chunk : codebase) {
        float[][] codes = new float[chunk.size()][];
        for (int j = 0; j < codes.length; j++) {
          codes[j] = chunk.embeddings()[j];
        }
        scoreChunk(pool, st, codes, chunk.ids(), chunkStart);
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

    QueryState[] byQuery = new QueryState[nq];
    for (int a = 0; a < na; a++) {
      byQuery[active.get(a)] = st[a];
    }
    List<RetrievalResult.QueryRank> ranks = ranks(byQuery, goldIds, sources, indexOffset);
    return new Batch(ranks, poolSize);
  }

  /** Scores one chunk of prepared codes against every query state, 4 queries per block, on {@code pool} if any. */
  private void scoreChunk(ForkJoinPool pool, QueryState[] st, float[][] codes, List<String> ids, long start)
      throws InterruptedException, ExecutionException {
    int blocks = (st.length + 3) / 4;
    IntStream range = pool != null ? IntStream.range(0, blocks).parallel() : IntStream.range(0, blocks);
    Runnable work = () -> range.forEach(b -> ScoringKernel.scoreBlock(st, 4 * b, codes, ids, start));
    if (pool != null) {
      pool.submit(work).get();
    } else {
      work.run();
    }
  }

  /** Per-query outcome from the final states ({@code null} state = skipped, gold not in the pool). */
  private List<RetrievalResult.QueryRank> ranks(QueryState[] states, List<String> goldIds, List<String> sources,
      int indexOffset) {
    List<RetrievalResult.QueryRank> ranks = new ArrayList<>(states.length);
    for (int i = 0; i < states.length; i++) {
      String src = sources == null ? null : sources.get(i);
      QueryState qs = states[i];
      if (qs == null) {
        ranks.add(new RetrievalResult.QueryRank(indexOffset + i, src, goldIds.get(i), true, 0, true, 0, 0,
            Float.NaN, 0.0, List.of()));
        continue;
      }
      long ties = qs.tiesBefore + qs.tiesAfter;
      long rank = 1 + qs.higher + switch (tieBreak) {
        case PESSIMISTIC -> ties;
        case BY_ORDER -> qs.tiesBefore;
        case OPTIMISTIC -> 0;
      };
      boolean exact = !(qs.beyond || (qs.tiesUnsure && tieBreak != TieBreak.OPTIMISTIC));
      if (!exact) {
        rank = Math.max(rank, rankCutoff + 1L); // a lower bound; known only to be beyond the cut-off
      }
      List<RetrievalResult.Hit> top = new ArrayList<>(qs.topSize);
      for (int k = 0; k < qs.topSize; k++) {
        top.add(new RetrievalResult.Hit(qs.topId[k], qs.topScore[k]));
      }
      double rr = rank <= rankCutoff ? 1.0 / rank : 0.0;
      ranks.add(new RetrievalResult.QueryRank(indexOffset + i, src, goldIds.get(i), false, rank, exact,
          qs.higher, ties, qs.goldScore, rr, List.copyOf(top)));
    }
    return ranks;
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
