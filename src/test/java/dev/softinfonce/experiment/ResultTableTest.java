package dev.softinfonce.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.softinfonce.eval.RetrievalResult;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Mean ± sample std over seeds and paired Δ MRR, against numbers worked out by hand. */
class ResultTableTest {
  static RetrievalResult.Metrics metrics(double mrr, double r1, double r5, double r10, double ndcg) {
    return new RetrievalResult.Metrics(100, 100, 0, 500, 1000, "pessimistic", "dot", mrr, r1, r5, r10, ndcg);
  }

  static RunResult run(String row, long seed, double mrr, double r1) {
    return new RunResult(row, seed, "/ckpt/" + row + "/" + seed, metrics(mrr, r1, 0.5, 0.6, 0.4), 0.5, 10, 1, 1, "");
  }

  static final ResultTable.Label A = new ResultTable.Label("a", "InfoNCE", "–");
  static final ResultTable.Label B = new ResultTable.Label("b", "Soft-InfoNCE", "BM25");
  static final ResultTable.Label C = new ResultTable.Label("c", "Soft-InfoNCE", "SimCSE");
  static final ResultTable.Label BM25 = new ResultTable.Label("bm25", "BM25 (lexical baseline)", "–");

  @Test
  void meanAndSampleStd() {
    MeanStd m = MeanStd.of(List.of(0.5, 0.6, 0.7));
    assertEquals(0.6, m.mean(), 1e-12);
    assertEquals(0.1, m.std(), 1e-12); // sqrt((0.01 + 0 + 0.01) / (3 - 1))
    MeanStd b = MeanStd.of(List.of(0.61, 0.64, 0.58));
    assertEquals(0.61, b.mean(), 1e-12);
    assertEquals(0.03, b.std(), 1e-12); // sqrt((0 + 0.0009 + 0.0009) / 2)
    assertEquals(1, MeanStd.of(List.of(0.4)).n());
    assertTrue(Double.isNaN(MeanStd.of(List.of(0.4)).std()), "one seed has no sample std");
    assertEquals("0.6100 ± 0.0300", b.format(4, false));
    assertEquals("+0.6100 ± 0.0300", b.format(4, true));
    assertEquals("0.4000", MeanStd.of(List.of(0.4)).format(4, false));
    assertEquals("–", MeanStd.of(List.of()).format(4, false));
  }

  @Test
  void rowsDeltasAndBaseline() {
    List<RunResult> runs = List.of(
        run("b", 3, 0.58, 0.1), run("a", 1, 0.50, 0.2), run("a", 2, 0.60, 0.3), run("a", 3, 0.70, 0.4),
        run("b", 1, 0.61, 0.1), run("b", 2, 0.64, 0.1), run("c", 1, 0.40, 0.1));
    RunResult bm25 = new RunResult("bm25", 0, null, metrics(0.55, 0.3, 0.5, 0.6, 0.4), null, 0, 0, 1, "");
    ResultTable t = ResultTable.of(List.of(A, B, C), runs, "a", List.of(new ResultTable.Baseline(BM25, bm25)));

    assertEquals(List.of("a", "b", "c", "bm25"), t.rows().stream().map(r -> r.label().name()).toList());
    ResultTable.Row a = t.row("a");
    assertEquals(List.of(1L, 2L, 3L), a.seeds());
    assertEquals(0.6, a.metrics().get(ResultTable.Metric.MRR).mean(), 1e-12);
    assertEquals(0.1, a.metrics().get(ResultTable.Metric.MRR).std(), 1e-12);
    assertEquals(0.3, a.metrics().get(ResultTable.Metric.R1).mean(), 1e-12);
    assertEquals(0.1, a.metrics().get(ResultTable.Metric.R1).std(), 1e-12);
    assertEquals(0, a.deltaMrr().n(), "the reference has no delta");

    ResultTable.Row b = t.row("b");
    assertEquals(0.61, b.metrics().get(ResultTable.Metric.MRR).mean(), 1e-12);
    assertEquals(0.03, b.metrics().get(ResultTable.Metric.MRR).std(), 1e-12);
    assertEquals(0.0, b.metrics().get(ResultTable.Metric.R1).std(), 1e-12);
    // per-seed deltas 0.11, 0.04, -0.12: mean 0.01, deviations 0.10, 0.03, -0.13 -> sqrt(0.0278 / 2)
    assertEquals(0.01, b.deltaMrr().mean(), 1e-12);
    assertEquals(Math.sqrt(0.0139), b.deltaMrr().std(), 1e-12);
    assertEquals(2, b.wins());

    ResultTable.Row c = t.row("c");
    assertEquals(1, c.metrics().get(ResultTable.Metric.MRR).n());
    assertEquals(-0.1, c.deltaMrr().mean(), 1e-12);
    assertEquals(0, c.wins());

    ResultTable.Row base = t.row("bm25");
    assertTrue(base.baseline());
    assertEquals(0.55, base.metrics().get(ResultTable.Metric.MRR).mean(), 1e-12);
    // 0.55 against each reference seed: 0.05, -0.05, -0.15
    assertEquals(-0.05, base.deltaMrr().mean(), 1e-12);
    assertEquals(0.1, base.deltaMrr().std(), 1e-12);
    assertEquals(1, base.wins());
  }
}
