package dev.softinfonce.experiment;

import static dev.softinfonce.experiment.ResultTableTest.A;
import static dev.softinfonce.experiment.ResultTableTest.B;
import static dev.softinfonce.experiment.ResultTableTest.BM25;
import static dev.softinfonce.experiment.ResultTableTest.metrics;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The Markdown and CSV renderings, character for character. */
class TableWriterTest {
  private static RunResult run(String row, long seed, double mrr, double r1, double r5, double r10, double ndcg) {
    return new RunResult(row, seed, "/c/" + row + seed, metrics(mrr, r1, r5, r10, ndcg), 0.25, 12, 30.04, 5.0, "");
  }

  private static final List<RunResult> RUNS = List.of(
      run("a", 1, 0.5, 0.2, 0.6, 0.7, 0.55), run("a", 2, 0.6, 0.3, 0.7, 0.8, 0.65),
      run("b", 1, 0.6, 0.3, 0.7, 0.8, 0.65), run("b", 2, 0.65, 0.35, 0.75, 0.85, 0.7));
  private static final RunResult BASE = new RunResult("bm25", 0, null, metrics(0.3, 0.2, 0.4, 0.5, 0.35), null, 0, 0,
      2, "");

  private static ResultTable table() {
    return ResultTable.of(List.of(A, B), RUNS, "a", List.of(new ResultTable.Baseline(BM25, BASE)));
  }

  @Test
  void markdown() {
    String expected = """
        | Loss | Estimator | MRR | R@1 | R@5 | R@10 | NDCG@10 | Δ MRR vs InfoNCE | seeds |
        |---|---|---|---|---|---|---|---|---|
        | InfoNCE | – | 0.5500 ± 0.0707 | 0.2500 ± 0.0707 | 0.6500 ± 0.0707 | 0.7500 ± 0.0707 | 0.6000 ± 0.0707 | – | 2 |
        | Soft-InfoNCE | BM25 | 0.6250 ± 0.0354 | 0.3250 ± 0.0354 | 0.7250 ± 0.0354 | 0.8250 ± 0.0354 | 0.6750 ± 0.0354 | +0.0750 ± 0.0354 (2/2) | 2 |
        | BM25 (lexical baseline) | – | 0.3000 | 0.2000 | 0.4000 | 0.5000 | 0.3500 | -0.2500 ± 0.0707 (0/2) | – |

        Test split; mean ± sample std over seeds (std needs two or more). Δ MRR: difference to InfoNCE paired by \
        seed, (k/n) = seeds in which the row's MRR is higher. A baseline has no seed: it is compared with each seed \
        of the reference.
        """;
    assertEquals(expected, TableWriter.markdown(table()));
  }

  @Test
  void csv() {
    String[] lines = TableWriter.csv(table()).split("\n");
    assertEquals("row,loss,estimator,seeds,mrr_mean,mrr_std,r@1_mean,r@1_std,r@5_mean,r@5_std,r@10_mean,r@10_std,"
        + "ndcg@10_mean,ndcg@10_std,delta_mrr_mean,delta_mrr_std,delta_mrr_wins,delta_mrr_pairs", lines[0]);
    assertEquals("a,InfoNCE,–,2,0.550000,0.070711,0.250000,0.070711,0.650000,0.070711,0.750000,0.070711,0.600000,"
        + "0.070711,,,,0", lines[1]);
    assertEquals("b,Soft-InfoNCE,BM25,2,0.625000,0.035355,0.325000,0.035355,0.725000,0.035355,0.825000,0.035355,"
        + "0.675000,0.035355,0.075000,0.035355,2,2", lines[2]);
    assertEquals("bm25,BM25 (lexical baseline),–,,0.300000,,0.200000,,0.400000,,0.500000,,0.350000,,-0.250000,"
        + "0.070711,0,2", lines[3]);
    assertEquals(4, lines.length);
  }

  @Test
  void perSeedCsvAndQuoting() {
    String out = TableWriter.perSeedCsv(RUNS.subList(0, 1), Map.of("a", new ResultTable.Label("a", "Info, \"NCE\"", "–")));
    assertEquals("""
        row,loss,estimator,seed,mrr,r@1,r@5,r@10,ndcg@10,valid_mrr,steps,train_seconds,eval_seconds,checkpoint
        a,"Info, ""NCE\"\"\",–,1,0.500000,0.200000,0.600000,0.700000,0.550000,0.250000,12,30.0,5.0,/c/a1
        """, out);
  }
}
