package dev.softinfonce.train;

import static dev.softinfonce.files.FileTrees.deleteTree;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.softinfonce.config.ExperimentConfig;
import dev.softinfonce.config.TrainConfig;
import dev.softinfonce.integrity.Manifest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.tensorflow.Session;

/**
 * Atomic, resumable checkpoints in a run directory.
 *
 * <h2>Layout</h2>
 * <pre>
 *   &lt;run&gt;/checkpoint-&lt;step&gt;/variables.index, variables.data-00000-of-00001   Session.save: every VariableV2
 *                         state.json                                        {@link TrainState}
 *                         config.yaml                                       resolved config, paths relative to this folder
 *                         tokenizer.json                                    a copy of the run's tokenizer
 *                         manifest.json                                     sizes and SHA-256 of the above
 * </pre>
 * A checkpoint folder is self-contained: copied or moved elsewhere (the run folder deleted), it still
 * evaluates, exports and resumes.
 * A checkpoint is written into {@code <run>/.tmp-checkpoint-<step>-<nanos>}, its files forced to disk,
 * then renamed to {@code checkpoint-<step>} in one atomic move. A crash at any point leaves either the
 * complete folder or none; temp folders are ignored by {@link #latest} and removed by the next save.
 *
 * <h2>Retention</h2>
 * After each save the newest {@code keepLast} checkpoints are kept plus the best one, whose step is
 * {@link TrainState#bestStep()} of the state just saved (so validate, record the best, then save).
 *
 * <h2>Session contract</h2>
 * {@code Session.save} and {@code restore} match variables by op name, and TF freezes the saver at the
 * first save or restore: build the whole training graph, including {@link AdamW#minimize} (slots,
 * step, beta powers), before the first call. {@code restore} counts as initialisation, so restore into
 * a fresh session before running anything.
 */
public final class Checkpoints {
  /** File-name prefix of the TF checkpoint inside a checkpoint folder. */
  public static final String VARIABLES = "variables";
  public static final String STATE = "state.json";
  public static final String CONFIG = "config.yaml";
  /** Sizes and checksums of the checkpoint's files ({@link Manifest}), verified before every restore. */
  public static final String MANIFEST = Manifest.FILE;
  /**
   * The run's tokenizer, copied into every checkpoint (checkpoints written before that record the run's
   * copy one level up as {@code ../tokenizer.json} in their manifest).
   */
  static final String RUN_TOKENIZER = "tokenizer.json";
  private static final Pattern NAME = Pattern.compile("checkpoint-(\\d+)");
  static final String TMP = ".tmp-checkpoint-";
  private static final ObjectMapper JSON = new ObjectMapper()
      .enable(SerializationFeature.INDENT_OUTPUT)
      .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  private final Path runDir;
  private final int keepLast;
  /** Test hook run after the temp folder is fully written and before the rename. */
  Runnable beforeCommit = () -> {};

  /**
   * @param runDir the run directory (created if missing)
   * @param keepLast how many of the newest checkpoints to keep besides the best (&ge; 1)
   */
  public Checkpoints(Path runDir, int keepLast) {
    if (keepLast < 1) {
      throw new IllegalArgumentException("keep_checkpoints must be >= 1, got " + keepLast);
    }
    this.runDir = runDir;
    this.keepLast = keepLast;
  }

  /** {@code train.output_dir} and {@code train.keep_checkpoints}. */
  public static Checkpoints fromConfig(TrainConfig train) {
    return new Checkpoints(Path.of(train.outputDir()), train.keepCheckpoints());
  }

  public Path runDir() {
    return runDir;
  }

  /**
   * Saves with the config written as {@link ExperimentConfig#toYaml(Path)}: its paths relative to the
   * checkpoint folder, so the folder (which carries the run's tokenizer too) can be moved or copied.
   */
  public Path save(Session session, TrainState state, ExperimentConfig config) {
    return save(session, state, config.toYaml(runDir.resolve("checkpoint-" + state.step())));
  }

  /**
   * Writes {@code checkpoint-<state.step>} atomically, then applies retention. An existing checkpoint
   * of the same step is replaced.
   *
   * @return the final checkpoint folder
   */
  public Path save(Session session, TrainState state, String configYaml) {
    Path finalDir = runDir.resolve("checkpoint-" + state.step());
    Path tmp = runDir.resolve(TMP + state.step() + "-" + System.nanoTime());
    try {
      Files.createDirectories(runDir);
      removeStaleTemps();
      Files.createDirectory(tmp);
      session.save(tmp.resolve(VARIABLES).toString());
      writeDurably(tmp.resolve(STATE), JSON.writeValueAsBytes(state));
      writeDurably(tmp.resolve(CONFIG), configYaml.getBytes(StandardCharsets.UTF_8));
      if (Files.isRegularFile(runDir.resolve(RUN_TOKENIZER))) { // a copy: the checkpoint folder stands on its own
        Files.copy(runDir.resolve(RUN_TOKENIZER), tmp.resolve(RUN_TOKENIZER));
      }
      Manifest.write(tmp, MANIFEST, List.of());
      forceAll(tmp);
      beforeCommit.run();
      if (Files.exists(finalDir)) { // same step saved twice (e.g. epoch end on a checkpoint step)
        Path old = runDir.resolve(TMP + "old-" + state.step() + "-" + System.nanoTime());
        move(finalDir, old);
        move(tmp, finalDir);
        deleteTree(old);
      } else {
        move(tmp, finalDir);
      }
      force(runDir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write checkpoint " + finalDir + ": "
          + dev.softinfonce.files.IoErrors.describe(e), e);
    }
    retain(state.bestStep());
    return finalDir;
  }

  /** Restores variables (incl. optimizer state) into {@code session} and returns the saved state. */
  public static TrainState restore(Session session, Path checkpointDir) {
    verify(checkpointDir);
    TrainState state = readState(checkpointDir);
    if (!Files.isRegularFile(checkpointDir.resolve(VARIABLES + ".index"))) {
      throw new IllegalArgumentException("checkpoint " + checkpointDir + " has no " + VARIABLES + ".index");
    }
    try {
      session.restore(checkpointDir.resolve(VARIABLES).toString());
    } catch (org.tensorflow.exceptions.TensorFlowException e) {
      throw new dev.softinfonce.integrity.IntegrityException("checkpoint " + checkpointDir + " cannot be restored: "
          + firstLine(e.getMessage()), e);
    }
    return state;
  }

  /**
   * Verifies a checkpoint folder against its manifest (sizes and SHA-256 of its files and of the run's
   * tokenizer); a checkpoint from before manifests passes unverified.
   *
   * @throws dev.softinfonce.integrity.IntegrityException naming the damaged file
   */
  public static void verify(Path checkpointDir) {
    Manifest.verify(checkpointDir, MANIFEST);
  }

  private static String firstLine(String m) {
    String s = String.valueOf(m);
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }

  /** Reads {@code state.json} of a checkpoint folder. */
  public static TrainState readState(Path checkpointDir) {
    Path file = checkpointDir.resolve(STATE);
    try {
      return JSON.readValue(file.toFile(), TrainState.class);
    } catch (NoSuchFileException | java.io.FileNotFoundException e) {
      throw new IllegalArgumentException("not a checkpoint: " + file + " is missing", e);
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  /** The resolved config text saved with a checkpoint. */
  public static String readConfigYaml(Path checkpointDir) {
    try {
      return Files.readString(checkpointDir.resolve(CONFIG));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + checkpointDir.resolve(CONFIG) + ": " + e.getMessage(), e);
    }
  }

  /** Complete checkpoints of {@code runDir}, oldest first (temp and incomplete folders excluded). */
  public static List<Path> list(Path runDir) {
    if (!Files.isDirectory(runDir)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(runDir)) {
      return s.filter(Checkpoints::isComplete).sorted(Comparator.comparingLong(Checkpoints::stepOf)).toList();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + runDir + ": " + e.getMessage(), e);
    }
  }

  /** The newest complete checkpoint of {@code runDir}, if any. */
  public static Optional<Path> latest(Path runDir) {
    List<Path> all = list(runDir);
    return all.isEmpty() ? Optional.empty() : Optional.of(all.get(all.size() - 1));
  }

  /**
   * The newest checkpoint of {@code runDir} that verifies: its manifest (sizes and checksums of its
   * files and the run's tokenizer), a readable {@code state.json} and {@code config.yaml}. Each newer
   * checkpoint that does not is reported to {@code report}, named with the reason, and skipped.
   *
   * @throws IllegalArgumentException naming the folder and every reason when no checkpoint verifies
   */
  public static Path latestVerified(Path runDir, java.util.function.Consumer<String> report) {
    List<Path> all = list(runDir);
    if (all.isEmpty()) {
      throw new IllegalArgumentException("--resume " + runDir + ": no complete checkpoint-<step> folder in it");
    }
    List<String> reasons = new ArrayList<>();
    for (int i = all.size() - 1; i >= 0; i--) {
      Path p = all.get(i);
      String why = damage(p);
      if (why == null) {
        if (!reasons.isEmpty()) {
          report.accept("resuming from " + p.getFileName() + ", the newest checkpoint that verifies");
        }
        return p;
      }
      reasons.add(why);
      report.accept("warning: checkpoint " + p + " is damaged, skipping it: " + why);
    }
    throw new dev.softinfonce.integrity.IntegrityException("--resume " + runDir + ": no checkpoint verifies: "
        + String.join("; ", reasons));
  }

  /** Why {@code checkpointDir} cannot be resumed from, or null if it verifies. */
  static String damage(Path checkpointDir) {
    try {
      verify(checkpointDir);
      readState(checkpointDir);
      ExperimentConfig.builder().file(checkpointDir.resolve(CONFIG)).build();
      return null;
    } catch (RuntimeException e) { // IntegrityException, unreadable state or config: all name the file
      return e.getMessage();
    }
  }

  /** The checkpoint recorded as best by the newest checkpoint's state, if it exists. */
  public static Optional<Path> best(Path runDir) {
    return latest(runDir).flatMap(l -> {
      long b = readState(l).bestStep();
      Path p = runDir.resolve("checkpoint-" + b);
      return b >= 0 && isComplete(p) ? Optional.of(p) : Optional.empty();
    });
  }

  /**
   * The one resolution of a model folder named in a config or on the command line
   * ({@code estimator.model}, {@code model.init_from}, {@code eval --model}):
   * <ul>
   *   <li>a checkpoint folder ({@code variables.index}, as the trainer writes, or
   *       {@code variables/variables.index}, as {@code model import} writes) is returned unchanged;</li>
   *   <li>a training run folder (holding {@code checkpoint-<step>} folders) resolves to its best checkpoint
   *       ({@link #best}: highest validation metric recorded by the newest checkpoint's state), or to its
   *       newest checkpoint when the run never validated or the best one was deleted.</li>
   * </ul>
   *
   * @param key the config key or option naming {@code dir}, for messages
   * @throws IllegalArgumentException naming {@code key} and {@code dir} when it is neither
   */
  public static Path resolveModel(Path dir, String key) {
    if (Files.isRegularFile(dir.resolve(VARIABLES + ".index"))
        || Files.isRegularFile(dir.resolve(VARIABLES).resolve(VARIABLES + ".index"))) {
      verify(dir);
      return dir;
    }
    if (!Files.isDirectory(dir)) {
      throw new IllegalArgumentException(key + ": " + dir + " is not a folder");
    }
    Path chosen = best(dir).or(() -> latest(dir)).orElseThrow(() -> new IllegalArgumentException(key + ": " + dir
        + " is neither a checkpoint folder (no " + VARIABLES + ".index or " + VARIABLES + "/" + VARIABLES
        + ".index) nor a training run folder (no complete checkpoint-<step> in it)"));
    verify(chosen);
    return chosen;
  }

  /** The step encoded in a checkpoint folder name. */
  public static long stepOf(Path checkpointDir) {
    Matcher m = NAME.matcher(checkpointDir.getFileName().toString());
    if (!m.matches()) {
      throw new IllegalArgumentException(checkpointDir + " is not named checkpoint-<step>");
    }
    return Long.parseLong(m.group(1));
  }

  private static boolean isComplete(Path p) {
    return Files.isDirectory(p) && NAME.matcher(p.getFileName().toString()).matches()
        && Files.isRegularFile(p.resolve(STATE)) && Files.isRegularFile(p.resolve(VARIABLES + ".index"));
  }

  private void retain(long bestStep) {
    List<Path> all = list(runDir);
    if (all.size() <= keepLast) {
      return;
    }
    // The newest checkpoint that verifies is kept whatever keep_checkpoints says: if the newer ones were
    // damaged on disk, it is the only one a resume can start from. Usually the one just written (one hash).
    Path lastVerified = null;
    for (int i = all.size() - 1; i >= 0 && lastVerified == null; i--) {
      if (damage(all.get(i)) == null) {
        lastVerified = all.get(i);
      }
    }
    for (int i = 0; i < all.size() - keepLast; i++) {
      Path p = all.get(i);
      if (stepOf(p) != bestStep && !p.equals(lastVerified)) {
        deleteTree(p);
      }
    }
  }

  private void removeStaleTemps() throws IOException {
    try (Stream<Path> s = Files.list(runDir)) {
      for (Path p : s.filter(p -> p.getFileName().toString().startsWith(TMP)).toList()) {
        deleteTree(p);
      }
    }
  }

  private static void move(Path from, Path to) throws IOException {
    try {
      Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
    } catch (AtomicMoveNotSupportedException e) {
      throw new IOException("file system of " + to.getParent() + " cannot rename atomically", e);
    }
  }

  private static void writeDurably(Path file, byte[] bytes) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      dev.softinfonce.files.Outputs.checkDiskFull(file);
      ch.write(java.nio.ByteBuffer.wrap(bytes));
      ch.force(true);
    } catch (IOException e) {
      throw dev.softinfonce.files.IoErrors.naming(file, e); // a full disk's IOException names no file
    }
  }

  private static void forceAll(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      for (Path f : s.toList()) {
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.WRITE)) {
          ch.force(true);
        }
      }
    }
    force(dir);
  }

  /** fsync of a directory entry list; best effort (not every platform allows opening directories). */
  private static void force(Path dir) {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    } catch (IOException | UnsupportedOperationException e) {
      // durability against power loss only; atomicity comes from the rename
    }
  }


  /** For messages: all checkpoint folders of a run, newest last. */
  static List<Long> steps(Path runDir) {
    List<Long> out = new ArrayList<>();
    for (Path p : list(runDir)) {
      out.add(stepOf(p));
    }
    return out;
  }
}
