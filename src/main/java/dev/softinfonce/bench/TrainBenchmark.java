package dev.softinfonce.bench;

import dev.softinfonce.config.ExperimentConfig;
import dev.softinfonce.config.ModelConfig;
import dev.softinfonce.config.Precision;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Training throughput of a config's real training step (dual encoder with dropout, estimator,
 * objective, AdamW with clipping) on random ids ({@link SyntheticBatch}), next to the machine's dense
 * matmul peak measured in the same run ({@link MatmulPeak}). Reports pairs/s, non-pad tokens/s,
 * the median step time and achieved GFLOP/s by {@link TrainingFlops#FORMULA}, as a share of the peak.
 * A benchmark, not a test.
 */
public final class TrainBenchmark {
  private TrainBenchmark() {}

  /** What one run measured. Times are seconds unless named otherwise. */
  public record Report(
      Map<String, Object> setup,
      double pairsPerSecond,
      double tokensPerSecond,
      double msPerStepMedian,
      double msPerStepMean,
      double achievedGflops,
      Map<Integer, Double> matmulGflops,
      double shareOfPeak,
      float lossLast,
      double loadAverageStart,
      double loadAverageEnd,
      StepProfile profile) {

    /** The report as an ordered map (for JSON). */
    public Map<String, Object> toMap() {
      Map<String, Object> m = new LinkedHashMap<>(setup);
      m.put("pairs_per_s", round(pairsPerSecond, 3));
      m.put("tokens_per_s", round(tokensPerSecond, 1));
      m.put("ms_per_step_median", round(msPerStepMedian, 2));
      m.put("ms_per_step_mean", round(msPerStepMean, 2));
      m.put("pairs_per_s_median", round((Integer) setup.get("batch") * 1000.0 / msPerStepMedian, 3));
      m.put("flops_formula", TrainingFlops.FORMULA);
      m.put("achieved_gflops", round(achievedGflops, 2));
      Map<String, Double> peak = new LinkedHashMap<>();
      matmulGflops.forEach((n, g) -> peak.put(String.valueOf(n), round(g, 1)));
      m.put("matmul_gflops", peak);
      m.put("share_of_peak", round(shareOfPeak, 4));
      m.put("loss_last", round(lossLast, 4));
      m.put("loadavg_start", round(loadAverageStart, 2));
      m.put("loadavg_end", round(loadAverageEnd, 2));
      if (profile != null) {
        m.put("profile_share_percent_by_op_type", profile.shares(15));
      }
      return m;
    }

    private String peakText() {
      StringBuilder sb = new StringBuilder();
      matmulGflops.forEach((n, g) -> sb.append(sb.length() == 0 ? "" : ", ")
          .append(String.format(Locale.ROOT, "n=%d: %.1f", n, g)));
      return "[" + sb + "]";
    }

    /** A few human-readable lines. */
    public String summary() {
      return String.format(Locale.ROOT,
          "batch %d, grad cache chunk %d: peak RSS %s MB (%s)%n"
              + "pairs/s %.2f  non-pad tokens/s %.0f  ms/step median %.1f (mean %.1f)%n"
              + "achieved %.2f GFLOP/s = %.1f %% of the TF %s matmul peak %s GFLOP/s (same run)%n"
              + "FLOPs: %s%ncpu %s%nload average %.1f -> %.1f",
          setup.get("batch"), setup.get("grad_cache_chunk"), setup.get("peak_rss_mb"), setup.get("peak_rss_covers"),
          pairsPerSecond, tokensPerSecond, msPerStepMedian, msPerStepMean, achievedGflops, 100 * shareOfPeak,
          setup.get("precision"), peakText(), TrainingFlops.FORMULA, setup.get("cpu"), loadAverageStart, loadAverageEnd)
          + (profile == null ? "" : String.format("%n%s", profile.table(15)));
    }
  }

  /**
   * Runs the benchmark.
   *
   * @param cfg the experiment config (model, objective, estimator, train.batch_size, train.threads, ...)
   * @param steps timed steps
   * @param warmup untimed steps first (graph optimisation, oneDNN primitive creation)
   * @param peakSizes matmul sizes for the peak (empty: skip)
   */
  public static Report run(ExperimentConfig cfg, int steps, int warmup, int[] peakSizes) {
    return run(cfg, steps, warmup, peakSizes, false);
  }

  /** As {@link #run(ExperimentConfig, int, int, int[])}; {@code profile} adds one traced step after the timed ones. */
  public static Report run(ExperimentConfig cfg, int steps, int warmup, int[] peakSizes, boolean profile) {
    if (steps < 1 || warmup < 0) {
      throw new IllegalArgumentException("--steps must be >= 1 and --warmup >= 0, got " + steps + " and " + warmup);
    }
    int threads = cfg.train().threads();
    double loadStart = Stats.loadAverage();
    Precision precision = cfg.train().precision();
    // The peak of the precision the step trains in: the share compares like with like.
    Map<Integer, Double> peak = MatmulPeak.measure(peakSizes, threads, 2, 7, precision);
    ModelConfig m = cfg.model();
    int batch = cfg.train().batchSize();
    List<Double> secs = new ArrayList<>();
    double tokens = 0;
    float loss;
    StepProfile traced;
    boolean peakReset;
    long peakRss;
    long rssBefore;
    try (StepRunner runner = new StepRunner(cfg, threads, cfg.train().seed())) {
      peakReset = Stats.resetPeakRss(); // the peak below is the steps' (not the matmul peak's or graph building's)
      rssBefore = Stats.rssBytes();
      for (int i = 0; i < warmup; i++) {
        runner.step();
      }
      for (int i = 0; i < steps; i++) {
        double[] r = runner.step();
        secs.add(r[0]);
        tokens += r[1];
      }
      loss = runner.lastLoss();
      peakRss = Stats.peakRssBytes();
      traced = profile ? runner.profileStep() : null;
    }
    double total = secs.stream().mapToDouble(Double::doubleValue).sum();
    double median = Stats.median(secs);
    double flops = TrainingFlops.perStep(m, batch, m.maxQueryLength(), m.maxCodeLength());
    double achieved = flops / median / 1e9;
    double best = peak.values().stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);

    Map<String, Object> setup = new LinkedHashMap<>();
    setup.put("impl", "softinfonce (TF Java " + org.tensorflow.TensorFlow.version() + ")");
    setup.put("threads", threads);
    setup.put("cpu", Stats.cpuDescription());
    setup.put("precision", dev.softinfonce.config.ConfigParser.yamlName(precision));
    Map<String, Object> model = new LinkedHashMap<>();
    model.put("layers", m.numLayers());
    model.put("hidden", m.hiddenSize());
    model.put("heads", m.numHeads());
    model.put("ff", m.intermediateSize());
    model.put("vocab", m.vocabSize());
    model.put("dropout", m.hiddenDropout());
    model.put("shared_towers", m.sharedTowers());
    model.put("non_embedding_params", TrainingFlops.nonEmbeddingParams(m));
    setup.put("model", model);
    setup.put("objective", dev.softinfonce.config.ConfigParser.yamlName(cfg.objective().name()));
    setup.put("estimator", cfg.objective().name().usesRelevance()
        ? dev.softinfonce.config.ConfigParser.yamlName(cfg.estimator().name()) : "none");
    setup.put("batch", batch);
    setup.put("grad_cache_chunk", cfg.train().gradCache().chunkSize()); // 0: one pass over the batch
    setup.put("peak_rss_mb", peakRss < 0 ? "unknown" : round(peakRss / 1048576.0, 1));
    setup.put("rss_before_steps_mb", rssBefore < 0 ? "unknown" : round(rssBefore / 1048576.0, 1));
    setup.put("peak_rss_covers", peakReset ? "the timed and warm-up steps (VmHWM reset before them)"
        : "the whole process (VmHWM could not be reset)");
    setup.put("qlen", m.maxQueryLength());
    setup.put("clen", m.maxCodeLength());
    setup.put("lengths", "real length per row uniform in [ceil(L/2), L], padded to L");
    setup.put("optimizer", "adamw");
    setup.put("clip", cfg.train().gradClip());
    setup.put("steps", steps);
    setup.put("warmup", warmup);
    setup.put("flops_per_step", flops);
    if (cfg.train().gradCache().enabled()) {
      setup.put("flops_note", "the formula counts one forward pass; a grad-cache step encodes every pair twice");
    }
    return new Report(setup, batch * steps / total, tokens / total, 1000 * median, 1000 * total / steps, achieved,
        peak, achieved / best, loss, loadStart, Stats.loadAverage(), traced);
  }

  static double round(double x, int digits) {
    double f = Math.pow(10, digits);
    return Math.round(x * f) / f;
  }
}
