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

  private RetrievalEvaluator(Builder b) {
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

  /** Cut-off from {@code eval.rank_cutoff}; everything else at its default. */
  public static RetrievalEvaluator fromConfig(EvalConfig eval) {
    return builder().rankCutoff(eval.rankCutoff()).build();
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
    int[] act = active.stream().mapToInt(Integer::intValue).toArray();
    long[] higher = new long[na];
    long[] tiesBefore = new long[na];
    long[] tiesAfter = new long[na];
    float[][] topScore = new float[na][topK];
    String[][] topId = new String[na][topK];
    int[] topSize = new int[na];
    long[] chunkStart = {0};
    ForkJoinPool pool = threads > 1 ? new ForkJoinPool(threads) : null;
    try {
      for (CodeChunk chunk : codebase) {
        float[][] codes = new float[chunk.size()][];
        for (int j = 0; j < codes.length; j++) {
          codes[j] = prepare(chunk.embeddings()[j]);
        }
        long start = chunkStart[0];
        IntStream range = pool != null ? IntStream.range(0, na).parallel() : IntStream.range(0, na);
        Runnable work = () -> range.forEach(a -> {
          int qi = act[a];
          float[] qv = q[qi];
          float gs = goldScore[qi];
          long gp = goldPos[qi];
          float[] ts = topScore[a];
          String[] tid = topId[a];
          long h = 0;
          long tb = 0;
          long ta = 0;
          for (int j = 0; j < codes.length; j++) {
            float s = dot(qv, codes[j]);
            long p = start + j;
            if (p != gp) {
              if (s > gs) {
                h++;
              } else if (s == gs) {
                if (p < gp) {
                  tb++;
                } else {
                  ta++;
                }
              }
            }
            int size = topSize[a];
            if (size < topK || s > ts[size - 1]) {
              int k = Math.min(size, topK - 1); // insertion position search from the end
              while (k > 0 && ts[k - 1] < s) {
                ts[k] = ts[k - 1];
                tid[k] = tid[k - 1];
                k--;
              }
              ts[k] = s;
              tid[k] = chunk.ids().get(j);
              topSize[a] = Math.min(size + 1, topK);
            }
          }
          higher[a] += h;
          tiesBefore[a] += tb;
          tiesAfter[a] += ta;
        });
        if (pool != null) {
          pool.submit(work).get();
        } else {
          work.run();
        }
        chunkStart[0] += chunk.size();
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
    if (chunkStart[0] != poolSize) {
      throw new IllegalStateException("the codebase yielded " + poolSize + " codes in pass 1 but "
          + chunkStart[0] + " in pass 2; it must be re-iterable");
    }

    List<RetrievalResult.QueryRank> ranks = new ArrayList<>(nq);
    int a = 0;
    for (int i = 0; i < nq; i++) {
      String src = sources == null ? null : sources.get(i);
      if (a < na && act[a] == i) {
        long ties = tiesBefore[a] + tiesAfter[a];
        long rank = 1 + higher[a] + switch (tieBreak) {
          case PESSIMISTIC -> ties;
          case BY_ORDER -> tiesBefore[a];
          case OPTIMISTIC -> 0;
        };
        List<RetrievalResult.Hit> top = new ArrayList<>(topSize[a]);
        for (int k = 0; k < topSize[a]; k++) {
          top.add(new RetrievalResult.Hit(topId[a][k], topScore[a][k]));
        }
        double rr = rank <= rankCutoff ? 1.0 / rank : 0.0;
        ranks.add(new RetrievalResult.QueryRank(indexOffset + i, src, goldIds.get(i), false, rank, higher[a],
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
   * Dot product with eight independent accumulators in a fixed order: fast, and deterministic, so the
   * same pair always gets the bit-identical score (ties and the gold's self-score depend on that).
   */
  static float dot(float[] a, float[] b) {
    int n = a.length;
    float s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0, s6 = 0, s7 = 0;
    int i = 0;
    for (; i + 8 <= n; i += 8) {
      s0 += a[i] * b[i];
      s1 += a[i + 1] * b[i + 1];
      s2 += a[i + 2] * b[i + 2];
      s3 += a[i + 3] * b[i + 3];
      s4 += a[i + 4] * b[i + 4];
      s5 += a[i + 5] * b[i + 5];
      s6 += a[i + 6] * b[i + 6];
      s7 += a[i + 7] * b[i + 7];
    }
    for (; i < n; i++) {
      s0 += a[i] * b[i];
    }
    return ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7));
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
