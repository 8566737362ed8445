package dev.softinfonce.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.softinfonce.config.ExperimentConfig;
import dev.softinfonce.config.ObjectiveConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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
        ObjectiveBenchmark.variants(Path.of("configs")), 2, 1, 1);
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
  void softInfoNceVariantsTakeAlphaBetaTFromThePaperConfigs(@TempDir Path dir) throws IOException {
    for (String f : List.of("paper-bm25.yaml", "paper-simcse.yaml", "paper-trained.yaml")) {
      Files.copy(Path.of("configs", f), dir.resolve(f));
    }
    Path bm25 = dir.resolve("paper-bm25.yaml");
    Files.writeString(bm25, Files.readString(bm25).replace("alpha: 1.5", "alpha: 2.25").replace("  t: 1.0", "  t: 0.3"));
    Path trained = dir.resolve("paper-trained.yaml");
    Files.writeString(trained, Files.readString(trained).replace("beta: 0.7", "beta: 0.45"));
    Map<String, List<String>> v = ObjectiveBenchmark.variants(dir).stream()
        .collect(Collectors.toMap(ObjectiveBenchmark.Variant::label, ObjectiveBenchmark.Variant::overrides));
    assertTrue(v.get("soft_infonce + bm25").containsAll(List.of("objective.alpha=2.25", "objective.t=0.3")), v.toString());
    assertTrue(v.get("soft_infonce + trained (online)").contains("objective.beta=0.45"), v.toString());
    assertTrue(v.get("soft_infonce + trained (cached)").contains("objective.beta=0.45"), v.toString());
    // the SimCSE variant reads its own file, untouched here: the shipped one's values
    ObjectiveConfig simcse = ExperimentConfig.load(Path.of("configs", "paper-simcse.yaml"), List.of()).objective();
    assertTrue(v.get("soft_infonce + simcse").contains("objective.t=" + simcse.t()), v.toString());
    Files.delete(bm25);
    String err = assertThrows(IllegalArgumentException.class, () -> ObjectiveBenchmark.variants(dir)).getMessage();
    assertTrue(err.contains(bm25.toString()), err);
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
