package dev.softinfonce.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code train.grad_cache.chunk_size}: a key of the subsection {@code train.grad_cache}, through the one parser. */
class GradCacheConfigTest {
  @TempDir Path dir;

  private Path yaml(String text) throws IOException {
    Path p = dir.resolve("c.yaml");
    Files.writeString(p, text);
    return p;
  }

  @Test
  void offByDefault() {
    assertEquals(0, ExperimentConfig.defaults().train().gradCache().chunkSize());
    assertFalse(ExperimentConfig.defaults().train().gradCache().enabled());
  }

  @Test
  void readFromTheFileTheOverridesAndTheBuilder() throws IOException {
    Path p = yaml("train:\n  batch_size: 64\n  grad_cache:\n    chunk_size: 8\n");
    assertEquals(8, ExperimentConfig.load(p, List.of()).train().gradCache().chunkSize());
    assertEquals(16, ExperimentConfig.load(p, List.of("train.grad_cache.chunk_size=16")).train().gradCache().chunkSize());
    ExperimentConfig b = ExperimentConfig.builder().set("train.grad_cache.chunk_size", 4).build();
    assertTrue(b.train().gradCache().enabled());
    assertEquals(4, b.toBuilder().build().train().gradCache().chunkSize(), "toBuilder keeps it");
  }

  @Test
  void writtenAndReadBackAsYaml() throws IOException {
    ExperimentConfig c = ExperimentConfig.builder().set("train.grad_cache.chunk_size", 12).build();
    assertTrue(c.toYaml().contains("  grad_cache:\n    chunk_size: 12\n"), c.toYaml());
    assertEquals(c, ExperimentConfig.load(yaml(c.toYaml()), List.of()));
  }

  @Test
  void badValuesAndUnknownKeysNameTheKeyAndTheLine() throws IOException {
    ConfigException neg = assertThrows(ConfigException.class,
        () -> ExperimentConfig.load(yaml("train:\n  grad_cache:\n    chunk_size: -1\n"), List.of()));
    assertTrue(neg.getMessage().contains("train.grad_cache.chunk_size") && neg.getMessage().contains("c.yaml:3"),
        neg.getMessage());
    ConfigException unknown = assertThrows(ConfigException.class,
        () -> ExperimentConfig.load(yaml("train:\n  grad_cache:\n    chunk: 8\n"), List.of()));
    assertTrue(unknown.getMessage().contains("train.grad_cache.chunk") && unknown.getMessage().contains("c.yaml:3")
        && unknown.getMessage().contains("chunk_size"), unknown.getMessage());
    ConfigException scalar = assertThrows(ConfigException.class,
        () -> ExperimentConfig.load(yaml("train:\n  grad_cache: 8\n"), List.of()));
    assertTrue(scalar.getMessage().contains("c.yaml:2") && scalar.getMessage().contains("mapping"), scalar.getMessage());
    ConfigException dup = assertThrows(ConfigException.class, () -> ExperimentConfig.load(
        yaml("train:\n  grad_cache:\n    chunk_size: 8\n    chunk_size: 4\n"), List.of()));
    assertTrue(dup.getMessage().contains("duplicate") && dup.getMessage().contains("c.yaml:4"), dup.getMessage());
    assertThrows(ConfigException.class, () -> ExperimentConfig.builder().set("train.grad_cache", 8));
  }
}
