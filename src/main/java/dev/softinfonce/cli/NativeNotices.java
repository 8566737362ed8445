package dev.softinfonce.cli;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Platform;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import org.tensorflow.Graph;
import org.tensorflow.Session;
import org.tensorflow.TensorFlow;
import org.tensorflow.op.Ops;

/**
 * Keeps TensorFlow's native start-up notices off the terminal unless {@code --verbose}.
 *
 * <p>Why {@code TF_CPP_MIN_LOG_LEVEL} is not enough: it governs TensorFlow's own logger (the
 * {@code 2026-01-01 10:00:00.000: I tensorflow/...} lines: oneDNN, CPU features), but TF 2.18's graph
 * optimiser logs {@code I0000 ... mlir_graph_optimization_pass.cc:401] MLIR V1 optimization pass is not
 * enabled} through abseil's logger, which reads no environment variable, and abseil prefixes that first
 * message with {@code WARNING: All log messages before absl::InitializeLog() is called are written to
 * STDERR}. The copy of abseil that logs it is linked privately into {@code libtensorflow_cc.so.2} (its
 * {@code SetMinLogLevel} is not exported), so no setting reaches it. Both lines are printed once per
 * process, at the first session run.
 *
 * <p>So, once per process: set {@code TF_CPP_MIN_LOG_LEVEL=2} in the native environment if unset (for
 * {@code java -jar}; the launcher exports it too), point file descriptor 2 at a temp file, load
 * TensorFlow and run a one-op graph, point it back, and print whatever was caught except those notices
 * (INFO and WARNING lines of either logger); errors and anything else are shown. Best effort: where
 * {@code dup2} is not available (Windows) nothing is done.
 */
final class NativeNotices {
  /** Lines of TF's and abseil's INFO/WARNING notices (and the continuation lines of a multi-line one). */
  private static final Pattern TSL = Pattern.compile("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d+: [IW] \\S+:\\d+\\] .*");
  private static final Pattern ABSL = Pattern.compile("[IW]\\d{4} \\d\\d:\\d\\d:\\d+\\.\\d+ +\\d+ \\S+:\\d+\\] .*");
  private static final Pattern ABSL_PREAMBLE = Pattern.compile("WARNING: All log messages before absl::InitializeLog\\(\\)"
      + " is called are written to STDERR");
  private static final Pattern ANY_HEADER = Pattern.compile("(\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d+: )?[IWEF]"
      + "(\\d{4} \\d\\d:\\d\\d:\\d+\\.\\d+ +\\d+)? ?\\S+:\\d+\\] .*");
  private static final int STDERR = 2;
  private static final int O_WRONLY = 1;
  private static boolean done;

  /** The C library calls used (POSIX). */
  interface LibC extends Library {
    int dup(int fd);

    int dup2(int from, int to);

    int open(String path, int flags);

    int close(int fd);

    int setenv(String name, String value, int overwrite);
  }

  private NativeNotices() {}

  /** Loads TensorFlow with its start-up notices caught and dropped (once per process). */
  static synchronized void absorb() {
    if (done) {
      return;
    }
    done = true;
    if (!Platform.isLinux() && !Platform.isMac()) {
      return;
    }
    LibC c;
    Path caught;
    try {
      c = Native.load("c", LibC.class);
      caught = Files.createTempFile("softinfonce-tf-notices-", ".log");
    } catch (IOException | RuntimeException | LinkageError e) {
      return; // nothing caught: the notices show, nothing else changes
    }
    try {
      c.setenv("TF_CPP_MIN_LOG_LEVEL", "2", 0);
      System.err.flush();
      int saved = c.dup(STDERR);
      int fd = c.open(caught.toString(), O_WRONLY);
      if (saved < 0 || fd < 0) {
        return;
      }
      try {
        c.dup2(fd, STDERR);
        c.close(fd);
        firstSessionRun();
      } catch (RuntimeException | LinkageError e) {
        // TensorFlow cannot load or run here: the command meets the same failure and reports it
      } finally {
        System.err.flush();
        c.dup2(saved, STDERR);
        c.close(saved);
      }
      for (String line : kept(Files.readAllLines(caught, StandardCharsets.UTF_8))) {
        System.err.println(line);
      }
    } catch (IOException e) {
      // the temp file could not be read back: what it caught was TF's start-up output
    } finally {
      try {
        Files.deleteIfExists(caught);
      } catch (IOException e) {
        caught.toFile().deleteOnExit();
      }
    }
  }

  /** The lines of {@code caught} that are not an INFO/WARNING notice or its continuation. */
  static List<String> kept(List<String> caught) {
    java.util.ArrayList<String> out = new java.util.ArrayList<>();
    boolean inNotice = false;
    for (String line : caught) {
      if (ABSL_PREAMBLE.matcher(line).matches() || TSL.matcher(line).matches() || ABSL.matcher(line).matches()) {
        inNotice = true;
      } else if (ANY_HEADER.matcher(line).matches()) {
        inNotice = false;
        out.add(line);
      } else if (!inNotice) {
        out.add(line);
      }
    }
    return out;
  }

  /** TF logs its one-time notices when the native library loads and at the first run of any graph. */
  private static void firstSessionRun() {
    TensorFlow.version(); // loads the native library
    try (Graph g = new Graph(); Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      s.runner().fetch(tf.constant(1)).run().close();
    }
  }
}
