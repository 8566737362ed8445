package dev.softinfonce.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code softinfonce experiment}: user errors are one line naming the file and line, exit code 2. */
class ExperimentCommandTest {
  @Test
  void unknownKeyIsOneLineErrorWithExitCode2(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("e.yaml");
    Files.writeString(f, "base: {}\nseeds: [1]\nrows:\n  - name: a\n    set: {objective.nme: infonce}\n");
    CliTestSupport.Run r = CliTestSupport.run("experiment", f.toString());
    assertEquals(2, r.exitCode(), r.err());
    assertTrue(r.err().startsWith("error: " + f + ":5: row 'a': unknown key 'objective.nme'"), r.err());
    assertEquals(1, r.err().strip().split("\n").length, r.err());
  }

  @Test
  void setOfTheRunFolderIsRefusedForQuickstartAndExperiment(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("e.yaml");
    Files.writeString(f, "base: {}\nseeds: [1]\nrows:\n  - name: a\n");
    for (String[] args : List.of(new String[] {"experiment", f.toString()}, new String[] {"quickstart"})) {
      List<String> all = new java.util.ArrayList<>(List.of(args));
      all.addAll(List.of("--set", "train.output_dir=" + dir.resolve("x")));
      CliTestSupport.Run r = CliTestSupport.run(all.toArray(String[]::new));
      assertEquals(2, r.exitCode(), r.err());
      assertTrue(r.err().startsWith("error: --set train.output_dir=") && r.err().contains("pass --output-dir"), r.err());
      assertFalse(Files.exists(dir.resolve("x")));
    }
  }

  @Test
  void missingFileAndBadSeeds(@TempDir Path dir) throws Exception {
    CliTestSupport.Run missing = CliTestSupport.run("experiment", dir.resolve("nope.yaml").toString());
    assertEquals(2, missing.exitCode());
    assertTrue(missing.err().contains("nope.yaml not found"), missing.err());
    Path f = dir.resolve("e.yaml");
    Files.writeString(f, "base: {}\nseeds: [1]\nrows:\n  - name: a\n");
    CliTestSupport.Run seeds = CliTestSupport.run("experiment", f.toString(), "--seeds", "3,3");
    assertEquals(2, seeds.exitCode());
    assertTrue(seeds.err().contains("seeds: expected distinct seeds"), seeds.err());
  }
}
