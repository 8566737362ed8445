package dev.softinfonce.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MetricsLogTest {

  @Test
  void oneFlushedJsonObjectPerLine(@TempDir Path run) throws Exception {
    try (MetricsLog log = MetricsLog.open(run)) {
      Map<String, Object> extra = new LinkedHashMap<>();
      extra.put("grad_norm", 1.5);
      extra.put("valid_mrr", 0.25);
      log.log(10, 0, 2.0, 5e-4, 120.5, extra);
      // flushed per line: readable before close
      List<String> lines = Files.readAllLines(run.resolve("metrics.jsonl"));
      assertEquals(1, lines.size());
      assertEquals("{\"step\":10,\"epoch\":0,\"loss\":2.0,\"lr\":5.0E-4,\"pairs_per_s\":120.5,"
          + "\"grad_norm\":1.5,\"valid_mrr\":0.25}", lines.get(0));
      log.log(20, 1, Double.NaN, 4e-4, 118, Map.of());
    }
    List<Map<String, Object>> recs = MetricsLog.read(run.resolve("metrics.jsonl"));
    assertEquals(2, recs.size());
    assertEquals(20, ((Number) recs.get(1).get("step")).intValue());
    assertEquals("NaN", recs.get(1).get("loss"), "non-finite values stay valid JSON");
  }

  @Test
  void resumeDropsLinesAfterTheCheckpointStepAndTornLines(@TempDir Path run) throws Exception {
    try (MetricsLog log = MetricsLog.open(run)) {
      for (int s = 10; s <= 50; s += 10) {
        log.log(s, 0, 1.0 / s, 1e-3, 100, Map.of());
      }
    }
    Files.writeString(run.resolve("metrics.jsonl"), "{\"step\":60,\"lo", java.nio.file.StandardOpenOption.APPEND);
    try (MetricsLog log = MetricsLog.open(run, 30)) {
      log.log(40, 0, 0.5, 1e-3, 100, Map.of());
    }
    List<Long> steps = MetricsLog.read(run.resolve("metrics.jsonl")).stream()
        .map(m -> ((Number) m.get("step")).longValue()).toList();
    assertEquals(List.of(10L, 20L, 30L, 40L), steps);
  }
}
