package dev.softinfonce.train;

import dev.softinfonce.config.ConfigException;
import dev.softinfonce.files.FileTrees;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * What of a training run lives in its folder ({@code train.output_dir}), and the rule that two runs never
 * share one: a fresh run refuses a folder that holds another run's files, unless told to start over
 * ({@code --overwrite}), which removes exactly those files first and says so. {@code --resume} continues
 * the run that is there.
 *
 * <p>A run's files: {@code checkpoint-<step>/} (and the temp folders a save leaves when killed),
 * {@code metrics.jsonl}, {@code tensorboard/}, {@code tokenizer.json}, and, for a checkpoint or model
 * folder given as {@code output_dir}, {@code config.yaml}, {@code state.json}, {@code variables*}.
 * Anything else in the folder (notes, other tools' files) is neither a reason to refuse nor removed.
 */
public final class RunFolder {
  private static final List<String> FILES = List.of(MetricsLog.FILE, TensorBoard.DIR, Checkpoints.RUN_TOKENIZER,
      Checkpoints.CONFIG, Checkpoints.STATE, Checkpoints.MANIFEST, Checkpoints.VARIABLES);

  private RunFolder() {}

  /** The entries of {@code dir} that belong to a training run, sorted by name; empty if {@code dir} is missing. */
  public static List<Path> runFiles(Path dir) {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> isRunFile(p.getFileName().toString())).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + dir + ": " + e.getMessage(), e);
    }
  }

  private static boolean isRunFile(String name) {
    return FILES.contains(name) || name.startsWith(Checkpoints.VARIABLES + ".") || name.matches("checkpoint-\\d+")
        || name.startsWith(Checkpoints.TMP);
  }

  /**
   * Makes {@code dir} ready for a fresh run: nothing to do when it holds no run; with {@code overwrite},
   * the old run's files are deleted (each named to {@code out}); otherwise a {@link ConfigException} on
   * {@code train.output_dir} names the folder, what is in it and the two ways on.
   */
  public static void prepareFresh(Path dir, boolean overwrite, Consumer<String> out) {
    List<Path> old = runFiles(dir);
    if (old.isEmpty()) {
      return;
    }
    String listing = describe(old);
    if (!overwrite) {
      boolean resumable = !Checkpoints.list(dir).isEmpty();
      throw new ConfigException("train.output_dir", "train.output_dir " + dir + " holds another run (" + listing
          + "); " + (resumable ? "continue it with `train --resume " + dir + "`, " : "")
          + "start over with --overwrite (deletes those files) or choose another train.output_dir");
    }
    for (Path p : old) {
      FileTrees.deleteTree(p);
    }
    out.accept("--overwrite: removed the old run in " + dir + " (" + listing + ")");
  }

  /** {@code checkpoint-4, checkpoint-8, metrics.jsonl, tensorboard/}: at most six names, then a count. */
  private static String describe(List<Path> files) {
    List<String> names = files.stream().map(p -> p.getFileName() + (Files.isDirectory(p) ? "/" : "")).toList();
    return names.size() <= 6 ? String.join(", ", names)
        : String.join(", ", names.subList(0, 6)) + " and " + (names.size() - 6) + " more";
  }
}
