package dev.softinfonce.experiment;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Renders a {@link ResultTable} as Markdown (mean ± std, 4 decimals) and CSV (mean and std in separate
 * columns, full precision), and the per-seed results as CSV. CSV follows RFC 4180 (fields with a comma,
 * quote or line break are quoted, quotes doubled).
 */
public final class TableWriter {
  private static final int DECIMALS = 4;

  private TableWriter() {}

  /** The table plus a one-line legend. */
  public static String markdown(ResultTable t) {
    ResultTable.Row ref = t.row(t.reference());
    String refLabel = ref == null ? t.reference() : label(ref.label());
    StringBuilder sb = new StringBuilder();
    List<String> head = new ArrayList<>(List.of("Loss", "Estimator"));
    for (ResultTable.Metric m : ResultTable.Metric.values()) {
      head.add(m.label);
    }
    head.add("Δ MRR vs " + refLabel);
    head.add("seeds");
    sb.append("| ").append(String.join(" | ", head)).append(" |\n");
    sb.append("|").append("---|".repeat(head.size())).append('\n');
    for (ResultTable.Row r : t.rows()) {
      List<String> cells = new ArrayList<>(List.of(r.label().loss(), r.label().estimator()));
      for (ResultTable.Metric m : ResultTable.Metric.values()) {
        cells.add(r.metrics().get(m).format(DECIMALS, false));
      }
      cells.add(r.deltaMrr().n() == 0 ? "–"
          : r.deltaMrr().format(DECIMALS, true) + " (" + r.wins() + "/" + r.deltaMrr().n() + ")");
      cells.add(r.baseline() ? "–" : String.valueOf(r.seeds().size()));
      sb.append("| ").append(cells.stream().map(TableWriter::mdCell).collect(Collectors.joining(" | "))).append(" |\n");
    }
    sb.append('\n').append("Test split; mean ± sample std over seeds (std needs two or more). Δ MRR: difference to ")
        .append(refLabel).append(" paired by seed, (k/n) = seeds in which the row's MRR is higher.");
    if (t.rows().stream().anyMatch(ResultTable.Row::baseline)) {
      sb.append(" A baseline has no seed: it is compared with each seed of the reference.");
    }
    sb.append('\n');
    return sb.toString();
  }

  /** One line per row: labels, then mean and std of each metric, then Δ MRR and wins. */
  public static String csv(ResultTable t) {
    List<String> head = new ArrayList<>(List.of("row", "loss", "estimator", "seeds"));
    for (ResultTable.Metric m : ResultTable.Metric.values()) {
      String k = key(m);
      head.add(k + "_mean");
      head.add(k + "_std");
    }
    head.addAll(List.of("delta_mrr_mean", "delta_mrr_std", "delta_mrr_wins", "delta_mrr_pairs"));
    StringBuilder sb = new StringBuilder(line(head));
    for (ResultTable.Row r : t.rows()) {
      List<String> cells = new ArrayList<>(List.of(r.label().name(), r.label().loss(), r.label().estimator(),
          r.baseline() ? "" : String.valueOf(r.seeds().size())));
      for (ResultTable.Metric m : ResultTable.Metric.values()) {
        MeanStd v = r.metrics().get(m);
        cells.add(num(v.mean()));
        cells.add(num(v.std()));
      }
      cells.add(num(r.deltaMrr().mean()));
      cells.add(num(r.deltaMrr().std()));
      cells.add(r.deltaMrr().n() == 0 ? "" : String.valueOf(r.wins()));
      cells.add(String.valueOf(r.deltaMrr().n()));
      sb.append(line(cells));
    }
    return sb.toString();
  }

  /** Every finished run: one line per row and seed, in the given order. */
  public static String perSeedCsv(List<RunResult> runs, Map<String, ResultTable.Label> labels) {
    List<String> head = new ArrayList<>(List.of("row", "loss", "estimator", "seed"));
    for (ResultTable.Metric m : ResultTable.Metric.values()) {
      head.add(key(m));
    }
    head.addAll(List.of("valid_mrr", "steps", "train_seconds", "eval_seconds", "checkpoint"));
    StringBuilder sb = new StringBuilder(line(head));
    for (RunResult r : runs) {
      ResultTable.Label l = labels.getOrDefault(r.row(), new ResultTable.Label(r.row(), "", ""));
      List<String> cells = new ArrayList<>(List.of(r.row(), l.loss(), l.estimator(), String.valueOf(r.seed())));
      for (ResultTable.Metric m : ResultTable.Metric.values()) {
        cells.add(num(m.of(r.test())));
      }
      cells.add(r.validMrr() == null ? "" : num(r.validMrr()));
      cells.add(String.valueOf(r.steps()));
      cells.add(String.format(Locale.ROOT, "%.1f", r.trainSeconds()));
      cells.add(String.format(Locale.ROOT, "%.1f", r.evalSeconds()));
      cells.add(r.checkpoint() == null ? "" : r.checkpoint());
      sb.append(line(cells));
    }
    return sb.toString();
  }

  static String label(ResultTable.Label l) {
    return l.estimator().equals("–") || l.estimator().isEmpty() ? l.loss() : l.loss() + " (" + l.estimator() + ")";
  }

  private static String key(ResultTable.Metric m) {
    return m.label.toLowerCase(Locale.ROOT);
  }

  private static String num(double d) {
    return Double.isNaN(d) ? "" : String.format(Locale.ROOT, "%.6f", d);
  }

  private static String mdCell(String s) {
    return s.replace("|", "\\|");
  }

  private static String line(List<String> cells) {
    return cells.stream().map(TableWriter::csvField).collect(Collectors.joining(",")) + "\n";
  }

  static String csvField(String s) {
    return s.contains(",") || s.contains("\"") || s.contains("\n") || s.contains("\r")
        ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
  }
}
