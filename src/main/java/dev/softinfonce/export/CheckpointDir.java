package dev.softinfonce.export;

import dev.softinfonce.config.ConfigException;
import dev.softinfonce.config.ExperimentConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * The one definition of what {@code softinfonce export --checkpoint DIR} accepts, resolved to a TF
 * checkpoint prefix, the resolved config and the tokenizer. Two layouts are written by the project:
 *
 * <pre>
 * trainer checkpoint (train.Checkpoints)        imported weights (model.PretrainedCheckpoint, `model import`)
 *   DIR/variables.index                           DIR/variables/variables.index
 *   DIR/variables.data-00000-of-00001             DIR/variables/variables.data-00000-of-00001
 *   DIR/config.yaml   (whole ExperimentConfig)    DIR/config.yaml   (model: section only)
 *   DIR/state.json                                DIR/tokenizer.json
 *   [DIR/tokenizer.json]
 * </pre>
 *
 * A bare checkpoint prefix ({@code DIR} with {@code DIR.index} beside it) is accepted too; its
 * {@code config.yaml} and {@code tokenizer.json} are then looked up in the parent folder. The tokenizer is
 * {@code tokenizer.json} next to the config if present, else the file named by {@code model.tokenizer}
 * (absolute, or relative to the working directory, or relative to DIR), else, for a trainer checkpoint, the
 * {@code tokenizer.json} the trainer trained into its run folder. A training run folder holding
 * {@code checkpoint-N} sub-folders is rejected with the list of its checkpoints.
 *
 * @param dir the folder given by the user
 * @param variablesPrefix the prefix passed to {@code Session.restore}
 * @param config the resolved config read from {@code config.yaml}
 * @param configFile where the config was read
 * @param tokenizer the {@code tokenizer.json} to ship
 */
public record CheckpointDir(Path dir, Path variablesPrefix, ExperimentConfig config, Path configFile, Path tokenizer) {

  static final String VARIABLES = "variables";
  static final String CONFIG = "config.yaml";
  static final String TOKENIZER = "tokenizer.json";

  /** Resolves {@code dir}; every failure names the folder and the file that was expected. */
  public static CheckpointDir resolve(Path dir) {
    if (!Files.exists(dir) && !Files.isRegularFile(Path.of(dir + ".index"))) {
      throw new ExportException("checkpoint " + dir + ": no such folder");
    }
    Path prefix;
    Path home; // folder holding config.yaml / tokenizer.json
    if (Files.isRegularFile(dir.resolve(VARIABLES).resolve(VARIABLES + ".index"))) {
      prefix = dir.resolve(VARIABLES).resolve(VARIABLES); // imported weights
      home = dir;
    } else if (Files.isRegularFile(dir.resolve(VARIABLES + ".index"))) {
      prefix = dir.resolve(VARIABLES); // trainer checkpoint
      home = dir;
    } else if (Files.isRegularFile(Path.of(dir + ".index"))) {
      prefix = dir; // bare prefix
      home = dir.toAbsolutePath().getParent();
    } else {
      List<String> checkpoints = checkpointsIn(dir);
      if (!checkpoints.isEmpty()) {
        throw new ExportException("checkpoint " + dir + " is a training run folder; pass one of its checkpoints: "
            + String.join(", ", checkpoints));
      }
      throw new ExportException("checkpoint " + dir + ": no TF checkpoint (expected " + dir.resolve("variables.index")
          + " or " + dir.resolve("variables/variables.index") + ")");
    }
    if (home.equals(dir)) { // trainer or imported layout: the folder carries the manifest
      dev.softinfonce.integrity.Manifest.verify(dir, dev.softinfonce.integrity.Manifest.FILE);
    }
    Path configFile = home.resolve(CONFIG);
    if (!Files.isRegularFile(configFile)) {
      throw new ExportException("checkpoint " + dir + ": missing " + configFile
          + " (the resolved config the checkpoint was trained or imported with)");
    }
    ExperimentConfig config;
    try {
      config = ExperimentConfig.load(configFile, List.of());
    } catch (ConfigException e) {
      throw new ExportException("checkpoint " + dir + ": " + e.getMessage(), e);
    }
    return new CheckpointDir(dir, prefix, config, configFile, findTokenizer(dir, home, config));
  }

  private static Path findTokenizer(Path dir, Path home, ExperimentConfig config) {
    Path local = home.resolve(TOKENIZER);
    if (Files.isRegularFile(local)) {
      return local;
    }
    String named = config.model().tokenizer();
    if (named != null && !named.isBlank()) {
      for (Path p : List.of(Path.of(named), home.resolve(named))) {
        if (Files.isRegularFile(p)) {
          return p;
        }
      }
      throw new ExportException("checkpoint " + dir + ": no " + local + ", and model.tokenizer '" + named
          + "' in " + home.resolve(CONFIG) + " is not a file");
    }
    Path run = home.toAbsolutePath().getParent(); // a trainer checkpoint-N: the run folder holds the tokenizer it trained
    if (run != null && Files.isRegularFile(run.resolve(TOKENIZER)) && Files.isRegularFile(home.resolve("state.json"))) {
      return run.resolve(TOKENIZER);
    }
    throw new ExportException("checkpoint " + dir + ": no " + local + " and model.tokenizer is empty in "
        + home.resolve(CONFIG) + "; a SavedModel must ship its tokenizer");
  }

  private static List<String> checkpointsIn(Path dir) {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> Files.isDirectory(p) && p.getFileName().toString().matches("checkpoint-\\d+"))
          .map(Path::toString).sorted().toList();
    } catch (IOException e) {
      return List.of();
    }
  }
}
