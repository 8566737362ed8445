package dev.softinfonce.cli;

import dev.softinfonce.files.IoErrors;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import picocli.CommandLine;

/**
 * The one error path of the command line. A failure a user can cause or meet — bad input or config,
 * a damaged or missing file, permissions, a full disk, running out of memory — is one line on stderr
 * naming the file or key and the cause, exit code 2. Anything else is a bug: its stack trace, exit
 * code 1. {@code --verbose} prints the stack trace of any error (after the line, for user errors).
 */
final class ErrorHandler implements CommandLine.IExecutionExceptionHandler {
  /** Library exception types whose message is written for the user (file, line, key, cause). */
  private static final Set<String> USER_FACING = Set.of(
      "dev.softinfonce.config.ConfigException",
      "dev.softinfonce.data.DataFormatException",
      "dev.softinfonce.javacorpus.CorpusBuildException",
      "dev.softinfonce.export.ExportException",
      "dev.softinfonce.integrity.IntegrityException",
      "dev.softinfonce.model.WeightImportException",
      "dev.softinfonce.objective.CaseFormatException",
      "dev.softinfonce.serve.SearchException",
      "dev.softinfonce.text.TokenizerException",
      "dev.softinfonce.train.TrainingDivergedException",
      "dev.softinfonce.train.BatchOutOfMemoryException");

  /** The library exception types whose message is shown as it is (for the test that they all exist). */
  static Set<String> userFacingTypes() {
    return USER_FACING;
  }

  @Override
  public int handleExecutionException(Exception e, CommandLine cl, CommandLine.ParseResult parsed) {
    boolean verbose = Main.matched(parsed, Main.VERBOSE);
    String line = userMessage(e);
    PrintWriter err = cl.getErr();
    if (line == null) { // a bug: the whole trace, exit 1
      e.printStackTrace(err);
      err.flush();
      return 1;
    }
    err.println("error: " + line);
    if (verbose) {
      e.printStackTrace(err);
    }
    err.flush();
    return 2;
  }

  /** True if {@code e} or one of its causes is a failure the user can act on. */
  static boolean isUserError(Throwable e) {
    return userMessage(e) != null;
  }

  /**
   * The one-line message for a user-facing failure anywhere in {@code e}'s cause chain (the outermost
   * one, which carries the most context), or null for a bug.
   */
  static String userMessage(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      String m = describe(t);
      if (m != null) {
        return oneLine(m);
      }
    }
    return null;
  }

  private static String describe(Throwable t) {
    if (t instanceof OutOfMemoryError) {
      return "out of memory (" + t.getMessage() + "); give the JVM more with JAVA_OPTS=-Xmx..., or lower the batch"
          + " size or maximum lengths";
    }
    if (t instanceof org.tensorflow.exceptions.TFResourceExhaustedException) {
      return t.getMessage() != null && t.getMessage().contains("No space left on device") // TF maps ENOSPC here
          ? IoErrors.hinted(t.getMessage().lines().findFirst().orElse("")) // not TF's OOM hint lines after it
          : "TensorFlow ran out of memory: " + t.getMessage() + " (lower the batch size or maximum lengths)";
    }
    if (t instanceof IOException io) { // the file and the cause, e.g. "F: No space left on device (the disk is full)"
      return IoErrors.describe(io);
    }
    if (t instanceof java.io.UncheckedIOException) { // "cannot read F: cause" (IoErrors.unchecked) or similar
      return IoErrors.hinted(t.getMessage());
    }
    if (t instanceof UserException || t instanceof IllegalArgumentException // library input checks name the input
        || USER_FACING.contains(t.getClass().getName())) {
      return t.getMessage();
    }
    return null;
  }

  /** Joins a multi-line message (TF appends node traces) into one line. */
  static String oneLine(String m) {
    if (m == null) {
      return "(no message)";
    }
    List<String> parts = new ArrayList<>();
    for (String l : m.split("\\R")) {
      String s = l.strip();
      if (!s.isEmpty() && !s.startsWith("[[")) { // TF's "[[{{node save/Restore}}]]" says nothing to a user
        parts.add(s);
      }
    }
    return String.join("; ", parts);
  }
}
