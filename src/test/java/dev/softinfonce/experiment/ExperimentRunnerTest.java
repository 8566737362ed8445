package dev.softinfonce.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.softinfonce.config.ExperimentConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * End to end on a synthetic corpus with a tiny model and a few steps: the grid runs, references resolve
 * to the right checkpoints, tables are written, and a second start skips or continues what was done.
 */
class ExperimentRunnerTest {
  @TempDir Path dir;

  private Path experiment(String rest) throws IOException {
    TinyExperiment.corpus(dir, 96);
    Path f = dir.resolve("exp.yaml");
    Files.writeString(f, TinyExperiment.inlineBase(dir, 4) + "output_dir: " + dir.resolve("out") + "\n" + rest);
    return f;
  }

  private static ExperimentConfig config(RunResult r, Path tmp) throws IOException {
    Path f = tmp.resolve("cfg-" + r.row() + "-" + r.seed() + ".yaml");
    Files.writeString(f, r.config());
    return ExperimentConfig.load(f, List.of());
  }

  @Test
  void twoRowsTwoSeedsTablesAndResumeBySkipping() throws IOException {
    Path f = experiment("""
        seeds: [1, 2]
        rows:
          - name: infonce
            set: {objective.name: infonce}
          - name: soft_trained
            set:
              objective.name: soft_infonce
              objective.t: 5.0
              estimator.name: trained
              estimator.model: ${row:infonce}
        """);
    List<String> log = new ArrayList<>();
    ExperimentRunner.Outcome o = new ExperimentRunner(ExperimentSpec.load(f, List.of()), log::add).run();
    assertEquals(4, o.trained());
    assertEquals(0, o.skipped());
    assertEquals(List.of("infonce", "soft_trained", "bm25"), o.table().rows().stream().map(r -> r.label().name()).toList());
    assertEquals("Soft-InfoNCE", o.table().row("soft_trained").label().loss());
    assertEquals("Trained model", o.table().row("soft_trained").label().estimator());
    assertEquals(List.of(1L, 2L), o.table().row("soft_trained").seeds());
    assertEquals(2, o.table().row("soft_trained").deltaMrr().n());

    // The trained estimator of each seed is the InfoNCE run of that seed.
    for (long seed : List.of(1L, 2L)) {
      RunResult info = o.runs().stream().filter(r -> r.row().equals("infonce") && r.seed() == seed).findFirst().orElseThrow();
      RunResult soft = o.runs().stream().filter(r -> r.row().equals("soft_trained") && r.seed() == seed).findFirst().orElseThrow();
      ExperimentConfig softCfg = config(soft, dir);
      assertEquals(info.checkpoint(), softCfg.estimator().model());
      assertEquals(seed, softCfg.train().seed());
      assertTrue(info.checkpoint().contains("seed-" + seed), info.checkpoint());
      assertEquals(4, info.steps());
    }
    String md = Files.readString(o.markdown());
    assertEquals(TableWriter.markdown(o.table()), md);
    assertTrue(md.contains("| Soft-InfoNCE | Trained model |"), md);
    assertTrue(md.contains("| BM25 (lexical baseline) | – |"), md);
    assertEquals(4, Files.readString(o.csv()).split("\n").length);
    assertEquals(5, Files.readString(o.perSeedCsv()).split("\n").length);

    // Second start: everything is skipped, the table is the same.
    ExperimentRunner.Outcome again = new ExperimentRunner(ExperimentSpec.load(f, List.of()), s -> {}).run();
    assertEquals(0, again.trained());
    assertEquals(4, again.skipped());
    assertEquals(md, Files.readString(again.markdown()));

    // A lost result is redone from its finished run folder: same checkpoint, same numbers.
    RunResult lost = o.runs().get(3);
    Files.delete(dir.resolve("out/results/soft_trained/seed-2.json"));
    ExperimentRunner.Outcome redo = new ExperimentRunner(ExperimentSpec.load(f, List.of()), s -> {}).run();
    assertEquals(1, redo.trained());
    assertEquals(3, redo.skipped());
    RunResult back = redo.runs().get(3);
    assertEquals(lost.checkpoint(), back.checkpoint());
    assertEquals(lost.test().mrr(), back.test().mrr(), 1e-9);

    // Changing the experiment under a saved result is an error naming the key.
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new ExperimentRunner(
        ExperimentSpec.load(f, List.of("train.learning_rate=1e-3")), s -> {}).run());
    assertTrue(e.getMessage().contains("train.learning_rate"), e.getMessage());
  }

  @Test
  void prerequisiteTrainedOnceAndInterruptedRunContinues() throws IOException {
    Path f = experiment("""
        seeds: [1, 2]
        bm25_baseline: false
        prerequisites:
          enc:
            set: {objective.name: simcse, objective.t: 0.07, train.seed: 99}
        rows:
          - name: soft_simcse
            set:
              objective.name: soft_infonce
              objective.t: 0.1
              estimator.name: simcse
              estimator.model: ${prerequisite:enc}
        """);
    List<String> cli = List.of("train.checkpoint_every=2");
    List<String> log = new ArrayList<>();
    ExperimentRunner.Outcome o = new ExperimentRunner(ExperimentSpec.load(f, cli), log::add).run();
    assertEquals(2, o.trained());
    assertEquals(1, log.stream().filter(s -> s.startsWith("== prerequisite 'enc' (trained once")).count(), log.toString());
    RunResult enc = RunResult.read(dir.resolve("out/prerequisites/enc.json"));
    assertEquals(99, enc.seed());
    for (RunResult r : o.runs()) {
      assertEquals(enc.checkpoint(), config(r, dir).estimator().model());
    }
    assertEquals(List.of("soft_simcse"), o.table().rows().stream().map(r -> r.label().name()).toList());

    // Simulate a kill between checkpoints 2 and 4 of seed 2: the run continues from checkpoint-2.
    RunResult full = o.runs().get(1);
    Path run = dir.resolve("out/runs/soft_simcse/seed-2");
    assertTrue(Files.isDirectory(run.resolve("checkpoint-2")));
    deleteTree(run.resolve("checkpoint-4"));
    Files.delete(dir.resolve("out/results/soft_simcse/seed-2.json"));
    List<String> log2 = new ArrayList<>();
    ExperimentRunner.Outcome resumed = new ExperimentRunner(ExperimentSpec.load(f, cli), log2::add).run();
    assertEquals(1, resumed.trained());
    assertTrue(log2.stream().anyMatch(s -> s.contains("resuming the interrupted run from " + run.resolve("checkpoint-2"))),
        log2.toString());
    assertTrue(log2.stream().anyMatch(s -> s.contains("prerequisite 'enc': trained before")), log2.toString());
    RunResult again = resumed.runs().get(1);
    assertEquals(4, again.steps());
    assertEquals(full.test().mrr(), again.test().mrr(), 1e-6);
    assertEquals(full.validMrr(), again.validMrr(), 1e-6);
    assertNotEquals(null, again.checkpoint());
  }

  private static void deleteTree(Path p) throws IOException {
    try (var walk = Files.walk(p)) {
      for (Path x : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(x);
      }
    }
  }
}
