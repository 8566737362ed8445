package dev.softinfonce.experiment;

import dev.softinfonce.eval.RetrievalResult;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * The experiment's table in the layout of paper Table 1 (one row per loss + estimator): mean ± sample
 * std over seeds of each test metric, plus the MRR difference to a reference row paired by seed
 * (mean ± std of the per-seed differences, and in how many seeds the row was higher). The BM25
 * baselines (BM25, the zero-shot start) have one seed-independent value each, compared with each seed of the
 * reference.
 *
 * @param rows in the experiment's order, the baselines last
 * @param reference name of the reference row
 */
public record ResultTable(List<Row> rows, String reference) {

  /** The metrics of the table, in column order. */
  public enum Metric {
    MRR("MRR", RetrievalResult.Metrics::mrr),
    R1("R@1", RetrievalResult.Metrics::recallAt1),
    R5("R@5", RetrievalResult.Metrics::recallAt5),
    R10("R@10", RetrievalResult.Metrics::recallAt10),
    NDCG10("NDCG@10", RetrievalResult.Metrics::ndcgAt10);

    public final String label;
    private final ToDoubleFunction<RetrievalResult.Metrics> get;

    Metric(String label, ToDoubleFunction<RetrievalResult.Metrics> get) {
      this.label = label;
      this.get = get;
    }

    public double of(RetrievalResult.Metrics m) {
      return get.applyAsDouble(m);
    }
  }

  /** A row's identity and the labels of its Loss and Estimator columns. */
  public record Label(String name, String loss, String estimator) {}

  /**
   * One table row.
   *
   * @param seeds seeds that have a result (empty for the baseline)
   * @param deltaMrr MRR minus the reference's, paired by seed; n = 0 for the reference itself
   * @param wins seeds in which this row's MRR is higher than the reference's
   */
  public record Row(Label label, boolean baseline, List<Long> seeds, Map<Metric, MeanStd> metrics, MeanStd deltaMrr,
      int wins) {}

  /** A seed-independent row (BM25, the zero-shot start): its label and its one result. */
  public record Baseline(Label label, RunResult result) {}

  /**
   * Aggregates run results (any order, possibly missing seeds) into rows.
   *
   * @param baselines seed-independent rows, placed after the others in this order
   */
  public static ResultTable of(List<Label> labels, List<RunResult> runs, String reference, List<Baseline> baselines) {
    Map<Long, Double> refMrr = new HashMap<>();
    for (RunResult r : runs) {
      if (r.row().equals(reference)) {
        refMrr.put(r.seed(), r.test().mrr());
      }
    }
    List<Row> rows = new ArrayList<>();
    for (Label label : labels) {
      List<RunResult> mine = runs.stream().filter(r -> r.row().equals(label.name()))
          .sorted((a, b) -> Long.compare(a.seed(), b.seed())).toList();
      Map<Metric, MeanStd> metrics = new EnumMap<>(Metric.class);
      for (Metric m : Metric.values()) {
        metrics.put(m, MeanStd.of(mine.stream().map(r -> m.of(r.test())).toList()));
      }
      List<Double> deltas = new ArrayList<>();
      if (!label.name().equals(reference)) {
        for (RunResult r : mine) {
          Double ref = refMrr.get(r.seed());
          if (ref != null) {
            deltas.add(r.test().mrr() - ref);
          }
        }
      }
      rows.add(new Row(label, false, mine.stream().map(RunResult::seed).toList(), metrics, MeanStd.of(deltas),
          (int) deltas.stream().filter(d -> d > 0).count()));
    }
    for (Baseline b : baselines) {
      Map<Metric, MeanStd> metrics = new EnumMap<>(Metric.class);
      for (Metric m : Metric.values()) {
        metrics.put(m, MeanStd.of(List.of(m.of(b.result().test()))));
      }
      List<Double> deltas = refMrr.values().stream().map(ref -> b.result().test().mrr() - ref).toList();
      rows.add(new Row(b.label(), true, List.of(), metrics, MeanStd.of(deltas),
          (int) deltas.stream().filter(d -> d > 0).count()));
    }
    return new ResultTable(List.copyOf(rows), reference);
  }

  /** The row called {@code name}, or null. */
  public Row row(String name) {
    return rows.stream().filter(r -> r.label().name().equals(name)).findFirst().orElse(null);
  }
}
