package dev.softinfonce.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.softinfonce.config.ExperimentConfig;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The harness builds and steps every variant's real training graph (figures are not checked: it is a benchmark). */
class ObjectiveBenchmarkTest {

  private static ExperimentConfig small(List<String> overrides) {
    List<String> all = new ArrayList<>(List.of("model.num_layers=1", "model.hidden_size=16", "model.num_heads=2",
        "model.intermediate_size=32", "model.vocab_size=60", "model.max_query_length=6",
        "model.max_code_length=10", "train.batch_size=6", "train.threads=1"));
    all.addAll(overrides);
    return ExperimentConfig.builder().overrides(all).build();
  }

  @Test
  void everyVariantTrainsAndIsTimed() {
    List<ObjectiveBenchmark.Row> rows = ObjectiveBenchmark.run(ObjectiveBenchmarkTest::small,
        ObjectiveBenchmark.variants(), 2, 1, 1);
    assertEquals(6, rows.size());
    assertEquals("infonce", rows.get(0).label());
    assertEquals(0.0, rows.get(0).overheadPercent(), 1e-12);
    for (ObjectiveBenchmark.Row r : rows) {
      assertTrue(r.msPerStepMedian() > 0, r.label());
      assertEquals(2, r.steps(), r.label());
    }
    assertTrue(ObjectiveBenchmark.table(rows).contains("soft_infonce + trained (cached)"));
  }

  @Test
  void trainBenchmarkReportsConsistentFigures() {
    ExperimentConfig cfg = small(List.of());
    TrainBenchmark.Report r = TrainBenchmark.run(cfg, 3, 1, new int[] {64});
    // pairs/s = B * steps / total seconds and ms/step mean = total / steps, hence pairs/s = B / mean seconds
    assertEquals(6 * 1000.0 / r.msPerStepMean(), r.pairsPerSecond(), 1e-6 * r.pairsPerSecond());
    // non-pad tokens per pair lie in [3 + 5, 6 + 10]
    double tokensPerPair = r.tokensPerSecond() / r.pairsPerSecond();
    assertTrue(tokensPerPair >= 8 && tokensPerPair <= 16, "tokens per pair " + tokensPerPair);
    double flops = TrainingFlops.perStep(cfg.model(), 6, 6, 10);
    assertEquals(flops / (r.msPerStepMedian() / 1000) / 1e9, r.achievedGflops(), 1e-9 * r.achievedGflops());
    assertEquals(r.achievedGflops() / r.matmulGflops().get(64), r.shareOfPeak(), 1e-12);
    assertTrue(Float.isFinite(r.lossLast()));
  }

  @Test
  void bf16TrainBenchmarkUsesTheBf16PeakAndProfilesAStep() {
    ExperimentConfig cfg = small(List.of("train.precision=bf16"));
    TrainBenchmark.Report r = TrainBenchmark.run(cfg, 2, 1, new int[] {64}, true);
    assertEquals("bf16", r.toMap().get("precision"));
    assertEquals(r.achievedGflops() / r.matmulGflops().get(64), r.shareOfPeak(), 1e-12);
    assertTrue(r.toMap().containsKey("profile_share_percent_by_op_type"));
    @SuppressWarnings("unchecked")
    java.util.Map<String, Double> shares = (java.util.Map<String, Double>) r.toMap().get("profile_share_percent_by_op_type");
    // oneDNN renames the matmuls it takes over (_MklMatMul, _MklNativeFusedMatMul): any MatMul type counts.
    assertTrue(shares.keySet().stream().anyMatch(type -> type.endsWith("MatMul")), shares.toString());
    double sum = shares.values().stream().mapToDouble(Double::doubleValue).sum();
    assertTrue(sum > 50 && sum <= 100.5, "top op types cover " + sum + " %");
    assertTrue(r.summary().contains("| op type | ms | share |"), r.summary());
  }
}
