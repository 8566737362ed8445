package dev.softinfonce.cli;

import dev.softinfonce.config.ExperimentConfig;
import dev.softinfonce.model.InferenceModel;
import dev.softinfonce.model.PretrainedStarts;
import dev.softinfonce.model.TextEmbedder;
import dev.softinfonce.train.Checkpoints;
import java.nio.file.Files;
import java.nio.file.Path;

/** Opens the model a command was pointed at: a checkpoint folder or an exported SavedModel. */
final class Embedders {
  private Embedders() {}

  static TextEmbedder open(Path dir, ExperimentConfig cfg) {
    if (PretrainedStarts.needsImport(dir.toString())) {
      // a named start (pretrained:NAME) or a Hugging Face folder, zero-shot with its own settings
      dir = PretrainedStarts.defaults(System.err::println).resolve(dir.toString());
    }
    if (Files.isRegularFile(dir.resolve("saved_model.pb"))) {
      return new dev.softinfonce.serve.SavedModelEmbedder(dir, cfg.eval().batchSize());
    }
    if (!Files.isDirectory(dir)) {
      throw new UserException("--model " + dir + ": no such folder");
    }
    // A training run folder means its best (else newest) checkpoint.
    return InferenceModel.load(Checkpoints.resolveModel(dir, "--model"), cfg.eval().batchSize(), cfg.train().threads(),
        cfg.eval().precision());
  }
}
