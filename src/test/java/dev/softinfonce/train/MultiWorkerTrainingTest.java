package dev.softinfonce.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.softinfonce.config.ExperimentConfig;
import dev.softinfonce.config.ModelConfig;
import dev.softinfonce.model.DualEncoder;
import dev.softinfonce.model.PretrainedCheckpoint;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.Graph;
import org.tensorflow.Session;
import org.tensorflow.ndarray.FloatNdArray;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;

/**
 * Multi-worker training on TF's gRPC runtime, two processes on loopback ports: this JVM is the chief
 * (task 0), a spawned {@code softinfonce worker --task 1} encodes half of each batch. (b) One step equals
 * one process's step on the same global batch (loss and every updated variable within 1e-5; dropout off,
 * since its masks are drawn per shard shape). (c) A worker killed mid-run stops the chief with an error
 * naming it within 60 s, and {@code --resume} finishes the run once the worker is back.
 */
class MultiWorkerTrainingTest {
  @TempDir Path dir;

  private ExperimentConfig config(Path train, Path out, List<String> cluster, int maxSteps) {
    return ExperimentConfig.builder()
        .set("data.train", train.toString())
        .set("model.vocab_size", 300).set("model.hidden_size", 32).set("model.num_layers", 1)
        .set("model.num_heads", 2).set("model.intermediate_size", 64)
        .set("model.hidden_dropout", 0.0).set("model.attention_dropout", 0.0)
        .set("objective.name", "soft_infonce").set("objective.alpha", 1.5).set("objective.beta", 0.5)
        .set("estimator.name", "bm25")
        .set("train.output_dir", out.toString()).set("train.batch_size", 8).set("train.max_steps", maxSteps)
        .set("train.checkpoint_every", 2).set("train.log_every", 1).set("train.learning_rate", 3e-3)
        .set("train.threads", 1).set("train.progress", false).set("train.cluster", cluster)
        .set("train.cluster_timeout", 30).build();
  }

  static List<String> loopbackCluster(int n) throws IOException {
    List<String> out = new ArrayList<>();
    List<ServerSocket> held = new ArrayList<>();
    try {
      for (int i = 0; i < n; i++) {
        ServerSocket s = new ServerSocket(0);
        held.add(s);
        out.add("localhost:" + s.getLocalPort());
      }
    } finally {
      for (ServerSocket s : held) {
        s.close();
      }
    }
    return out;
  }

  private Process spawn(Path log, String... args) throws IOException {
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), "dev.softinfonce.cli.Main"));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().put("DJL_OFFLINE", "true");
    pb.environment().put("OPT_OUT_TRACKING", "true");
    pb.environment().remove("SOFTINFONCE_CLUSTER");
    pb.environment().remove("TF_CONFIG");
    pb.environment().put("GRPC_FAIL_FAST", "true");
    return pb.start();
  }

  private Process worker(List<String> cluster, int task) throws IOException {
    return spawn(dir.resolve("worker" + task + "-" + System.nanoTime() + ".log"), "worker", "--task",
        String.valueOf(task), "--cluster", String.join(",", cluster), "--threads", "1");
  }

  /** The trainee's variables in a checkpoint, by name. */
  private static Map<String, float[]> variables(ModelConfig m, Path checkpoint) {
    Map<String, float[]> out = new LinkedHashMap<>();
    try (Graph g = new Graph(); Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      DualEncoder enc = new DualEncoder(tf, m, false, 5L);
      PretrainedCheckpoint.restore(s, tf, enc.variables(), checkpoint.resolve(Checkpoints.VARIABLES), "");
      for (Map.Entry<String, Variable<?>> e : enc.variables().entrySet()) {
        try (TFloat32 t = (TFloat32) s.runner().fetch(e.getValue()).run().get(0)) {
          float[] v = new float[(int) t.size()];
          int[] i = {0};
          ((FloatNdArray) t).scalars().forEach(x -> v[i[0]++] = x.getFloat());
          out.put(e.getKey(), v);
        }
      }
    }
    return out;
  }

  @Test
  void oneStepOnTwoWorkersEqualsOneProcessOnTheGlobalBatch() throws Exception {
    Path train = TrainerResumeTest.syntheticCorpus(dir, 64);
    List<String> cluster = loopbackCluster(2);
    Process w = worker(cluster, 1);
    try {
      Trainer.Result one = Trainer.of(config(train, dir.resolve("one"), List.of(), 1)).messages(s -> {}).run();
      List<String> lines = new ArrayList<>();
      Trainer.Result two = Trainer.of(config(train, dir.resolve("two"), cluster, 1)).messages(lines::add).run();
      assertTrue(lines.stream().anyMatch(l -> l.startsWith("cluster: chief (task 0)")), lines.toString());
      assertEquals(one.finalLoss(), two.finalLoss(), 1e-5, "loss of the step");

      ModelConfig m = Trainer.of(config(train, dir.resolve("x"), List.of(), 1)).config().model();
      Map<String, float[]> a = variables(m, one.lastCheckpoint());
      Map<String, float[]> b = variables(m, two.lastCheckpoint());
      assertEquals(a.keySet(), b.keySet());
      double worst = 0;
      for (String k : a.keySet()) {
        for (int i = 0; i < a.get(k).length; i++) {
          worst = Math.max(worst, Math.abs(a.get(k)[i] - b.get(k)[i]));
        }
      }
      assertTrue(worst <= 1e-5, "largest difference of an updated variable: " + worst);
      // the step moved the weights (Adam's first step is ~lr per weight), so equality is not vacuous
      Map<String, float[]> init = variables(m, initialCheckpoint(train, m));
      double moved = 0;
      for (String k : a.keySet()) {
        for (int i = 0; i < a.get(k).length; i++) {
          moved = Math.max(moved, Math.abs(a.get(k)[i] - init.get(k)[i]));
        }
      }
      assertTrue(moved > 1e-3, "the step changed no weight: " + moved);
    } finally {
      w.destroyForcibly();
      w.waitFor(30, TimeUnit.SECONDS);
    }
  }

  /** A checkpoint at step 0 of the same config: the initial weights the step started from. */
  private Path initialCheckpoint(Path train, ModelConfig m) {
    Path run = dir.resolve("init");
    Trainer.of(config(train, run, List.of(), 1).toBuilder().set("train.learning_rate", 1e-30).build())
        .messages(s -> {}).run();
    return Checkpoints.latest(run).orElseThrow();
  }

  @Test
  void aKilledWorkerStopsTheChiefNamingItAndResumeContinues() throws Exception {
    Path train = TrainerResumeTest.syntheticCorpus(dir, 64);
    List<String> cluster = loopbackCluster(2);
    Path run = dir.resolve("run");
    Path cfgFile = dir.resolve("run.yaml");
    Files.writeString(cfgFile, config(train, run, cluster, 8).toYaml());
    Process w = worker(cluster, 1);
    Path chiefLog = dir.resolve("chief.log");
    Process chief = spawn(chiefLog, "train", cfgFile.toString());
    Process w2 = null;
    try {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
      while (Checkpoints.latest(run).isEmpty() && chief.isAlive() && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      assertTrue(chief.isAlive(), "the chief ended before the worker was killed: " + Files.readString(chiefLog));
      w.destroyForcibly(); // SIGKILL mid-run
      long killed = System.nanoTime();
      boolean ended = chief.waitFor(60, TimeUnit.SECONDS);
      assertTrue(ended, "the chief still runs 60 s after its worker died: " + Files.readString(chiefLog));
      double seconds = (System.nanoTime() - killed) / 1e9;
      String log = Files.readString(chiefLog);
      assertTrue(chief.exitValue() != 0, "the chief exited 0 without its worker: " + log);
      String error = log.lines().filter(l -> l.startsWith("error:")).findFirst().orElse("");
      assertTrue(error.contains("worker task 1 (" + cluster.get(1) + ")"), "no line names the worker: " + log);
      assertTrue(seconds < 60, "took " + seconds + " s");
      long at = Checkpoints.stepOf(Checkpoints.latest(run).orElseThrow());
      assertTrue(at < 8, "the run had finished before the kill");

      w2 = worker(cluster, 1);
      List<String> lines = new ArrayList<>();
      Trainer.Result r = Trainer.resume(run).messages(lines::add).run();
      assertEquals(8, r.steps(), lines.toString());
      assertTrue(lines.stream().anyMatch(l -> l.startsWith("resumed from ")), lines.toString());
    } finally {
      chief.destroyForcibly();
      w.destroyForcibly();
      if (w2 != null) {
        w2.destroyForcibly();
      }
    }
  }
}
