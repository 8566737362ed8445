package dev.softinfonce.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigParserTest {
  @TempDir Path dir;

  private Path yaml(String text) throws IOException {
    Path p = dir.resolve("x.yaml");
    Files.writeString(p, text);
    return p;
  }

  @Test
  void defaultsMatchTheAnnotations() {
    ExperimentConfig c = ExperimentConfig.defaults();
    assertEquals(32, c.train().batchSize());
    assertEquals(0.1, c.objective().minWeight());
    assertEquals(ObjectiveConfig.Name.INFONCE, c.objective().name());
    assertEquals(ModelConfig.Pooling.MEAN, c.model().pooling());
    assertNull(c.data().train());
    assertEquals(List.of(), c.data().javaCorpus());
  }

  @Test
  void fileThenOverridesThenTypes() throws IOException {
    Path p = yaml("""
        objective:
          name: soft_infonce
          alpha: 1.5
          beta: 0.5
        estimator:
          name: bm25
        train:
          batch_size: 16
        data:
          java_corpus: [a:b:1, c:d:2]
        """);
    ExperimentConfig c = ExperimentConfig.load(p, List.of("train.batch_size=64", "train.learning_rate=1e-4"));
    assertEquals(64, c.train().batchSize());
    assertEquals(1e-4, c.train().learningRate());
    assertEquals(1.5, c.objective().alpha());
    assertEquals(EstimatorConfig.Name.BM25, c.estimator().name());
    assertEquals(List.of("a:b:1", "c:d:2"), c.data().javaCorpus());
  }

  @Test
  void misspelledKeyNamesKeyLineAndSuggestion() throws IOException {
    Path p = yaml("""
        train:
          batch_size: 16

          lerning_rate: 0.1
        """);
    ConfigException e = assertThrows(ConfigException.class, () -> ExperimentConfig.load(p, List.of()));
    assertEquals("train.lerning_rate", e.key());
    assertTrue(e.getMessage().contains(p + ":4"), e.getMessage());
    assertTrue(e.getMessage().contains("did you mean 'learning_rate'"), e.getMessage());
  }

  @Test
  void unknownSectionIsAnError() throws IOException {
    Path p = yaml("trian:\n  batch_size: 3\n");
    ConfigException e = assertThrows(ConfigException.class, () -> ExperimentConfig.load(p, List.of()));
    assertTrue(e.getMessage().contains(p + ":1") && e.getMessage().contains("'train'"), e.getMessage());
  }

  @Test
  void wrongTypeNamesKeyValueAndLine() throws IOException {
    Path p = yaml("model:\n  hidden_size: 64\n  num_layers: two\n");
    ConfigException e = assertThrows(ConfigException.class, () -> ExperimentConfig.load(p, List.of()));
    assertEquals("model.num_layers", e.key());
    assertTrue(e.getMessage().contains("'two'") && e.getMessage().contains(p + ":3")
        && e.getMessage().contains("integer"), e.getMessage());
  }

  @Test
  void outOfRangeAndBadEnum() {
    ConfigException range = assertThrows(ConfigException.class,
        () -> ExperimentConfig.builder().overrides(List.of("train.batch_size=1")).build());
    assertTrue(range.getMessage().contains("train.batch_size: must be >= 2, got '1' (--set train.batch_size=1)"),
        range.getMessage());
    ConfigException en = assertThrows(ConfigException.class,
        () -> ExperimentConfig.builder().set("model.pooling", "max").build());
    assertTrue(en.getMessage().contains("cls | mean | pooler"), en.getMessage());
    assertThrows(ConfigException.class, () -> ExperimentConfig.builder().set("objective.t", 0).build());
  }

  @Test
  void crossFieldRulesAreRejectedNotOverwritten() {
    ConfigException heads = assertThrows(ConfigException.class,
        () -> ExperimentConfig.builder().set("model.hidden_size", 100).set("model.num_heads", 3).build());
    assertEquals("model.num_heads", heads.key());
    ConfigException unused = assertThrows(ConfigException.class,
        () -> ExperimentConfig.builder().set("estimator.name", "bm25").build());
    assertTrue(unused.getMessage().contains("no effect with objective infonce"), unused.getMessage());
    ConfigException denom = assertThrows(ConfigException.class, () -> ExperimentConfig.builder()
        .set("objective.name", "soft_infonce").set("objective.alpha", 2.0).set("objective.beta", 0.5)
        .set("train.batch_size", 4).build());
    assertTrue(denom.getMessage().contains("Eq. 4 denominator"), denom.getMessage());
    assertThrows(ConfigException.class, () -> ExperimentConfig.builder()
        .set("objective.name", "soft_infonce").set("estimator.name", "simcse").build());
  }

  @Test
  void resolvedYamlRoundTrips() throws IOException {
    ExperimentConfig c = ExperimentConfig.builder().set("objective.name", "soft_infonce")
        .set("estimator.name", "bm25").set("data.train", "some dir/train.jsonl")
        .set("data.java_corpus", List.of("g:a:1", "g:b:2")).set("train.seed", 7).build();
    Path p = yaml(c.toYaml());
    assertEquals(c, ExperimentConfig.load(p, List.of()));
    assertEquals(c, c.toBuilder().build());
  }

  @Test
  void emptyFileMeansDefaults() throws IOException {
    assertEquals(ExperimentConfig.defaults(), ExperimentConfig.load(yaml(""), List.of()));
  }

  @Test
  void invalidYamlNamesLine() throws IOException {
    Path p = yaml("train:\n  batch_size: [1, 2\n");
    ConfigException e = assertThrows(ConfigException.class, () -> ExperimentConfig.load(p, List.of()));
    assertTrue(e.getMessage().startsWith(p + ":"), e.getMessage());
  }

  @Test
  void simcseNeedsAnExplicitTemperature() {
    ConfigException e = assertThrows(ConfigException.class,
        () -> ExperimentConfig.builder().set("objective.name", "simcse").build());
    assertEquals("objective.t", e.key());
    assertEquals(0.07, ExperimentConfig.builder().set("objective.name", "simcse").set("objective.t", 0.07).build()
        .objective().t());
  }

  @Test
  void duplicateKeysAndSectionsAreErrorsNamingBothLines() throws IOException {
    Path p = yaml("train:\n  batch_size: 8\n  epochs: 2\n  batch_size: 16\n");
    ConfigException e = assertThrows(ConfigException.class, () -> ExperimentConfig.load(p, java.util.List.of()));
    assertEquals(p + ":4: duplicate key 'train.batch_size' (first at " + p + ":2); a key may be given once",
        e.getMessage());
    Path q = yaml("train:\n  batch_size: 8\nmodel:\n  hidden_size: 32\ntrain:\n  epochs: 3\n");
    e = assertThrows(ConfigException.class, () -> ExperimentConfig.load(q, java.util.List.of()));
    assertEquals(q + ":5: duplicate section 'train' (first at " + q + ":1); write each section once", e.getMessage());
  }

  @Test
  void anAliasBombAndAnEmptyOutputDirAreOneLineErrors() throws IOException {
    StringBuilder bomb = new StringBuilder("a: &a [x, x, x, x, x, x, x, x, x]\n");
    for (char c = 'b'; c <= 'k'; c++) {
      char prev = (char) (c - 1);
      bomb.append(c).append(": &").append(c).append(" [*").append(prev).append(", *").append(prev).append(", *")
          .append(prev).append(", *").append(prev).append(", *").append(prev).append(", *").append(prev).append("]\n");
    }
    Path p = yaml(bomb.toString());
    ConfigException e = assertThrows(ConfigException.class, () -> ExperimentConfig.load(p, java.util.List.of()));
    assertTrue(e.getMessage().startsWith(p + ": invalid YAML: Number of aliases for non-scalar nodes exceeds"),
        e.getMessage());
    Path q = yaml("train:\n  output_dir: ''\n");
    e = assertThrows(ConfigException.class, () -> ExperimentConfig.load(q, java.util.List.of()));
    assertTrue(e.getMessage().contains("train.output_dir") && e.getMessage().contains("is empty"), e.getMessage());
  }

  @Test
  void aKeyTheObjectiveOrEstimatorDoesNotReadIsAnErrorNamingBoth() throws IOException {
    Path p = yaml("objective:\n  name: infonce\n  alpha: 1.5\n");
    ConfigException e = assertThrows(ConfigException.class, () -> ExperimentConfig.load(p, List.of()));
    assertEquals("objective.alpha", e.key());
    assertEquals("objective.alpha: not used by objective infonce, which reads objective.symmetric,"
        + " objective.mask_duplicates, objective.similarity; remove it or choose another objective.name (" + p
        + ":3)", e.getMessage());
    e = assertThrows(ConfigException.class, () -> ExperimentConfig.load(p, List.of("objective.alpha=1.0",
        "estimator.name=simcse", "estimator.model=/m", "estimator.k1=2", "objective.name=soft_infonce")));
    assertEquals("estimator.k1: not used by estimator simcse, which reads estimator.model; remove it or choose"
        + " another estimator.name (--set estimator.k1=2)", e.getMessage());
    e = assertThrows(ConfigException.class, () -> ExperimentConfig.builder().set("estimator.model", "/m").build());
    assertTrue(e.getMessage().startsWith("estimator.model: not used by estimator uniform, which reads no other"
        + " estimator key;"), e.getMessage());
    // the same keys where they are read
    ExperimentConfig ok = ExperimentConfig.load(p, List.of("objective.name=soft_infonce", "objective.beta=2"));
    assertEquals(1.5, ok.objective().alpha());
  }

  @Test
  void unusedKeysAtTheirDefaultAndInheritedOnesAreAccepted() {
    // a resolved config (checkpoint config.yaml, config show) lists every key at its default
    ExperimentConfig defaults = ExperimentConfig.defaults();
    assertEquals(defaults, new ConfigParser().mapping(null, new org.yaml.snakeyaml.Yaml()
        .compose(new java.io.StringReader(defaults.toYaml()))).build());
    // a variant switching objective drops the base's keys that only the old objective read
    ExperimentConfig soft = ExperimentConfig.builder().set("objective.name", "soft_infonce")
        .set("objective.alpha", 1.5).set("objective.beta", 0.5).set("estimator.name", "bm25")
        .set("estimator.k1", 2.0).build();
    ExperimentConfig plain = soft.toBuilder().set("objective.name", "infonce").set("estimator.name", "uniform")
        .build();
    assertEquals(defaults.objective().alpha(), plain.objective().alpha());
    assertEquals(defaults.estimator().k1(), plain.estimator().k1());
    assertEquals(plain, ExperimentConfig.builder().build().toBuilder().build());
    assertEquals(1.5, soft.toBuilder().set("train.batch_size", 8).build().objective().alpha(), "kept where read");
  }

  @Test
  void everyShippedConfigParses() throws IOException {
    List<Path> files;
    try (var s = Files.list(Path.of("configs"))) {
      files = s.filter(f -> f.toString().endsWith(".yaml") && !f.getFileName().toString().startsWith("experiment-"))
          .sorted().toList();
    }
    assertTrue(files.size() >= 8, files.toString());
    for (Path f : files) {
      ExperimentConfig.load(f, List.of()); // experiment-*.yaml: ExperimentFileParserTest.shipped*Parses
    }
  }
}
