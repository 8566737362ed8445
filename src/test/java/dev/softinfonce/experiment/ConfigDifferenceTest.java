package dev.softinfonce.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.softinfonce.config.ExperimentConfig;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** When a saved result still counts: same config up to cosmetic keys and path spellings. */
class ConfigDifferenceTest {
  private static String yaml(String... sets) {
    var b = ExperimentConfig.builder();
    for (int i = 0; i < sets.length; i += 2) {
      b.set(sets[i], sets[i + 1]);
    }
    return b.build().toYaml();
  }

  @Test
  void cosmeticKeysAndPathSpellingsDoNotCount() {
    assertNull(ExperimentRunner.difference(yaml("train.progress", "true", "train.threads", "2"),
        yaml("train.progress", "false", "train.threads", "1")));
    String rel = "runs/x/checkpoint-4";
    assertNull(ExperimentRunner.difference(yaml("model.tokenizer", "t.json", "data.train", rel),
        yaml("model.tokenizer", "t.json", "data.train", Path.of(rel).toAbsolutePath().toString())));
  }

  @Test
  void bm25BaselineOnlyDependsOnDataTokenizerAndEval() {
    assertNull(ExperimentRunner.difference(yaml("train.max_steps", "10"), yaml("train.max_steps", "20"),
        ExperimentRunner::affectsBm25));
    assertEquals("eval.rank_cutoff: saved 1000, now 100", ExperimentRunner.difference(yaml(),
        yaml("eval.rank_cutoff", "100"), ExperimentRunner::affectsBm25));
  }

  @Test
  void realDifferencesAreNamed() {
    assertEquals("train.learning_rate: saved 0.001, now 0.002",
        ExperimentRunner.difference(yaml("train.learning_rate", "1e-3"), yaml("train.learning_rate", "2e-3")));
    assertEquals("data.train: saved null, now a.jsonl",
        ExperimentRunner.difference(yaml(), yaml("data.train", "a.jsonl")));
  }
}
