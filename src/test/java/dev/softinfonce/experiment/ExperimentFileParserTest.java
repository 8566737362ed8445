package dev.softinfonce.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.softinfonce.config.ConfigException;
import dev.softinfonce.config.EstimatorConfig;
import dev.softinfonce.config.ExperimentConfig;
import dev.softinfonce.config.ObjectiveConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The experiment file format: what it accepts, and errors that name the file and line. */
class ExperimentFileParserTest {
  @TempDir Path dir;

  private static final String ROWS = """
      seeds: [1, 2]
      rows:
        - name: infonce
          set: {objective.name: infonce}
        - name: soft_trained
          set:
            objective.name: soft_infonce
            estimator.name: trained
            estimator.model: ${row:infonce}
      """;

  private Path write(String text) throws IOException {
    Path f = dir.resolve("exp.yaml");
    Files.writeString(f, text);
    return f;
  }

  private String error(String text) throws IOException {
    Path f = write(text);
    return assertThrows(ConfigException.class, () -> ExperimentSpec.load(f, List.of())).getMessage();
  }

  @Test
  void parsesInlineBaseRowsReferencesAndPrerequisites() throws IOException {
    Path f = write(TinyExperiment.inlineBase(dir, 5) + """
        output_dir: %s
        set: ["train.learning_rate=2e-3"]
        reference: infonce
        prerequisites:
          enc:
            set: {train.seed: 7}
        seeds: [1234, 12345, 123456]
        rows:
          - name: infonce
            set: [objective.name=infonce, estimator.name=uniform]
          - name: soft_simcse
            loss: Soft-InfoNCE
            estimator: SimCSE (stand-in)
            set:
              objective.name: soft_infonce
              objective.t: 0.1
              estimator.name: simcse
              estimator.model: ${prerequisite:enc}
        """.formatted(dir.resolve("out")));
    ExperimentSpec s = ExperimentSpec.load(f, List.of("train.max_steps=3"));
    assertEquals(List.of(1234L, 12345L, 123456L), s.seeds());
    assertEquals(dir.resolve("out"), s.outputDir());
    assertTrue(s.bm25Baseline());
    assertFalse(s.javaCorpus());
    assertEquals(List.of("infonce", "soft_simcse"), s.rows().stream().map(RowSpec::name).toList());
    assertNull(s.rows().get(0).loss());
    assertEquals("SimCSE (stand-in)", s.rows().get(1).estimator());
    assertEquals(f + ":41", s.rows().get(1).settings().get(1).source()); // objective.t

    ExperimentConfig base = s.baseConfig();
    assertEquals(2e-3, base.train().learningRate());
    assertEquals(3, base.train().maxSteps(), "the command line's --set is applied last");
    ExperimentConfig row = s.rowConfig(base, s.rows().get(1), 12345, dir.resolve("r"), ref -> "/ckpt/" + ref.name());
    assertEquals(ObjectiveConfig.Name.SOFT_INFONCE, row.objective().name());
    assertEquals(EstimatorConfig.Name.SIMCSE, row.estimator().name());
    assertEquals("/ckpt/enc", row.estimator().model());
    assertEquals(12345, row.train().seed());
    assertEquals(dir.resolve("r").toString(), row.train().outputDir());
    ExperimentConfig pre = s.prerequisiteConfig(base, s.prerequisite("enc"), dir.resolve("p"));
    assertEquals(7, pre.train().seed());
    assertEquals(base.data().train(), pre.data().train());
  }

  @Test
  void shippedJavaExperimentParses() {
    ExperimentSpec s = ExperimentSpec.load(Path.of("configs/experiment-java.yaml"), List.of());
    assertEquals(List.of(1234L, 12345L, 123456L), s.seeds());
    assertTrue(s.javaCorpus());
    assertEquals(List.of("infonce", "soft_infonce_bm25", "soft_infonce_trained", "soft_infonce_simcse"),
        s.rows().stream().map(RowSpec::name).toList());
    ExperimentConfig base = s.baseConfig();
    ExperimentConfig trained = s.rowConfig(base, s.row("soft_infonce_trained"), 12345, dir, ref -> "ref:" + ref.name());
    assertEquals("ref:infonce", trained.estimator().model());
    assertEquals(5.0, trained.objective().t());
    assertEquals(1, trained.train().epochs());
    assertEquals(64, trained.train().batchSize(), "the quick start's batch");
    ExperimentConfig simcse = s.prerequisiteConfig(base, s.prerequisite("simcse"), dir);
    assertEquals(ObjectiveConfig.Name.SIMCSE, simcse.objective().name());
  }

  @Test
  void shippedPretrainedExperimentParses() {
    ExperimentSpec s = ExperimentSpec.load(Path.of("configs/experiment-java-pretrained.yaml"), List.of());
    assertEquals(List.of(1234L, 12345L, 123456L), s.seeds());
    assertEquals(List.of("infonce", "soft_infonce_bm25", "soft_infonce_simcse", "soft_infonce_trained",
        "soft_infonce_trained_cached", "infonce_b256", "soft_infonce_bm25_b256"),
        s.rows().stream().map(RowSpec::name).toList());
    ExperimentConfig base = s.baseConfig();
    assertEquals("pretrained:all-minilm-l6-v2", base.model().initFrom());
    assertEquals(384, base.model().hiddenSize(), "the start's architecture");
    for (RowSpec row : s.rows()) {
      ExperimentConfig c = s.rowConfig(base, row, 1234, dir, ref -> "ref:" + ref.name());
      assertEquals(32L * 80, (long) c.train().batchSize() * c.train().maxSteps(), row.name() + ": same pairs per row");
      assertEquals("pretrained:all-minilm-l6-v2", c.model().initFrom(), row.name());
    }
    ExperimentConfig b256 = s.rowConfig(base, s.row("soft_infonce_bm25_b256"), 1, dir, ref -> "ref:" + ref.name());
    assertEquals(32, b256.train().gradCache().chunkSize(), "batch 256 in the memory of batch 32");
    ExperimentConfig cached = s.rowConfig(base, s.row("soft_infonce_trained_cached"), 1, dir, ref -> "ref:" + ref.name());
    assertEquals(EstimatorConfig.Mode.CACHED, cached.estimator().mode());
    ExperimentConfig simcse = s.prerequisiteConfig(base, s.prerequisite("simcse"), dir);
    assertEquals(ObjectiveConfig.Name.SIMCSE, simcse.objective().name());
    assertEquals("pretrained:all-minilm-l6-v2", simcse.model().initFrom());
  }

  @Test
  void shippedQuickstartPresetParsesAndTheTinyBaseDropsTheZeroShotRow() {
    ExperimentSpec s = ExperimentSpec.load(Path.of("configs/experiment-quickstart.yaml"), List.of());
    assertEquals(List.of(1234L), s.seeds());
    assertTrue(s.zeroShot() && s.exportBest() && s.bm25Baseline() && s.javaCorpus());
    assertEquals(Path.of("runs/quickstart"), s.outputDir());
    assertEquals(List.of("infonce", "soft_infonce_bm25"), s.rows().stream().map(RowSpec::name).toList());
    ExperimentConfig base = s.baseConfig();
    assertEquals("pretrained:all-minilm-l6-v2", base.model().initFrom());
    ExperimentConfig soft = s.rowConfig(base, s.row("soft_infonce_bm25"), 1234, dir, ref -> "ref:" + ref.name());
    assertEquals(ObjectiveConfig.Name.SOFT_INFONCE, soft.objective().name());
    assertEquals(EstimatorConfig.Name.BM25, soft.estimator().name());
    // the paper's BM25 setting, as configs/paper-bm25.yaml types it
    ObjectiveConfig paper = ExperimentConfig.load(Path.of("configs/paper-bm25.yaml"), List.of()).objective();
    assertEquals(List.of(paper.alpha(), paper.beta(), paper.t()),
        List.of(soft.objective().alpha(), soft.objective().beta(), soft.objective().t()));

    ExperimentSpec tiny = s.withBase(Path.of("configs/quickstart-tiny.yaml"));
    assertFalse(tiny.zeroShot(), "the tiny model trains from scratch: no start to evaluate");
    assertTrue(tiny.exportBest());
    assertNull(tiny.baseConfig().model().initFrom());
    assertEquals(128, tiny.baseConfig().model().hiddenSize());
    assertEquals("runs/quickstart-tiny", tiny.baseConfig().train().outputDir());
  }

  @Test
  void zeroShotNeedsAStart() throws IOException {
    Path f = write("base: {model: {hidden_size: 32}}\nzero_shot: true\n" + ROWS);
    ConfigException e = assertThrows(ConfigException.class, () -> ExperimentSpec.load(f, List.of()));
    assertTrue(e.getMessage().startsWith(f + ": zero_shot: true needs model.init_from"), e.getMessage());
    Path bad = write("base: {}\nzero_shot: maybe\n" + ROWS);
    ConfigException b = assertThrows(ConfigException.class, () -> ExperimentSpec.load(bad, List.of()));
    assertTrue(b.getMessage().startsWith(bad + ":2: zero_shot: expected true or false"), b.getMessage());
  }

  @Test
  void baseFileAndDefaults() throws IOException {
    Path base = dir.resolve("base.yaml");
    Files.writeString(base, "train:\n  batch_size: 16\n");
    Path f = write("base: " + base + "\n" + ROWS);
    ExperimentSpec s = ExperimentSpec.load(f, List.of());
    assertEquals(16, s.baseConfig().train().batchSize());
    assertEquals(Path.of("runs", "experiments", "exp"), s.outputDir());
    assertEquals("infonce", s.reference(), "the first row is the reference by default");
  }

  @Test
  void unknownTopLevelKeyNamesTheLine() throws IOException {
    String msg = error(TinyExperiment.inlineBase(dir, 5) + "sedes: [1]\n" + ROWS);
    assertTrue(msg.startsWith(dir.resolve("exp.yaml") + ":26: unknown key 'sedes'"), msg);
    assertTrue(msg.contains("did you mean 'seeds'"), msg);
  }

  @Test
  void unknownKeyInARowNamesTheLine() throws IOException {
    String msg = error("base: {}\nseeds: [1]\nrows:\n  - name: a\n    sett: {objective.name: infonce}\n");
    assertTrue(msg.startsWith(dir.resolve("exp.yaml") + ":5: unknown key 'sett' in row"), msg);
  }

  @Test
  void unknownConfigKeyInARowNamesItsLine() throws IOException {
    String msg = error("base: {}\nseeds: [1]\nrows:\n  - name: a\n    set:\n      objective.name: infonce\n"
        + "      objective.nam: soft_infonce\n");
    assertTrue(msg.startsWith(dir.resolve("exp.yaml") + ":7: row 'a': unknown key 'objective.nam'"), msg);
    assertTrue(msg.contains("did you mean 'name'"), msg);
  }

  @Test
  void badConfigValueInARowNamesItsLine() throws IOException {
    String msg = error("base: {}\nseeds: [1]\nrows:\n  - name: a\n    set: [\"train.batch_size=many\"]\n");
    assertTrue(msg.startsWith(dir.resolve("exp.yaml") + ":5: row 'a': train.batch_size: expected an integer"), msg);
  }

  @Test
  void badCommandLineValueIsBlamedOnTheCommandLine() throws IOException {
    Path f = write("base: {}\nseeds: [1]\nrows:\n  - name: a\n    set: {train.batch_size: 8}\n");
    String msg = assertThrows(ConfigException.class,
        () -> ExperimentSpec.load(f, List.of("train.batch_size=many"))).getMessage();
    assertTrue(msg.contains("(--set train.batch_size=many)"), msg);
    assertFalse(msg.startsWith(f + ":5"), msg);
  }

  @Test
  void unknownKeyInInlineBaseNamesItsLine() throws IOException {
    String msg = error("base:\n  train:\n    batch_sise: 8\nseeds: [1]\nrows:\n  - name: a\n");
    assertTrue(msg.contains(dir.resolve("exp.yaml") + ":3"), msg);
    assertTrue(msg.contains("train.batch_sise"), msg);
  }

  @Test
  void crossCheckFailureNamesTheRowSetting() throws IOException {
    // infonce with a bm25 estimator is rejected by the config's cross-check, reported at the estimator line
    String msg = error("base: {}\nseeds: [1]\nrows:\n  - name: a\n    set:\n      objective.name: infonce\n"
        + "      estimator.name: bm25\n");
    assertTrue(msg.startsWith(dir.resolve("exp.yaml") + ":7: row 'a': estimator.name"), msg);
  }

  @Test
  void referencesMustPointBackwardsOrAtDeclaredPrerequisites() throws IOException {
    String later = error("base: {}\nseeds: [1]\nrows:\n  - name: a\n    set: {estimator.model: '${row:b}'}\n"
        + "  - name: b\n");
    assertTrue(later.startsWith(dir.resolve("exp.yaml") + ":5: row 'a': ${row:b} must name an earlier row"), later);
    String prereq = error("base: {}\nseeds: [1]\nrows:\n  - name: a\n    set: {estimator.model: '${prerequisite:x}'}\n");
    assertTrue(prereq.contains(":5: row 'a': unknown prerequisite 'x'"), prereq);
  }

  @Test
  void structuralErrors() throws IOException {
    assertTrue(error("base: {}\nrows:\n  - name: a\n").contains("'seeds' is required"));
    assertTrue(error("base: {}\nseeds: [1, 1]\nrows:\n  - name: a\n").contains(":2: seeds: 1 is listed twice"));
    assertTrue(error("base: {}\nseeds: [1]\nrows:\n  - name: a\n  - name: a\n").contains(":5: rows: duplicate row name 'a'"));
    assertTrue(error("base: {}\nseeds: [x]\nrows:\n  - name: a\n").contains(":2: seeds: expected an integer"));
    assertTrue(error("base: nothere.yaml\nseeds: [1]\nrows:\n  - name: a\n").contains(":1: base: config file 'nothere.yaml' not found"));
    assertTrue(error("base: {}\nseeds: [1]\nreference: c\nrows:\n  - name: a\n").contains(":3: reference: no row named 'c'"));
    assertTrue(error("base: {}\nseeds: [1]\nset: {estimator.model: '${row:a}'}\nrows:\n  - name: a\n")
        .contains(":3: set: references"));
    assertTrue(error("base: {}\nseeds: [1]\nrows:\n  - name: a/b\n").contains(":4: row name 'a/b'"));
    assertTrue(error("base: {}\nseeds: [1]\nrows: [\n").contains("invalid YAML"));
  }
}
