package dev.softinfonce.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class MainTest {
  @Test
  void everySubcommandHasHelp() {
    checkHelp(Main.commandLine(), "softinfonce");
  }

  private static void checkHelp(CommandLine cl, String path) {
    for (var entry : cl.getSubcommands().entrySet()) {
      if (entry.getKey().equals("help")) {
        continue;
      }
      CommandLine sub = entry.getValue();
      // the standard mixin, or an explicit usageHelp option (export: --version N clashes with the mixin's -V)
      assertTrue(sub.getCommandSpec().options().stream().anyMatch(o -> o.usageHelp()),
          path + " " + entry.getKey() + " lacks --help");
      assertTrue(sub.getCommandSpec().usageMessage().description().length > 0,
          path + " " + entry.getKey() + " lacks a description");
      checkHelp(sub, path + " " + entry.getKey());
    }
  }

  @Test
  void configShowPrintsResolvedYamlWithOverrides(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("c.yaml");
    Files.writeString(f, "train:\n  batch_size: 8\n");
    CliTestSupport.Run r = CliTestSupport.run("config", "show", f.toString(), "--set", "train.seed=9");
    assertEquals(0, r.exitCode(), r.err());
    assertTrue(r.out().contains("  batch_size: 8\n") && r.out().contains("  seed: 9\n"), r.out());
  }

  @Test
  void badConfigIsOneLineErrorWithExitCode2(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("c.yaml");
    Files.writeString(f, "train:\n  batch_sise: 8\n");
    CliTestSupport.Run r = CliTestSupport.run("config", "show", f.toString());
    assertEquals(2, r.exitCode());
    assertTrue(r.err().startsWith("error: unknown key 'train.batch_sise' (" + f + ":2)"), r.err());
  }
}
