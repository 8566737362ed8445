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

/** {@code softinfonce quickstart}: the experiment preset {@code configs/experiment-quickstart.yaml}. */
@Command(name = "quickstart", mixinStandardHelpOptions = true,
    description = {"Run the experiment preset configs/experiment-quickstart.yaml: build the default Java corpus (or "
        + "reuse it), fine-tune the pretrained start (or train the tiny model) with InfoNCE and with Soft-InfoNCE "
        + "(BM25), evaluate both, the start itself (zero-shot) and a BM25 baseline on held-out libraries, print the "
        + "table and export the better model (chosen on valid) to savedmodels/quickstart/1.",
        "Under 15 minutes on 2 quiet CPU cores; a second run reuses the corpus, the imported start and finished rows."})
final class QuickstartCommand implements Callable<Integer> {
  static final Path PRESET = Path.of("configs/experiment-quickstart.yaml");

  @Option(names = "--config", paramLabel = "FILE", description = "base config instead of the preset's "
      + "configs/quickstart.yaml (pretrained MiniLM), e.g. configs/quickstart-tiny.yaml (the tiny model from "
      + "scratch); the runs then go to its train.output_dir")
  Path config;

  @Option(names = "--set", paramLabel = "KEY=VALUE", description = "override a config key in every run (repeatable)")
  List<String> overrides = new ArrayList<>();

  @Option(names = "--output-dir", paramLabel = "DIR", description = "experiment folder instead of the preset's "
      + "runs/quickstart (or --config's train.output_dir)")
  Path outputDir;

  @Override
  public Integer call() {
    if (!Files.isRegularFile(PRESET)) {
      throw new UserException("the preset " + PRESET + " is not here (run from the project folder)");
    }
    ExperimentSpec spec = ExperimentSpec.load(PRESET, overrides);
    if (config != null) {
      if (!Files.isRegularFile(config)) {
        throw new UserException("config " + config + " not found");
      }
      spec = spec.withBase(config);
      spec = spec.withOutputDir(Path.of(spec.baseConfig().train().outputDir()));
    }
    if (outputDir != null) {
      spec = spec.withOutputDir(outputDir);
    }
    ExperimentRunner.Outcome o = new ExperimentRunner(spec, Output.progress()).run();
    System.out.println();
    System.out.print(o.report());
    if (o.exportDir() != null) {
      System.out.printf("Try: tools/softinfonce index --model %s --codebase %s --out %s%n", o.exportDir(),
          Path.of(spec.baseConfig().data().javaCorpusDir()).resolve("test_codebase.jsonl"),
          spec.outputDir().resolve("test.index"));
    }
    return 0;
  }
}
