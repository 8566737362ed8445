package dev.softinfonce.distributed;

import dev.softinfonce.config.ClusterSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import org.tensorflow.Server;
import org.tensorflow.proto.ClusterDef;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.proto.JobDef;
import org.tensorflow.proto.ServerDef;

/**
 * TF's gRPC servers for a {@link ClusterSpec}: {@link #start} runs task K's server (a worker process, or
 * the chief's own task 0), {@link #sessionConfig} is the chief's session config (cluster, bounded
 * operation timeout), {@link #unreachable} names the workers that no longer answer.
 *
 * <p>TF cannot stop a server ({@code Server.stop()} throws "Clean shutdown is not currently
 * implemented"): a worker ends when its process exits.
 */
public final class Workers {
  private Workers() {}

  /** The cluster as TF's {@code ClusterDef}: one job {@value ClusterSpec#JOB}, task K at {@code workers[K]}. */
  public static ClusterDef clusterDef(ClusterSpec spec) {
    JobDef.Builder job = JobDef.newBuilder().setName(ClusterSpec.JOB);
    for (int i = 0; i < spec.size(); i++) {
      job.putTasks(i, spec.workers().get(i));
    }
    return ClusterDef.newBuilder().addJob(job).build();
  }

  /** Starts task {@code task}'s gRPC server (it serves until the process exits). */
  public static Server start(ClusterSpec spec, int task, int threads) {
    spec.checkTask(task, "--task");
    ServerDef def = ServerDef.newBuilder().setCluster(clusterDef(spec)).setJobName(ClusterSpec.JOB)
        .setTaskIndex(task).setProtocol("grpc")
        .setDefaultSessionConfig(ConfigProto.newBuilder().setIntraOpParallelismThreads(threads)
            .setInterOpParallelismThreads(1))
        .build();
    Server server = new Server(def);
    server.start();
    return server;
  }

  /**
   * The chief's session config (for its own server): intra-op threads, and {@code operation_timeout_in_ms} so a step that
   * waits on a dead worker fails instead of hanging.
   */
  public static ConfigProto sessionConfig(int threads, long timeoutMillis) {
    return ConfigProto.newBuilder().setIntraOpParallelismThreads(threads).setInterOpParallelismThreads(1)
        .setOperationTimeoutInMs(timeoutMillis).build(); // the cluster is the server's: a cluster_def here is refused
  }

  /** {@code task K (host:port)} for each worker other than the chief that refuses a TCP connection now. */
  public static List<String> unreachable(ClusterSpec spec, int connectTimeoutMillis) {
    List<String> down = new ArrayList<>();
    for (int k = 1; k < spec.size(); k++) {
      String w = spec.workers().get(k);
      int colon = w.lastIndexOf(':');
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress(w.substring(0, colon), Integer.parseInt(w.substring(colon + 1))),
            connectTimeoutMillis);
      } catch (IOException e) {
        down.add("task " + k + " (" + w + ")");
      }
    }
    return down;
  }

  /** Blocks until every worker other than the chief accepts connections, or fails naming the missing ones. */
  public static void awaitReachable(ClusterSpec spec, long timeoutMillis) {
    long deadline = System.currentTimeMillis() + timeoutMillis;
    List<String> down = unreachable(spec, 1000);
    while (!down.isEmpty() && System.currentTimeMillis() < deadline) {
      try {
        Thread.sleep(250);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
      down = unreachable(spec, 1000);
    }
    if (!down.isEmpty()) {
      throw lost("worker " + String.join(", ", down) + " cannot be reached"
          + " (waited " + timeoutMillis / 1000 + " s); start it with `softinfonce worker --task K`");
    }
  }

  /** A lost or missing worker: an I/O failure whose one-line message is what the user reads. */
  static UncheckedIOException lost(String message) {
    return new UncheckedIOException(message, new IOException(message));
  }
}
