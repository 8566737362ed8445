package dev.softinfonce.experiment;

import dev.softinfonce.config.ExperimentConfig;
import dev.softinfonce.files.AtomicFiles;
import dev.softinfonce.model.InferenceModel;
import dev.softinfonce.train.Trainer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The pretrained start of a fine-tuning experiment ({@code model.init_from}) as a model folder of its
 * own, untrained, with the runs' model settings (lengths, pooling, head): the zero-shot row, what
 * fine-tuning has to beat, evaluated like any checkpoint.
 */
final class ZeroShotStart {
  private ZeroShotStart() {}

  /**
   * Resolves the start (a named one is imported once) and writes {@code config.yaml}, {@code tokenizer.json}
   * and {@code variables/} into {@code dir}.
   *
   * @return the config the folder holds: {@code base} with the start's architecture, {@code model.init_from} unset
   */
  static ExperimentConfig write(ExperimentConfig base, Path dir) {
    ExperimentConfig resolved = Trainer.of(base.toBuilder().set("train.output_dir", dir.toString()).build()).config();
    Path start = Path.of(resolved.model().initFrom());
    ExperimentConfig own = resolved.toBuilder().set("model.init_from", null).build();
    try {
      Files.createDirectories(dir);
      AtomicFiles.writeString(dir.resolve("config.yaml"), own.toYaml(dir)); // paths relative to the folder
      AtomicFiles.copy(InferenceModel.findTokenizer(start), dir.resolve("tokenizer.json"));
      Path vars = Files.createDirectories(dir.resolve("variables"));
      Path prefix = InferenceModel.variablesPrefix(start);
      try (DirectoryStream<Path> files = Files.newDirectoryStream(prefix.getParent(), prefix.getFileName() + ".*")) {
        for (Path f : files) {
          AtomicFiles.copy(f, vars.resolve(f.getFileName()));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the zero-shot start into " + dir, e);
    }
    return own;
  }
}
