package dev.softinfonce.cli;

import dev.softinfonce.config.ClusterSpec;
import dev.softinfonce.config.ExperimentConfig;
import dev.softinfonce.distributed.Workers;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code softinfonce worker --task K [CONFIG | --cluster host:port,...]}: serves task K until killed. */
@Command(name = "worker", mixinStandardHelpOptions = true,
    description = "Start task K of a multi-worker run: a TensorFlow gRPC server that encodes its shard of each"
        + " global batch for the chief (task 0, which runs `train` with the same cluster). Runs until the process"
        + " is killed. The cluster comes from --cluster, CONFIG's train.cluster, or SOFTINFONCE_CLUSTER / TF_CONFIG.")
final class WorkerCommand implements Callable<Integer> {
  @Parameters(index = "0", arity = "0..1", paramLabel = "CONFIG", description = "YAML config (its train.cluster)")
  Path config;

  @Option(names = "--task", paramLabel = "K", description = "this worker's task index, 1..N-1 (default: TF_CONFIG's"
      + " task.index)")
  Integer task;

  @Option(names = "--cluster", paramLabel = "HOST:PORT,...", description = "every task's address, task 0 first")
  String cluster;

  @Option(names = "--threads", paramLabel = "N", description = "TF intra-op threads (default: train.threads)")
  Integer threads;

  @Override
  public Integer call() throws InterruptedException {
    ExperimentConfig cfg = config == null ? ExperimentConfig.builder().build() : ExperimentConfig.load(config, List.of());
    ClusterSpec spec = cluster != null ? ClusterSpec.parse(cluster, "--cluster")
        : ClusterSpec.resolve(cfg.train().cluster(), System.getenv());
    if (!spec.distributed()) {
      throw new UserException("no cluster: give --cluster host:port,..., train.cluster in CONFIG, or set "
          + ClusterSpec.ENV + " / " + ClusterSpec.TF_CONFIG);
    }
    Integer k = task != null ? task : spec.task();
    if (k == null) {
      throw new UserException("give --task K (this worker's index in the cluster, 1.." + (spec.size() - 1) + ")");
    }
    spec.checkTask(k, "--task");
    if (k == 0) {
      throw new UserException("--task 0 is the chief: run `softinfonce train` with the cluster on "
          + spec.workers().get(0));
    }
    var server = Workers.start(spec, k, threads != null ? threads : cfg.train().threads());
    System.out.println("worker task " + k + " of " + spec.size() + " serving on " + spec.workers().get(k)
        + " (chief: " + spec.workers().get(0) + "); stop it by killing the process");
    System.out.flush();
    server.join();
    return 0;
  }
}
