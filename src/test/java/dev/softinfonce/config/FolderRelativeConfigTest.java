package dev.softinfonce.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A config saved in a folder holds paths relative to it, and reads back resolved wherever the folder went. */
class FolderRelativeConfigTest {
  @TempDir Path dir;

  @Test
  void savedPathsAreRelativeToTheFolderAndResolvedAgainstItsNewPlace() throws Exception {
    Path data = Files.createDirectories(dir.resolve("a/data")).resolve("train.jsonl");
    Path folder = Files.createDirectories(dir.resolve("a/runs/x/checkpoint-3"));
    ExperimentConfig cfg = ExperimentConfig.builder().set("data.train", data.toString())
        .set("train.output_dir", dir.resolve("a/runs/x").toString()).set("model.tokenizer", folder.resolve("tok.json").toString())
        .set("export.dir", dir.resolve("a/models/x").toString()).set("data.java_corpus_dir", dir.resolve("a/data").toString())
        .build();
    String yaml = cfg.toYaml(folder);
    assertTrue(yaml.startsWith(ConfigParser.FOLDER_RELATIVE + "\n"), yaml);
    assertTrue(yaml.contains("  train: ../../../data/train.jsonl\n") && yaml.contains("  output_dir: ..\n")
        && yaml.contains("  tokenizer: tok.json\n") && !yaml.contains(dir.toString()), yaml);
    assertTrue(yaml.contains("  dir: ../../../models/x\n"), yaml);

    Path moved = Files.createDirectories(dir.resolve("b/runs/y/ck"));
    Files.writeString(moved.resolve("config.yaml"), yaml);
    ExperimentConfig back = ExperimentConfig.load(moved.resolve("config.yaml"), List.of());
    assertEquals(dir.resolve("b/data/train.jsonl").toString(), back.data().train(), "moves with the folder");
    assertEquals(dir.resolve("b/runs/y").toString(), back.train().outputDir());
    assertEquals(moved.resolve("tok.json").toString(), back.model().tokenizer());
    assertEquals(yaml, back.toYaml(moved), "written again from its new place: the same file");
  }

  @Test
  void aConfigWithoutTheHeaderKeepsItsPathsRelativeToTheWorkingDirectory() throws Exception {
    Path f = Files.createDirectories(dir.resolve("c")).resolve("config.yaml");
    Files.writeString(f, "data:\n  train: data/train.jsonl\n");
    assertEquals("data/train.jsonl", ExperimentConfig.load(f, List.of()).data().train());
  }
}
