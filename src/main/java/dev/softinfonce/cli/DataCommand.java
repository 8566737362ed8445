package dev.softinfonce.cli;

import dev.softinfonce.config.ExperimentConfig;
import dev.softinfonce.data.DataFormatException;
import dev.softinfonce.data.DataStats;
import dev.softinfonce.data.ReadMode;
import dev.softinfonce.data.ReadOptions;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code softinfonce data ...}: inspect and prepare data files. Add subcommands to the list below. */
@Command(name = "data", mixinStandardHelpOptions = true, description = "Inspect and prepare data.",
    subcommands = {
        DataCommand.Stats.class,
        BuildJavaCommand.class,
    })
final class DataCommand implements Runnable {
  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  /** {@code softinfonce data stats FILE... [--config FILE] [--set k=v]... [--skip-bad]}. */
  @Command(name = "stats", mixinStandardHelpOptions = true,
      description = "Per file: '<file>: <N> examples', then languages, query/code length percentiles "
          + "(whitespace tokens), duplicate counts, dropped-empty and skipped-bad counts. Formats: "
          + "CodeSearchNet/GraphCodeBERT jsonl, CoSQA json array, CoSQA code_idx_map.")
  static final class Stats implements Runnable {
    @Parameters(arity = "1..*", paramLabel = "FILE", description = "data files to read")
    List<Path> files = new ArrayList<>();

    @Option(names = "--config", paramLabel = "FILE", description = "YAML config whose data section applies")
    Path config;

    @Option(names = "--set", paramLabel = "KEY=VALUE",
        description = "override a key, e.g. data.on_bad_record=skip or data.code_field=code (repeatable)")
    List<String> overrides = new ArrayList<>();

    @Option(names = "--skip-bad", description = "same as --set data.on_bad_record=skip")
    boolean skipBad;

    @Option(names = "--mode", paramLabel = "MODE",
        description = "pairs | queries | codebase (default: codebase for code_idx_map and *codebase* files, else pairs)")
    String mode;

    @Override
    public void run() {
      var parser = ExperimentConfig.builder();
      if (config != null) {
        parser.file(config);
      }
      List<String> all = new ArrayList<>(overrides);
      if (skipBad) {
        all.add("data.on_bad_record=skip");
      }
      ReadOptions options = ReadOptions.from(parser.overrides(all).build().data());
      ReadMode readMode = parseMode();
      for (Path file : files) {
        // a folder or a missing file: "cannot read FILE: is a directory, not a data file" / "no such file or folder"
        try {
          System.out.print(DataStats.compute(file, readMode, options).render(options));
        } catch (DataFormatException e) {
          throw new UserException(e.getMessage(), e);
        } catch (IllegalArgumentException e) {
          throw new UserException(e.getMessage(), e);
        }
      }
    }

    private ReadMode parseMode() {
      if (mode == null) {
        return null;
      }
      try {
        return ReadMode.valueOf(mode.toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new UserException("--mode: expected pairs, queries or codebase, got '" + mode + "'");
      }
    }
  }
}
