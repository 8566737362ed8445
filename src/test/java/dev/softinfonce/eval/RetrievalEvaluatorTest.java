package dev.softinfonce.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.softinfonce.config.ExperimentConfig;
import dev.softinfonce.eval.RetrievalEvaluator.TieBreak;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RetrievalEvaluatorTest {
  static final double EPS = 1e-12;

  // Pool a (1,0), b (0,1), c (.6,.8). Queries: (1,0)→b, (0,1)→b, (1,1)→a.
  static final List<String> IDS = List.of("a", "b", "c");
  static final float[][] CODES = {{1f, 0f}, {0f, 1f}, {0.6f, 0.8f}};
  static final float[][] QUERIES = {{1f, 0f}, {0f, 1f}, {1f, 1f}};
  static final List<String> GOLD = List.of("b", "b", "a");

  @Test
  void handComputedMetricsPessimisticTies() {
    // q0: a 1, b 0 (gold), c .6 → rank 3. q1: gold b 1 is top → rank 1.
    // q2: a 1 (gold), b 1 (tie), c 1.4 → 1 higher + 1 tie → pessimistic rank 3.
    RetrievalResult r = RetrievalEvaluator.builder().build().evaluate(QUERIES, GOLD, IDS, CODES, 2);
    assertEquals(List.of(3L, 1L, 3L), r.queries().stream().map(RetrievalResult.QueryRank::rank).toList());
    assertEquals(List.of(0L, 0L, 1L), r.queries().stream().map(RetrievalResult.QueryRank::ties).toList());
    RetrievalResult.Metrics m = r.metrics();
    assertEquals(5.0 / 9, m.mrr(), EPS);
    assertEquals(1.0 / 3, m.recallAt1(), EPS);
    assertEquals(1.0, m.recallAt5(), EPS);
    assertEquals(1.0, m.recallAt10(), EPS);
    assertEquals((0.5 + 1 + 0.5) / 3, m.ndcgAt10(), EPS);
    assertEquals(3, m.evaluated());
    assertEquals(3, m.poolSize());
    assertEquals(List.of("c", "a", "b"), r.queries().get(2).top().stream().map(RetrievalResult.Hit::id).toList(),
        "top-k: best first, ties keep pool order");
    assertEquals(1.4f, r.queries().get(2).top().get(0).score(), 1e-6);
    assertTrue(r.summary().startsWith("mrr=0.5556 r@1=0.3333"), r.summary());
  }

  @Test
  void tiePolicies() {
    RetrievalResult byOrder = RetrievalEvaluator.builder().tieBreak(TieBreak.BY_ORDER).build()
        .evaluate(QUERIES, GOLD, IDS, CODES, 3);
    assertEquals(2L, byOrder.queries().get(2).rank(), "tie b comes after gold a in the pool");
    assertEquals((1.0 / 3 + 1 + 0.5) / 3, byOrder.metrics().mrr(), EPS);
    assertEquals((0.5 + 1 + 1 / (Math.log(3) / Math.log(2))) / 3, byOrder.metrics().ndcgAt10(), EPS);
    // Gold b for query (1,1): a ties and comes first → by order rank 3 (c, a above).
    RetrievalResult tieFirst = RetrievalEvaluator.builder().tieBreak(TieBreak.BY_ORDER).build()
        .evaluate(new float[][] {{1f, 1f}}, List.of("b"), IDS, CODES, 3);
    assertEquals(3L, tieFirst.queries().get(0).rank());
    RetrievalResult optimistic = RetrievalEvaluator.builder().tieBreak(TieBreak.OPTIMISTIC).build()
        .evaluate(QUERIES, GOLD, IDS, CODES, 3);
    assertEquals(2L, optimistic.queries().get(2).rank());
  }

  @Test
  void collapsedEncoderGetsWorstRankNotFirst() {
    float[][] same = new float[50][];
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      same[i] = new float[] {0.3f, 0.3f, 0.3f};
      ids.add("code" + i);
    }
    RetrievalResult r = RetrievalEvaluator.builder().build()
        .evaluate(new float[][] {{0.3f, 0.3f, 0.3f}}, List.of("code7"), ids, same, 8);
    assertEquals(50L, r.queries().get(0).rank());
    assertEquals(49L, r.queries().get(0).ties());
    assertEquals(0.02, r.metrics().mrr(), EPS);
  }

  @Test
  void cutoffGivesZeroReciprocalRankBeyond1000() {
    int n = 1500;
    float[][] codes = new float[n][];
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      codes[i] = new float[] {n - i};    // code i has exactly i codes above it
      ids.add("c" + i);
    }
    float[][] q = {{1f}, {1f}, {1f}};
    RetrievalResult r = RetrievalEvaluator.builder().rankCutoff(1000).build()
        .evaluate(q, List.of("c999", "c1000", "c1499"), ids, codes, 256);
    assertEquals(1000L, r.queries().get(0).rank());
    assertEquals(1e-3, r.queries().get(0).reciprocalRank(), EPS);
    assertEquals(1001L, r.queries().get(1).rank());
    assertEquals(0.0, r.queries().get(1).reciprocalRank());
    assertEquals(1500L, r.queries().get(2).rank(), "rank is exact beyond the cut-off");
    assertEquals(1e-3 / 3, r.metrics().mrr(), EPS);
    assertEquals(0.0, r.metrics().recallAt10());
    RetrievalResult wide = RetrievalEvaluator.fromConfig(
        ExperimentConfig.builder().set("eval.rank_cutoff", 1001).set("eval.chunk_size", 100).build().eval())
        .evaluate(q, List.of("c999", "c1000", "c1499"), ids, codes);
    assertEquals(1.0 / 1001, wide.queries().get(1).reciprocalRank(), EPS);
  }

  /** Random pool with exact duplicates of some golds; reference = full double-precision scoring. */
  static final class RandomCase {
    final float[][] codes;
    final List<String> ids = new ArrayList<>();
    final float[][] queries;
    final List<String> gold = new ArrayList<>();

    RandomCase(long seed, int nc, int nq, int dim) {
      Random rnd = new Random(seed);
      codes = new float[nc][dim];
      for (int i = 0; i < nc; i++) {
        ids.add("https://example.org/code/" + i);
        for (int d = 0; d < dim; d++) {
          codes[i][d] = (float) rnd.nextGaussian();
        }
      }
      for (int i = 0; i < 10; i++) {            // exact duplicates create ties
        codes[nc - 1 - i] = codes[i * 3].clone();
      }
      queries = new float[nq][dim];
      for (int i = 0; i < nq; i++) {
        int g = i < 5 ? i * 3 : rnd.nextInt(nc);   // the first golds have duplicates
        gold.add(ids.get(g));
        for (int d = 0; d < dim; d++) {
          queries[i][d] = codes[g][d] + 1.5f * (float) rnd.nextGaussian();
        }
      }
    }

    long[] referenceRanks() {
      long[] out = new long[queries.length];
      for (int i = 0; i < queries.length; i++) {
        int g = ids.indexOf(gold.get(i));
        double gs = dot(queries[i], codes[g]);
        long rank = 1;
        for (int j = 0; j < codes.length; j++) {
          if (j != g && dot(queries[i], codes[j]) >= gs) {
            rank++;
          }
        }
        out[i] = rank;
      }
      return out;
    }

    List<String> referenceTop(int qi, int k) {
      return IntStream.range(0, codes.length).boxed()
          .sorted(Comparator.comparingDouble((Integer j) -> -dot(queries[qi], codes[j])).thenComparing(j -> j))
          .limit(k).map(ids::get).toList();
    }

    static double dot(float[] a, float[] b) {
      double s = 0;
      for (int i = 0; i < a.length; i++) {
        s += (double) a[i] * b[i];
      }
      return s;
    }
  }

  @Test
  void chunkingInvarianceAndAgreementWithFullSort() {
    RandomCase rc = new RandomCase(7, 400, 61, 19);
    RetrievalEvaluator ev = RetrievalEvaluator.builder().rankCutoff(50).build();
    RetrievalResult all = ev.evaluate(rc.queries, rc.gold, rc.ids, rc.codes, rc.codes.length);
    for (int chunk : new int[] {1, 7}) {
      RetrievalResult r = ev.evaluate(rc.queries, rc.gold, rc.ids, rc.codes, chunk);
      assertEquals(all, r, "chunk size " + chunk);
    }
    long[] ref = rc.referenceRanks();
    long tied = 0;
    for (int i = 0; i < ref.length; i++) {
      assertEquals(ref[i], all.queries().get(i).rank(), "query " + i);
      tied += all.queries().get(i).ties();
      assertEquals(rc.referenceTop(i, 10),
          all.queries().get(i).top().stream().map(RetrievalResult.Hit::id).toList(), "top-10 of query " + i);
    }
    assertTrue(tied >= 5, "the case must exercise ties, had " + tied);
    double mrr = 0;
    for (long r : ref) {
      mrr += r <= 50 ? 1.0 / r : 0;
    }
    assertEquals(mrr / ref.length, all.metrics().mrr(), 1e-12);
    RetrievalResult oneThread = RetrievalEvaluator.builder().rankCutoff(50).threads(1).build()
        .evaluate(rc.queries, rc.gold, rc.ids, rc.codes, 33);
    assertEquals(all, oneThread, "threads do not change results");
  }

  @Test
  void onePassGivesTheSameMetricsAndExactRanksUpToTheCutoff() {
    RandomCase rc = new RandomCase(5, 400, 61, 19);
    for (TieBreak tb : TieBreak.values()) {
      RetrievalEvaluator ev = RetrievalEvaluator.builder().rankCutoff(30).tieBreak(tb).build();
      RetrievalResult two = ev.evaluate(rc.queries, rc.gold, rc.ids, rc.codes, 7);
      for (int chunk : new int[] {1, 13, 400}) {
        RetrievalResult one = ev.evaluateOnePass(rc.queries, rc.gold, null,
            CodeChunk.split(rc.ids, rc.codes, chunk).iterator());
        assertEquals(two.metrics(), one.metrics(), tb + " chunk " + chunk);
        int beyond = 0;
        for (int i = 0; i < rc.queries.length; i++) {
          RetrievalResult.QueryRank a = two.queries().get(i);
          RetrievalResult.QueryRank b = one.queries().get(i);
          assertEquals(a.top(), b.top(), "top-k of query " + i);
          if (a.rank() <= 30 || b.exact()) { // exact also beyond the cut-off if the gold came early
            assertEquals(a, b, tb + " query " + i);
          } else {
            beyond++;
            assertTrue(b.rank() > 30 && b.rank() <= a.rank(), "lower bound beyond the cut-off: " + b.rank());
            assertEquals(0.0, b.reciprocalRank());
          }
        }
        if (chunk == 400) {
          assertEquals(0, beyond, "one chunk: every gold is known before scoring, all ranks exact");
        } else {
          assertTrue(beyond >= 3 && beyond < 55, "inexact beyond-cut-off ranks present, beyond=" + beyond);
        }
      }
    }
  }

  @Test
  void onePassCutoffBoundary() {
    int n = 1500;
    float[][] codes = new float[n][];
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      codes[i] = new float[] {n - i};
      ids.add("c" + i);
    }
    RetrievalResult r = RetrievalEvaluator.builder().build().evaluateOnePass(new float[][] {{1f}, {1f}},
        List.of("c999", "c1000"), null, CodeChunk.split(ids, codes, 100).iterator());
    assertEquals(1000L, r.queries().get(0).rank());
    assertTrue(r.queries().get(0).exact());
    assertEquals(1001L, r.queries().get(1).rank());
    assertFalse(r.queries().get(1).exact());
    assertEquals(1e-3 / 2, r.metrics().mrr(), EPS);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RetrievalEvaluator.builder()
        .build().evaluateOnePass(QUERIES, List.of("b", "zz", "a"), null, CodeChunk.split(IDS, CODES, 2).iterator()));
    assertTrue(e.getMessage().contains("gold 'zz'"), e.getMessage());
  }

  @Test
  void streamedQueryBatchesEqualOneBatch() {
    RandomCase rc = new RandomCase(11, 120, 25, 8);
    RetrievalEvaluator ev = RetrievalEvaluator.builder().build();
    List<CodeChunk> pool = CodeChunk.split(rc.ids, rc.codes, 16);
    RetrievalResult whole = ev.evaluate(rc.queries, rc.gold, null, pool);
    List<RetrievalEvaluator.QueryBatch> batches = new ArrayList<>();
    for (int s = 0; s < 25; s += 10) {
      int e = Math.min(25, s + 10);
      batches.add(new RetrievalEvaluator.QueryBatch(java.util.Arrays.copyOfRange(rc.queries, s, e),
          rc.gold.subList(s, e), null));
    }
    Iterator<RetrievalEvaluator.QueryBatch> it = batches.iterator();
    assertEquals(whole, ev.evaluate(it, pool));
  }

  @Test
  void dotProductRanksAsGiven() { // no normalisation here: a cosine model hands in unit rows
    float[][] codes = {{1f, 0f}, {10f, 10f}};
    float[][] q = {{1f, 0.1f}};
    List<String> ids = List.of("x", "y");
    assertEquals(2L, RetrievalEvaluator.builder().build().evaluate(q, List.of("x"), ids, codes, 2)
        .queries().get(0).rank());
  }

  @Test
  void missingGoldIsANamedErrorUnlessSkipped() {
    List<String> gold = List.of("b", "nope", "a");
    List<String> sources = List.of("test.jsonl:1", "test.jsonl:2", "test.jsonl:3");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RetrievalEvaluator.builder()
        .build().evaluate(QUERIES, gold, sources, CodeChunk.split(IDS, CODES, 2)));
    assertTrue(e.getMessage().contains("query 1 (test.jsonl:2) gold 'nope'"), e.getMessage());
    RetrievalResult r = RetrievalEvaluator.builder().skipMissingGold(true).build()
        .evaluate(QUERIES, gold, sources, CodeChunk.split(IDS, CODES, 2));
    assertEquals(1, r.metrics().skipped());
    assertEquals(2, r.metrics().evaluated());
    assertTrue(r.queries().get(1).skipped());
    assertEquals((1.0 / 3 + 1.0 / 3) / 2, r.metrics().mrr(), EPS);
  }

  @Test
  void badPoolsAreNamedErrors() {
    RetrievalEvaluator ev = RetrievalEvaluator.builder().build();
    IllegalArgumentException dup = assertThrows(IllegalArgumentException.class,
        () -> ev.evaluate(QUERIES, GOLD, List.of("a", "b", "a"), CODES, 3));
    assertTrue(dup.getMessage().contains("'a' appears twice"), dup.getMessage());
    IllegalArgumentException dim = assertThrows(IllegalArgumentException.class,
        () -> ev.evaluate(QUERIES, GOLD, IDS, new float[][] {{1f, 0f}, {0f, 1f}, {1f}}, 3));
    assertTrue(dim.getMessage().contains("codebase id 'c'"), dim.getMessage());
    IllegalArgumentException nan = assertThrows(IllegalArgumentException.class,
        () -> ev.evaluate(new float[][] {{Float.NaN, 0f}}, List.of("a"), IDS, CODES, 3));
    assertTrue(nan.getMessage().contains("query 0"), nan.getMessage());
  }

  @Test
  void writesJsonWithMetricsAndPerQueryRanks(@TempDir Path dir) throws Exception {
    RetrievalResult r = RetrievalEvaluator.builder().build().evaluate(QUERIES, GOLD, IDS, CODES, 2);
    Path out = dir.resolve("sub/eval.json");
    r.writeJson(out);
    JsonNode root = new ObjectMapper().readTree(out.toFile());
    assertEquals(5.0 / 9, root.path("metrics").path("mrr").asDouble(), 1e-12);
    assertEquals(3, root.path("queries").size());
    assertEquals(3, root.path("queries").get(0).path("rank").asLong());
    assertEquals("b", root.path("queries").get(0).path("goldId").asText());
    assertEquals("c", root.path("queries").get(2).path("top").get(0).path("id").asText());
    assertFalse(root.path("queries").get(0).path("skipped").asBoolean());
    assertNotEquals(0, root.path("metrics").path("poolSize").asLong());
  }
}
