package dev.softinfonce.train;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Map;
import org.tensorflow.Graph;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.summary.SummaryWriter;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.TString;

/**
 * TensorBoard event files written by TF's own summary ops ({@code CreateSummaryFileWriter},
 * {@code WriteScalarSummary}, {@code WriteHistogramSummary}, {@code FlushSummaryWriter},
 * {@code CloseSummaryWriter}), so {@code tensorboard --logdir <run>/tensorboard} shows the curves.
 *
 * <p>The writer owns a small graph and session of its own, separate from the training graph: the
 * training graph's saver and exports stay free of summary ops, and logging never changes what a
 * training step computes. Values are fed as scalars (fetch them from the training run first).
 *
 * <p>Events are a by-product: when they cannot be written (a full disk: TF reports
 * {@code FILE; No space left on device}) one warning line says so and why, later writes are skipped and
 * training goes on.
 *
 * <pre>{@code
 * try (TensorBoard tb = TensorBoard.open(runDir)) {
 *   tb.scalars(step, Map.of("train/loss", loss, "train/lr", lr));
 *   tb.histogram("weights/encoder.layer.0.attention.self.query.weight", step, values);
 * }
 * }</pre>
 */
public final class TensorBoard implements AutoCloseable {
  public static final String DIR = "tensorboard";

  private final Path logDir;
  private final Graph graph;
  private final Session session;
  private final Placeholder<TInt64> step;
  private final Placeholder<TString> tag;
  private final Placeholder<TFloat32> value;
  private final Placeholder<TFloat32> values;
  private final Op writeScalar;
  private final Op writeHistogram;
  private final Op flush;
  private final Op closeOp;
  private final java.util.function.Consumer<String> warnings;
  private String failure; // why events are no longer written (reported once), or null
  private boolean closed;

  private TensorBoard(Path logDir, java.util.function.Consumer<String> warnings) {
    this.logDir = logDir;
    this.warnings = warnings;
    this.graph = new Graph();
    try {
      Ops tf = Ops.create(graph);
      SummaryWriter writer = tf.summary.summaryWriter(SummaryWriter.sharedName("softinfonce_tb_" + System.nanoTime()));
      Op create = tf.summary.createSummaryFileWriter(writer, tf.constant(logDir.toString()),
          tf.constant(10), tf.constant(2_000), tf.constant(".v2"));
      step = tf.withName("step").placeholder(TInt64.class, Placeholder.shape(Shape.scalar()));
      tag = tf.withName("tag").placeholder(TString.class, Placeholder.shape(Shape.scalar()));
      value = tf.withName("value").placeholder(TFloat32.class, Placeholder.shape(Shape.scalar()));
      values = tf.withName("values").placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1)));
      writeScalar = tf.summary.writeScalarSummary(writer, step, tag, value);
      writeHistogram = tf.summary.writeHistogramSummary(writer, step, tag, values);
      flush = tf.summary.flushSummaryWriter(writer);
      closeOp = tf.summary.closeSummaryWriter(writer);
      session = new Session(graph);
      try (Result r = session.runner().addTarget(create).run()) {
        // the event file now exists
      } catch (RuntimeException e) {
        session.close(); // before the graph: Graph.close waits for open sessions forever
        throw e;
      }
    } catch (RuntimeException e) {
      graph.close();
      throw e;
    }
  }

  /** Opens a writer on {@code <runDir>/tensorboard} (created if missing); a write failure is a warning on stderr. */
  public static TensorBoard open(Path runDir) {
    return open(runDir, System.err::println);
  }

  /** As {@link #open(Path)}; the one warning about events that cannot be written goes to {@code warnings}. */
  public static TensorBoard open(Path runDir, java.util.function.Consumer<String> warnings) {
    Path dir = runDir.resolve(DIR);
    try {
      Files.createDirectories(dir);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException("cannot create " + dir + ": " + e.getMessage(), e);
    }
    return new TensorBoard(dir, warnings);
  }

  public Path logDir() {
    return logDir;
  }

  /** One scalar point of curve {@code tag} at {@code step}. */
  public synchronized void scalar(String tagName, long atStep, double v) {
    try (TInt64 s = TInt64.scalarOf(atStep);
         TString t = TString.scalarOf(tagName);
         TFloat32 x = TFloat32.scalarOf((float) v)) {
      write(session.runner().feed(step, s).feed(tag, t).feed(value, x).addTarget(writeScalar));
    }
  }

  /** Several scalars at one step. */
  public void scalars(long atStep, Map<String, ? extends Number> named) {
    named.forEach((k, v) -> scalar(k, atStep, v.doubleValue()));
  }

  /** A histogram of {@code data} (e.g. a weight matrix flattened). */
  public synchronized void histogram(String tagName, long atStep, float[] data) {
    try (TInt64 s = TInt64.scalarOf(atStep);
         TString t = TString.scalarOf(tagName);
         TFloat32 x = TFloat32.vectorOf(data)) {
      write(session.runner().feed(step, s).feed(tag, t).feed(values, x).addTarget(writeHistogram));
    }
  }

  /**
   * Weight statistics of the training graph's float variables {@code names}: scalars
   * {@code weights/<name>/norm}, {@code .../mean}, {@code .../std} and a histogram {@code weights/<name>}.
   * Runs {@code training} to fetch the values; call it between steps, not concurrently with one.
   */
  public void weights(Session training, Collection<String> names, long atStep) {
    for (String name : names) {
      if (failure != null) {
        return; // nothing would be written
      }
      float[] v;
      try (Result r = training.runner().fetch(name).run()) {
        TFloat32 t = (TFloat32) r.get(0);
        v = new float[(int) t.size()];
        t.asRawTensor().data().asFloats().read(v);
      }
      double sum = 0;
      double sq = 0;
      for (float x : v) {
        sum += x;
        sq += (double) x * x;
      }
      double mean = v.length == 0 ? 0 : sum / v.length;
      double var = v.length == 0 ? 0 : Math.max(0, sq / v.length - mean * mean);
      scalar("weights/" + name + "/norm", atStep, Math.sqrt(sq));
      scalar("weights/" + name + "/mean", atStep, mean);
      scalar("weights/" + name + "/std", atStep, Math.sqrt(var));
      histogram("weights/" + name, atStep, v);
    }
  }

  /** Forces queued events to disk. */
  public synchronized void flush() {
    write(session.runner().addTarget(flush));
  }

  /** {@code FILE: No space left on device (the disk is full)} and the like, on one line. */
  private static String reason(Exception e) {
    return e instanceof java.io.IOException io ? dev.softinfonce.files.IoErrors.describe(io)
        : dev.softinfonce.files.IoErrors.hinted(String.valueOf(e.getMessage()).lines().findFirst().orElse(""));
  }

  /** Why events are no longer written, or null while they are. */
  public synchronized String failure() {
    return failure;
  }

  /**
   * Runs one write op; the first failure is reported as one warning line, after which writes are
   * skipped (the writer may have lost events, and a full disk stays full).
   */
  private void write(Session.Runner op) {
    if (failure != null) {
      return;
    }
    try {
      dev.softinfonce.files.Outputs.checkDiskFull(logDir.resolve("events.out.tfevents")); // the test seam
      try (Result r = op.run()) {
        // queued or flushed
      }
    } catch (java.io.IOException | org.tensorflow.exceptions.TensorFlowException e) {
      failure = reason(e);
      warnings.accept("warning: TensorBoard events in " + logDir + " are no longer written (" + failure
          + "); training goes on");
    }
  }

  /** Flushes and closes the event file, the session and the graph. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    try (Result r = session.runner().addTarget(closeOp).run()) {
      // closed
    } catch (org.tensorflow.exceptions.TensorFlowException e) {
      if (failure == null) { // the final flush failed: still a warning, not a failed run
        failure = reason(e);
        warnings.accept("warning: TensorBoard events in " + logDir + " could not be completed (" + failure + ")");
      }
    } finally {
      session.close();
      graph.close();
    }
  }
}
