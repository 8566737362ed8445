package dev.softinfonce.cli;

import dev.softinfonce.experiment.ExperimentRunner;
import dev.softinfonce.experiment.ExperimentSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code softinfonce experiment FILE}: a grid of rows × seeds, resumable, ending in mean ± std tables. */
@Command(name = "experiment", mixinStandardHelpOptions = true,
    description = {"Run an experiment file: every row (loss + estimator) for every seed, one run after another, "
        + "each run's best checkpoint (valid) evaluated on test; writes table.md, table.csv (mean ± std over seeds, "
        + "layout of paper Table 1, plus a BM25 row) and per-seed.csv to the output folder and prints the table.",
        "Run it again with the same output folder to resume: finished runs are skipped, an interrupted run continues "
        + "from its last checkpoint."})
final class ExperimentCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "FILE", description = "experiment YAML, e.g. configs/experiment-java.yaml")
  Path file;

  @Option(names = "--set", paramLabel = "KEY=VALUE",
      description = "override a config key in every run, prerequisites included, applied last (repeatable)")
  List<String> overrides = new ArrayList<>();

  @Option(names = "--seeds", split = ",", paramLabel = "SEED[,SEED...]", description = "replace the file's seeds")
  List<Long> seeds;

  @Option(names = "--output-dir", paramLabel = "DIR", description = "replace the file's output_dir")
  Path outputDir;

  @Override
  public Integer call() {
    if (!Files.isRegularFile(file)) {
      throw new UserException("experiment file " + file + " not found");
    }
    ExperimentSpec spec = ExperimentSpec.load(file, overrides);
    if (seeds != null) {
      spec = spec.withSeeds(seeds);
    }
    if (outputDir != null) {
      spec = spec.withOutputDir(outputDir);
    }
    ExperimentRunner.Outcome o = new ExperimentRunner(spec, Output.progress()).run();
    System.out.println();
    System.out.print(o.report());
    return 0;
  }
}
