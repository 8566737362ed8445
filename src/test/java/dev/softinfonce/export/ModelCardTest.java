package dev.softinfonce.export;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.softinfonce.config.ExperimentConfig;
import dev.softinfonce.eval.RetrievalResult;
import dev.softinfonce.train.TrainState;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The export's model card states what the run and its evaluations recorded; assets.extra holds no absolute path. */
class ModelCardTest {
  @TempDir Path root;

  @Test
  void cardStatesRecordedFiguresAndAssetsHoldNoAbsolutePath() throws Exception {
    Path train = Files.createDirectories(root.resolve("corpus")).resolve("train.jsonl");
    Files.write(train, List.of(
        "{\"url\": \"u1\", \"code_tokens\": [\"def\", \"read\"], \"docstring_tokens\": [\"read\", \"a\", \"file\"]}",
        "{\"url\": \"u2\", \"code_tokens\": [\"def\", \"sort\"], \"docstring_tokens\": [\"sort\", \"a\", \"list\"]}",
        "{\"url\": \"u3\", \"code_tokens\": [\"def\", \"get\"], \"docstring_tokens\": [\"get\", \"the\", \"name\"]}"));
    Files.writeString(train.resolveSibling("manifest.json"), "{\"splits\": {\"train\": {\"libraries\": [\"g:a:1\"],"
        + " \"queries\": 3}, \"valid\": {\"libraries\": [\"g:b:2\"], \"queries\": 2, \"codebase\": 9},"
        + " \"test\": {\"libraries\": [\"g:c:3\"], \"queries\": 4, \"codebase\": 11}}}");
    ExperimentConfig cfg = TinyCheckpoints.config("data.train=" + train.toAbsolutePath(),
        "data.test=" + root.toAbsolutePath().resolve("corpus/test.jsonl"), "train.output_dir=" + root.toAbsolutePath(),
        "objective.name=soft_infonce", "objective.alpha=1.5", "objective.beta=0.5", "estimator.name=bm25");
    Path ckpt = TinyCheckpoints.write(root.resolve("run/checkpoint-602"), TinyCheckpoints.Layout.TRAINER, cfg, 3L);
    Files.write(ckpt.resolve("state.json"), new ObjectMapper().writeValueAsBytes(new TrainState(602, 2, 0, 42, null,
        0.3602, 602, Map.of("valid_mrr", 0.3602, "valid_r@1", 0.25, "valid_r@10", 0.61, "valid_queries", 2475.0,
            "valid_pool", 4238.0))));
    ModelCard.recordEvaluation(ckpt, "test", new RetrievalResult.Metrics(2314, 2314, 0, 5474, 1000, "pessimistic",
        "dot", 0.3844, 0.2697, 0.5, 0.6124, 0.44), root.toAbsolutePath().resolve("corpus/test.jsonl").toString());

    Path v = new SavedModelExporter().export(ckpt, root.resolve("savedmodels/quickstart"), 1).versionDir();
    String card = Files.readString(v.resolve("assets.extra/README.md"));
    assertTrue(card.contains("# Model card: quickstart version 1"), card);
    assertTrue(card.contains("random initialisation"), card);
    assertTrue(card.contains("train.jsonl`, 3 pairs"), card);
    assertTrue(card.contains("train: 3 pairs — g:a:1"), card);
    assertTrue(card.contains("test: 4 pairs, pool 11 — g:c:3"), card);
    assertTrue(card.contains("name: soft_infonce") && card.contains("alpha: 1.5") && card.contains("name: bm25"), card);
    assertTrue(card.contains("Steps: 602 (epoch 2)"), card);
    assertTrue(card.contains("| valid (at this checkpoint) | 2475 | 4238 | 0.3602 | 0.2500 | - | 0.6100 | - |"), card);
    assertTrue(card.contains("| 2314 | 5474 | 0.3844 | 0.2697 | 0.5000 | 0.6124 | 0.4400 |"), card);
    assertTrue(card.contains("Precision: trained fp32; this export computes fp32"), card);
    assertTrue(card.contains("encode_query") && card.contains(":predict"), card);

    String abs = root.toAbsolutePath().toString();
    try (Stream<Path> files = Files.list(v.resolve("assets.extra"))) {
      for (Path f : files.filter(p -> !p.getFileName().toString().equals("tokenizer.json")).toList()) {
        String text = Files.readString(f);
        assertFalse(text.contains(abs), f + " holds an absolute path:\n" + text);
        assertFalse(text.matches("(?s).*[:\\s\"`(]/(tmp|work|root|home)/.*"), f + " holds an absolute path:\n" + text);
      }
    }
    // the shipped config still loads
    ExperimentConfig.load(v.resolve("assets.extra/config.yaml"), List.of());
  }
}
