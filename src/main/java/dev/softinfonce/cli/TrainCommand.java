package dev.softinfonce.cli;

import dev.softinfonce.config.ExperimentConfig;
import dev.softinfonce.train.Trainer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code softinfonce train CONFIG [--set k=v]...} or {@code softinfonce train --resume RUN_DIR}. */
@Command(name = "train", mixinStandardHelpOptions = true,
    description = "Train a bi-encoder from a config (checkpoints, metrics.jsonl and TensorBoard events in train.output_dir), "
        + "or continue a stopped run exactly with --resume.")
final class TrainCommand implements Callable<Integer> {
  @Parameters(index = "0", arity = "0..1", paramLabel = "CONFIG", description = "YAML config")
  Path config;

  @Option(names = "--set", paramLabel = "KEY=VALUE", description = "override a config key (repeatable)")
  List<String> overrides = new ArrayList<>();

  @Option(names = "--resume", paramLabel = "RUN_DIR", description = "continue the run in RUN_DIR from its latest checkpoint")
  Path resume;

  @Override
  public Integer call() {
    Trainer trainer;
    if (resume != null) {
      if (config != null || !overrides.isEmpty()) {
        throw new UserException("--resume continues with the config saved in the checkpoint; drop CONFIG and --set");
      }
      trainer = Trainer.resume(resume);
    } else {
      if (config == null) {
        throw new UserException("give a CONFIG file or --resume RUN_DIR");
      }
      trainer = Trainer.of(ExperimentConfig.load(config, overrides));
    }
    Trainer.Result r = trainer.run();
    System.out.printf("done: %d steps in %.1f s, final loss %.4f, best valid mrr %s%n", r.steps(), r.seconds(),
        r.finalLoss(), r.bestValidMrr() == null ? "n/a" : String.format("%.4f", r.bestValidMrr()));
    System.out.println("last checkpoint: " + r.lastCheckpoint());
    System.out.println("best checkpoint: " + r.bestCheckpoint());
    return 0;
  }
}
