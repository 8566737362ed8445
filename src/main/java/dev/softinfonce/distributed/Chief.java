package dev.softinfonce.distributed;

import dev.softinfonce.config.ClusterSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.tensorflow.Graph;
import org.tensorflow.Server;
import org.tensorflow.Session;
import org.tensorflow.exceptions.TensorFlowException;

/**
 * The chief of a multi-worker run (task 0): serves its own task in this process (the variables,
 * objective, AdamW and checkpoints live here), waits for the other workers, opens the training
 * session through its server and turns a step that fails on a lost worker into a one-line error
 * naming that worker ({@link #guard}). Resume is the one-machine resume: the chief restores its
 * checkpoint and the workers hold no state.
 */
public final class Chief {
  /** Servers this process started, by cluster and task: TF cannot stop one, so a second run in the JVM reuses it. */
  private static final Map<String, Server> SERVERS = new HashMap<>();
  /** TF's switch: {@code true} fails an RPC to a lost task at once, else gRPC may wait for it to come back. */
  public static final String FAIL_FAST = "GRPC_FAIL_FAST";
  /** How long the chief waits for every worker to accept connections when the run starts. */
  static final long STARTUP_WAIT_MILLIS = 60_000;

  /** How TF words a step that lost a task: gRPC unavailable, a timed-out operation, a closed socket. */
  private static final java.util.regex.Pattern WORKER_FAILURE = java.util.regex.Pattern.compile(
      "(?i)unavailable|deadline|timed out|timeout|socket closed|connection (reset|refused)|failed to connect");

  private final ClusterSpec spec;
  private final int threads;
  private final long timeoutMillis;

  private Chief(ClusterSpec spec, int threads, long timeoutMillis) {
    this.spec = spec;
    this.threads = threads;
    this.timeoutMillis = timeoutMillis;
  }

  /**
   * The chief of {@code spec}, its server started and every worker reachable; null for one machine.
   * {@code warn} gets a line when {@value #FAIL_FAST} is not {@code true} in this process's environment
   * (TF reads it; Java cannot set it for its own process, the launcher {@code tools/softinfonce} does).
   */
  public static Chief start(ClusterSpec spec, int threads, int timeoutSeconds, Consumer<String> warn) {
    if (!spec.distributed()) {
      return null;
    }
    if (!"true".equals(System.getenv(FAIL_FAST))) {
      warn.accept("warning: " + FAIL_FAST + " is not true in this process: a worker lost between two steps can make"
          + " the next step wait for it instead of failing (tools/softinfonce sets " + FAIL_FAST + "=true)");
    }
    synchronized (SERVERS) {
      SERVERS.computeIfAbsent(spec.workers().toString(), k -> Workers.start(spec, 0, threads));
    }
    Workers.awaitReachable(spec, STARTUP_WAIT_MILLIS);
    return new Chief(spec, threads, timeoutSeconds * 1000L);
  }

  public ClusterSpec spec() {
    return spec;
  }

  public Shards shards() {
    return Shards.of(spec);
  }

  /** The training session on {@code g}, run through this chief's server. */
  public Session open(Graph g) {
    return ClusterSession.open(g, spec.chiefTarget(), Workers.sessionConfig(threads, timeoutMillis));
  }

  /**
   * Runs {@code step}; a TF failure while a worker is unreachable (or past the operation timeout)
   * becomes an {@link UncheckedIOException} whose one line names the worker(s) and says how to resume.
   */
  public <T> T guard(long step, Supplier<T> run) {
    try {
      return run.get();
    } catch (TensorFlowException e) {
      List<String> down = Workers.unreachable(spec, 2000);
      String first = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().lines().findFirst()
          .orElse("");
      if (down.isEmpty() && !WORKER_FAILURE.matcher(first).find()) {
        throw e; // not a worker failure
      }
      String who = down.isEmpty() ? "a worker of " + spec.workers() + " did not answer" : "worker "
          + String.join(", ", down) + " is gone";
      throw Workers.lost("step " + step + " stopped: " + who + " (TensorFlow: " + first
          + "); restart the worker and continue with `softinfonce train --resume RUN_DIR`");
    }
  }
}
