package dev.softinfonce.cli;

import dev.softinfonce.config.ExperimentConfig;
import dev.softinfonce.model.InferenceModel;
import dev.softinfonce.model.TextEmbedder;
import java.nio.file.Files;
import java.nio.file.Path;

/** Opens the model a command was pointed at: a checkpoint folder or an exported SavedModel. */
final class Embedders {
  private Embedders() {}

  static TextEmbedder open(Path dir, ExperimentConfig cfg) {
    if (Files.isRegularFile(dir.resolve("saved_model.pb"))) {
      throw new UserException(dir + " is a SavedModel; SavedModel evaluation is not wired yet");
    }
    if (!Files.isDirectory(dir)) {
      throw new UserException("--model " + dir + ": no such folder");
    }
    return InferenceModel.load(dir, cfg.eval().batchSize(), cfg.train().threads());
  }
}
