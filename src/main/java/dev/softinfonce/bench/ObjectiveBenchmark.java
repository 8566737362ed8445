package dev.softinfonce.bench;

import dev.softinfonce.config.ExperimentConfig;
import dev.softinfonce.config.ObjectiveConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The paper's Table 8 analog (issue 4 item 5): the time of one training step with InfoNCE and with
 * Soft-InfoNCE under each relevance estimator, at the same model and batch, measured side by side in
 * one run. Every variant gets its own graph and session; after a warm-up of each, repetitions are
 * interleaved (variant 1, 2, ..., k, then again), so drift of a shared machine's load hits all
 * variants alike; the medians of the per-step times are compared. A benchmark, not a test.
 *
 * <p>Soft-InfoNCE hyper-parameters are the paper's Table 7 per estimator, read from the paper configs.
 * Frozen estimator models
 * (SimCSE encoder, trained model) have the trainee's architecture with random weights (see
 * {@link StepRunner}); the cached table has {@value StepRunner#CACHE_ROWS} rows.
 */
public final class ObjectiveBenchmark {
  private ObjectiveBenchmark() {}

  /** One row of the table: a label and the {@code --set} overrides that make the variant. */
  public record Variant(String label, List<String> overrides) {}

  /** One measured row. */
  public record Row(String label, double msPerStepMedian, double overheadPercent, double overheadPercentPaired,
      int steps) {}

  /** The paper's Soft-InfoNCE settings per estimator (Table 7), one config each in the configs folder. */
  static final String BM25_CONFIG = "paper-bm25.yaml";
  static final String SIMCSE_CONFIG = "paper-simcse.yaml";
  static final String TRAINED_CONFIG = "paper-trained.yaml";

  /**
   * The variants of the table, in print order; InfoNCE first (the reference). Soft-InfoNCE's alpha, beta
   * and t per estimator are read from the paper configs in {@code configs} ({@value #BM25_CONFIG},
   * {@value #SIMCSE_CONFIG}, {@value #TRAINED_CONFIG}): the configs are where those numbers live.
   */
  public static List<Variant> variants(Path configs) {
    String frozen = "estimator.model=bench-random-frozen";
    List<String> trained = paperWeights(configs, TRAINED_CONFIG);
    return List.of(
        new Variant("infonce", List.of("objective.name=infonce")),
        new Variant("soft_infonce + uniform", List.of("objective.name=soft_infonce", "estimator.name=uniform",
            "objective.alpha=1.0", "objective.beta=1.0", "objective.t=1.0")),
        new Variant("soft_infonce + bm25", soft(paperWeights(configs, BM25_CONFIG), "estimator.name=bm25")),
        new Variant("soft_infonce + simcse", soft(paperWeights(configs, SIMCSE_CONFIG), "estimator.name=simcse",
            frozen)),
        new Variant("soft_infonce + trained (online)", soft(trained, "estimator.name=trained",
            "estimator.mode=online", frozen)),
        new Variant("soft_infonce + trained (cached)", soft(trained, "estimator.name=trained",
            "estimator.mode=cached", frozen)));
  }

  /** {@code objective.alpha}, {@code beta} and {@code t} as the config file {@code configs/name} sets them. */
  static List<String> paperWeights(Path configs, String name) {
    Path file = configs.resolve(name);
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException("paper config " + file + " not found (it holds the variant's alpha, beta, t)");
    }
    ObjectiveConfig o = ExperimentConfig.load(file, List.of()).objective();
    return List.of("objective.alpha=" + o.alpha(), "objective.beta=" + o.beta(), "objective.t=" + o.t());
  }

  private static List<String> soft(List<String> weights, String... estimator) {
    List<String> all = new ArrayList<>(List.of("objective.name=soft_infonce"));
    all.addAll(List.of(estimator));
    all.addAll(weights);
    return all;
  }

  /**
   * Runs every variant on {@code base} (its model, batch and threads).
   *
   * @param configFor turns a variant's overrides into the full config (base file + user overrides + these)
   * @param reps interleaved repetitions
   * @param stepsPerRep timed steps of each variant per repetition
   * @param warmup untimed steps of each variant before the first repetition
   */
  public static List<Row> run(java.util.function.Function<List<String>, ExperimentConfig> configFor,
      List<Variant> variants, int reps, int stepsPerRep, int warmup) {
    if (reps < 1 || stepsPerRep < 1 || warmup < 0) {
      throw new IllegalArgumentException("need --reps >= 1, --steps >= 1, --warmup >= 0");
    }
    List<StepRunner> runners = new ArrayList<>();
    try {
      for (Variant v : variants) {
        ExperimentConfig cfg = configFor.apply(v.overrides());
        // Same data seed for every variant: all see the same batches.
        runners.add(new StepRunner(cfg, cfg.train().threads(), cfg.train().seed()));
      }
      for (StepRunner r : runners) {
        for (int i = 0; i < warmup; i++) {
          r.step();
        }
      }
      List<List<Double>> times = new ArrayList<>();
      List<List<Double>> repMedians = new ArrayList<>();
      for (int k = 0; k < runners.size(); k++) {
        times.add(new ArrayList<>());
        repMedians.add(new ArrayList<>());
      }
      for (int rep = 0; rep < reps; rep++) {
        for (int k = 0; k < runners.size(); k++) {
          List<Double> here = new ArrayList<>();
          for (int s = 0; s < stepsPerRep; s++) {
            here.add(runners.get(k).step()[0]);
          }
          times.get(k).addAll(here);
          repMedians.get(k).add(Stats.median(here));
        }
      }
      double ref = Stats.median(times.get(0));
      List<Row> rows = new ArrayList<>();
      for (int k = 0; k < runners.size(); k++) {
        double med = Stats.median(times.get(k));
        List<Double> paired = new ArrayList<>();
        for (int rep = 0; rep < reps; rep++) {
          paired.add(repMedians.get(k).get(rep) / repMedians.get(0).get(rep));
        }
        rows.add(new Row(variants.get(k).label(), 1000 * med, 100 * (med / ref - 1),
            100 * (Stats.median(paired) - 1), times.get(k).size()));
      }
      return rows;
    } finally {
      for (StepRunner r : runners) {
        r.close();
      }
    }
  }

  /** A Markdown table of the rows. */
  public static String table(List<Row> rows) {
    StringBuilder sb = new StringBuilder();
    sb.append("| objective + estimator | ms/step (median) | overhead vs InfoNCE | overhead (median of per-rep ratios) |\n");
    sb.append("|---|---:|---:|---:|\n");
    for (Row r : rows) {
      sb.append(String.format(Locale.ROOT, "| %s | %.1f | %s | %s |%n", r.label(), r.msPerStepMedian(),
          r.label().equals("infonce") ? "—" : String.format(Locale.ROOT, "%+.1f %%", r.overheadPercent()),
          r.label().equals("infonce") ? "—" : String.format(Locale.ROOT, "%+.1f %%", r.overheadPercentPaired())));
    }
    return sb.toString();
  }

  /** The rows as ordered maps (for JSON). */
  public static List<Map<String, Object>> toMaps(List<Row> rows) {
    List<Map<String, Object>> out = new ArrayList<>();
    for (Row r : rows) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("variant", r.label());
      m.put("ms_per_step_median", TrainBenchmark.round(r.msPerStepMedian(), 2));
      m.put("overhead_percent", TrainBenchmark.round(r.overheadPercent(), 2));
      m.put("overhead_percent_paired", TrainBenchmark.round(r.overheadPercentPaired(), 2));
      m.put("timed_steps", r.steps());
      out.add(m);
    }
    return out;
  }
}
