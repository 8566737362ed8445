package dev.softinfonce.cli;

import dev.softinfonce.config.ExperimentConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code softinfonce config show FILE [--set k=v]...}: prints the resolved config. */
@Command(name = "config", mixinStandardHelpOptions = true, description = "Inspect configurations.",
    subcommands = {ConfigCommand.Show.class})
final class ConfigCommand implements Runnable {
  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  @Command(name = "show", mixinStandardHelpOptions = true,
      description = "Validate a config file with overrides and print the resolved YAML (every key, defaults filled in).")
  static final class Show implements Runnable {
    @Parameters(index = "0", arity = "0..1", paramLabel = "FILE", description = "YAML config (omit for the defaults)")
    Path file;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "override a key, e.g. train.batch_size=64 (repeatable)")
    List<String> overrides = new ArrayList<>();

    @Override
    public void run() {
      var parser = ExperimentConfig.builder();
      if (file != null) {
        parser.file(file);
      }
      ExperimentConfig config = parser.overrides(overrides).build();
      System.out.print(config.toYaml());
    }
  }
}
