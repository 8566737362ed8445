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

/**
 * {@code softinfonce train CONFIG [--set k=v]... [--overwrite]} or
 * {@code softinfonce train --resume RUN_DIR [--set train.max_steps=N]...}.
 */
@Command(name = "train", mixinStandardHelpOptions = true,
    description = "Train a bi-encoder from a config (checkpoints, metrics.jsonl and TensorBoard events in train.output_dir), "
        + "or continue a stopped run exactly with --resume. A train.output_dir holding another run is an error unless "
        + "--resume (continue it) or --overwrite (delete it and start over).")
final class TrainCommand implements Callable<Integer> {
  @Parameters(index = "0", arity = "0..1", paramLabel = "CONFIG", description = "YAML config")
  Path config;

  @Option(names = "--set", paramLabel = "KEY=VALUE", description = "override a config key (repeatable); with --resume only "
      + "train.max_steps, train.epochs, train.eval_every and train.checkpoint_every")
  List<String> overrides = new ArrayList<>();

  @Option(names = "--resume", paramLabel = "RUN_DIR", description = "continue the run in RUN_DIR from its latest checkpoint "
      + "(a finished run is extended by a larger --set train.max_steps or train.epochs)")
  Path resume;

  @Option(names = "--overwrite", description = "train.output_dir holds another run: delete its checkpoints, metrics.jsonl, "
      + "TensorBoard events and tokenizer first, then start a fresh run")
  boolean overwrite;

  @Override
  public Integer call() {
    Trainer trainer;
    if (resume != null) {
      if (config != null) {
        throw new UserException("--resume continues with the config saved in the checkpoint; drop CONFIG (--set may change "
            + String.join(", ", Trainer.RESUME_KEYS) + ")");
      }
      if (overwrite) {
        throw new UserException("--resume continues the run in " + resume + "; --overwrite would delete it: give one of them");
      }
      trainer = Trainer.resume(resume, overrides);
    } else {
      if (config == null) {
        throw new UserException("give a CONFIG file or --resume RUN_DIR");
      }
      trainer = Trainer.of(ExperimentConfig.load(config, overrides)).overwrite(overwrite);
    }
    Trainer.Result r = trainer.messages(Output.progress()).progressBar(Output.progressBars()).run();
    System.out.printf("done: %d steps in %.1f s, final loss %.4f, best valid mrr %s%n", r.steps(), r.seconds(),
        r.finalLoss(), r.bestValidMrr() == null ? "n/a" : String.format("%.4f", r.bestValidMrr()));
    System.out.println("last checkpoint: " + r.lastCheckpoint());
    System.out.println("best checkpoint: " + r.bestCheckpoint());
    return 0;
  }
}
