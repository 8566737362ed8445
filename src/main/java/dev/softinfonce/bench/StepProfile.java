package dev.softinfonce.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.tensorflow.proto.DeviceStepStats;
import org.tensorflow.proto.NodeExecStats;
import org.tensorflow.proto.RunMetadata;

/**
 * Where one traced training step's time goes, by op type: TF's step stats of a run with
 * {@code RunOptions.TraceLevel.FULL_TRACE}, each node's {@code all_end_rel_micros} summed per op type.
 * The op type is read from the node's timeline label ({@code "name = Type(inputs)"}), so ops created by
 * Grappler (e.g. {@code _FusedMatMul}) appear under their own names. Tracing slows the step a little; the
 * shares, not the absolute times, are the point.
 *
 * @param microsByOpType summed op time per op type, largest first
 * @param totalMicros summed op time of all nodes (with 2 threads this can exceed wall time)
 * @param wallMillis wall time of the traced run
 */
public record StepProfile(Map<String, Double> microsByOpType, double totalMicros, double wallMillis) {

  /** Aggregates a traced run's metadata. */
  public static StepProfile of(RunMetadata metadata, double wallMillis) {
    Map<String, Double> by = new LinkedHashMap<>();
    double total = 0;
    for (DeviceStepStats d : metadata.getStepStats().getDevStatsList()) {
      for (NodeExecStats n : d.getNodeStatsList()) {
        double us = n.getAllEndRelMicros();
        by.merge(opType(n), us, Double::sum);
        total += us;
      }
    }
    List<Map.Entry<String, Double>> sorted = new ArrayList<>(by.entrySet());
    sorted.sort((a, b) -> Double.compare(b.getValue(), a.getValue()));
    Map<String, Double> ordered = new LinkedHashMap<>();
    sorted.forEach(e -> ordered.put(e.getKey(), e.getValue()));
    return new StepProfile(ordered, total, wallMillis);
  }

  private static String opType(NodeExecStats n) {
    String label = n.getTimelineLabel();
    int eq = label.indexOf(" = ");
    if (eq < 0) {
      return n.getNodeName();
    }
    String rest = label.substring(eq + 3);
    int paren = rest.indexOf('(');
    return paren < 0 ? rest : rest.substring(0, paren);
  }

  /** A Markdown table of the {@code top} op types: summed ms and share of the summed op time. */
  public String table(int top) {
    StringBuilder sb = new StringBuilder(String.format(Locale.ROOT,
        "traced step: wall %.0f ms, summed op time %.0f ms%n| op type | ms | share |%n|---|---:|---:|%n",
        wallMillis, totalMicros / 1000));
    microsByOpType.entrySet().stream().limit(top).forEach(e -> sb.append(String.format(Locale.ROOT,
        "| %s | %.1f | %.1f %% |%n", e.getKey(), e.getValue() / 1000, 100 * e.getValue() / totalMicros)));
    return sb.toString();
  }

  /** Share of the summed op time per op type (for JSON), rounded to 0.1 %. */
  public Map<String, Double> shares(int top) {
    Map<String, Double> m = new LinkedHashMap<>();
    microsByOpType.entrySet().stream().limit(top)
        .forEach(e -> m.put(e.getKey(), Math.round(1000 * e.getValue() / totalMicros) / 10.0));
    return m;
  }
}
