package dev.softinfonce.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.softinfonce.bench.MatmulPeak;
import dev.softinfonce.bench.ObjectiveBenchmark;
import dev.softinfonce.bench.Stats;
import dev.softinfonce.bench.TrainBenchmark;
import dev.softinfonce.config.ExperimentConfig;
import dev.softinfonce.config.Precision;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code softinfonce bench train|objectives|matmul}: throughput benchmarks (not tests) over
 * {@code dev.softinfonce.bench}. Each prints figures with the load average, and optionally one JSON file.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
    description = "Benchmarks: training throughput, objective/estimator overhead, matmul peak, encoder throughput, "
        + "HTTP serving load.",
    subcommands = {BenchCommand.Train.class, BenchCommand.Objectives.class, BenchCommand.Matmul.class,
        BenchCommand.Encode.class, BenchCommand.Serve.class})
final class BenchCommand implements Runnable {
  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  /** Options shared by the subcommands that build a training graph. */
  static class ConfigOptions {
    @Option(names = "--config", paramLabel = "FILE", description = "YAML config (model, objective, estimator, train.batch_size, train.threads)")
    Path config;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "override a key, e.g. train.batch_size=64 (repeatable)")
    List<String> overrides = new ArrayList<>();

    @Option(names = "--json", paramLabel = "FILE", description = "also write the figures as JSON")
    Path json;

    ExperimentConfig load(List<String> extra) {
      var parser = ExperimentConfig.builder();
      if (config != null) {
        parser.file(config);
      }
      List<String> all = new ArrayList<>(overrides);
      all.addAll(extra);
      return parser.overrides(all).build();
    }

    void writeJson(Object value) {
      if (json == null) {
        return;
      }
      try {
        Files.writeString(json, new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
            .writeValueAsString(value) + "\n");
        System.err.println("wrote " + json);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot write " + json + ": " + e.getMessage(), e);
      }
    }
  }

  @Command(name = "train", mixinStandardHelpOptions = true,
      description = "Time training steps of a config on random ids: pairs/s, non-pad tokens/s, achieved GFLOP/s "
          + "and its share of the TF matmul peak measured in the same run. Prints one JSON line last.")
  static final class Train implements Runnable {
    @picocli.CommandLine.Mixin ConfigOptions options = new ConfigOptions();

    @Option(names = "--steps", defaultValue = "30", description = "timed steps (default ${DEFAULT-VALUE})")
    int steps;

    @Option(names = "--warmup", defaultValue = "5", description = "untimed steps first (default ${DEFAULT-VALUE})")
    int warmup;

    @Option(names = "--no-peak", description = "skip the matmul peak measurement")
    boolean noPeak;

    @Option(names = "--profile", description = "after the timed steps, trace one step (RunOptions FULL_TRACE) and print "
        + "the share of each op type")
    boolean profile;

    @Override
    public void run() {
      if (steps < 1 || warmup < 0) {
        throw new UserException("--steps must be >= 1 and --warmup >= 0 (got " + steps + ", " + warmup + ")");
      }
      ExperimentConfig cfg = options.load(List.of());
      TrainBenchmark.Report report = TrainBenchmark.run(cfg, steps, warmup,
          noPeak ? new int[0] : MatmulPeak.DEFAULT_SIZES, profile);
      System.out.println(report.summary());
      try {
        System.out.println(new ObjectMapper().writeValueAsString(report.toMap()));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      options.writeJson(report.toMap());
    }
  }

  @Command(name = "objectives", mixinStandardHelpOptions = true,
      description = "Time per training step of InfoNCE and Soft-InfoNCE with each estimator (uniform, bm25, "
          + "simcse, trained online, trained cached) at the config's model and batch, interleaved in one run "
          + "(the paper's Table 8 analog).")
  static final class Objectives implements Runnable {
    @picocli.CommandLine.Mixin ConfigOptions options = new ConfigOptions();

    @Option(names = "--reps", defaultValue = "5", description = "interleaved repetitions (default ${DEFAULT-VALUE})")
    int reps;

    @Option(names = "--steps", defaultValue = "10", description = "timed steps per variant per repetition (default ${DEFAULT-VALUE})")
    int steps;

    @Option(names = "--warmup", defaultValue = "3", description = "untimed steps per variant (default ${DEFAULT-VALUE})")
    int warmup;

    @Option(names = "--paper-configs", defaultValue = "configs", paramLabel = "DIR",
        description = "folder of paper-bm25.yaml, paper-simcse.yaml, paper-trained.yaml, whose alpha, beta, t "
            + "the Soft-InfoNCE variants use (default ${DEFAULT-VALUE})")
    Path paperConfigs;

    @Override
    public void run() {
      if (reps < 1 || steps < 1 || warmup < 0) {
        throw new UserException("--reps and --steps must be >= 1, --warmup >= 0");
      }
      ExperimentConfig base = options.load(List.of());
      double load0 = Stats.loadAverage();
      List<ObjectiveBenchmark.Row> rows = ObjectiveBenchmark.run(options::load, ObjectiveBenchmark.variants(paperConfigs),
          reps, steps, warmup);
      double load1 = Stats.loadAverage();
      String header = String.format(Locale.ROOT,
          "model %d layers / hidden %d / %d heads / FF %d / vocab %d, batch %d, query %d + code %d tokens, "
              + "%d intra-op threads; %d reps x %d steps per variant, interleaved; load average %.1f -> %.1f",
          base.model().numLayers(), base.model().hiddenSize(), base.model().numHeads(),
          base.model().intermediateSize(), base.model().vocabSize(), base.train().batchSize(),
          base.model().maxQueryLength(), base.model().maxCodeLength(), base.train().threads(), reps, steps,
          load0, load1);
      System.out.println(header);
      System.out.print(ObjectiveBenchmark.table(rows));
      Map<String, Object> json = new LinkedHashMap<>();
      json.put("setup", header);
      json.put("rows", ObjectiveBenchmark.toMaps(rows));
      options.writeJson(json);
    }
  }

  @Command(name = "matmul", mixinStandardHelpOptions = true,
      description = "Dense matmul GFLOP/s through TF Java, fp32 and bf16 operands (median after warm-up): the peaks "
          + "training FLOP/s are compared with.")
  static final class Matmul implements Runnable {
    @Option(names = "--threads", defaultValue = "2", description = "intra-op threads (default ${DEFAULT-VALUE})")
    int threads;

    @Option(names = "--sizes", split = ",", defaultValue = "512,1024,2048", description = "n values (default ${DEFAULT-VALUE})")
    int[] sizes;

    @Option(names = "--reps", defaultValue = "7", description = "timed products per size (default ${DEFAULT-VALUE})")
    int reps;

    @Override
    public void run() {
      if (threads < 1 || reps < 1) {
        throw new UserException("--threads and --reps must be >= 1");
      }
      System.out.printf(Locale.ROOT, "# %d intra-op threads, load average %.1f, cpu %s%n", threads,
          Stats.loadAverage(), Stats.cpuDescription());
      Map<Integer, Double> fp32 = MatmulPeak.measure(sizes, threads, 2, reps, Precision.FP32);
      Map<Integer, Double> bf16 = MatmulPeak.measure(sizes, threads, 2, reps, Precision.BF16);
      System.out.println("n\tfp32 GFLOP/s\tbf16 GFLOP/s");
      fp32.forEach((n, g) -> System.out.printf(Locale.ROOT, "n=%d\t%.1f\t%.1f%n", n, g, bf16.get(n)));
      System.out.printf(Locale.ROOT, "peak fp32 %.1f GFLOP/s, bf16 %.1f GFLOP/s (load average %.1f)%n",
          java.util.Collections.max(fp32.values()), java.util.Collections.max(bf16.values()), Stats.loadAverage());
    }
  }

  @Command(name = "encode", mixinStandardHelpOptions = true,
      description = "Encoder tokens/s (all tokens real) of the inference forward pass and of forward + backward, per "
          + "size, length and compute precision.")
  static final class Encode implements Runnable {
    @Option(names = "--sizes", split = ",", defaultValue = "tiny,minilm", description = "tiny | minilm (default ${DEFAULT-VALUE})")
    List<String> sizes;

    @Option(names = "--lengths", split = ",", defaultValue = "64,128,256", description = "sequence lengths (default ${DEFAULT-VALUE})")
    int[] lengths;

    @Option(names = "--batch", defaultValue = "32", description = "sequences per call (default ${DEFAULT-VALUE})")
    int batch;

    @Option(names = "--threads", defaultValue = "2", description = "intra-op threads (default ${DEFAULT-VALUE})")
    int threads;

    @Option(names = "--seconds", defaultValue = "10", description = "timed seconds per row (default ${DEFAULT-VALUE})")
    double seconds;

    @Option(names = "--precisions", split = ",", defaultValue = "fp32,bf16", description = "fp32,bf16 (default ${DEFAULT-VALUE})")
    List<String> precisions;

    @Option(names = "--forward-only", description = "inference only (skip forward + backward)")
    boolean forwardOnly;

    @Override
    public void run() {
      if (batch < 1 || threads < 1 || seconds <= 0) {
        throw new UserException("--batch and --threads must be >= 1, --seconds > 0");
      }
      List<Precision> ps = precisions.stream().map(p -> ModelCommand.enumOf(Precision.class, p, "--precisions")).toList();
      for (String s : sizes) {
        if (!s.equals("tiny") && !s.equals("minilm")) {
          throw new UserException("--sizes " + s + ": expected tiny or minilm");
        }
      }
      dev.softinfonce.model.EncoderBenchmark.print(sizes, lengths, batch, threads, seconds, ps, forwardOnly);
    }
  }

  @Command(name = "serve", mixinStandardHelpOptions = true,
      description = "Load run on loopback: starts `serve` in this process on a free port (or targets --url) and sends "
          + "CLIENTS x REQUESTS mixed requests (predict, encode, search with --index, and a share of malformed ones); "
          + "prints requests/s, p50/p99 per kind, 5xx count and malformed requests not answered 4xx. Exit 1 if any.")
  static final class Serve implements java.util.concurrent.Callable<Integer> {
    @Option(names = "--model-base-path", required = true, paramLabel = "DIR", description = "e.g. savedmodels/quickstart")
    Path basePath;

    @Option(names = "--index", paramLabel = "FILE", description = "code index (adds search requests)")
    Path index;

    @Option(names = "--url", paramLabel = "URL", description = "a running server on loopback (default: start one here)")
    java.net.URI url;

    @Option(names = "--model-name", paramLabel = "N", description = "default: the base folder's name")
    String modelName;

    @Option(names = "--clients", defaultValue = "16", description = "concurrent clients (default ${DEFAULT-VALUE})")
    int clients;

    @Option(names = "--requests", defaultValue = "2000", description = "requests per client (default ${DEFAULT-VALUE})")
    int requests;

    @Option(names = "--malformed", defaultValue = "0.05", description = "share of malformed requests (default ${DEFAULT-VALUE})")
    double malformed;

    @Option(names = "--threads", defaultValue = "4", description = "server model-run slots when started here (default ${DEFAULT-VALUE})")
    int threads;

    @Override
    public Integer call() throws Exception {
      if (clients < 1 || requests < 1 || malformed < 0 || malformed > 1) {
        throw new UserException("--clients and --requests must be >= 1, --malformed in [0, 1]");
      }
      if (url != null && !java.net.InetAddress.getByName(url.getHost()).isLoopbackAddress()) {
        throw new UserException("--url must be a loopback address (127.0.0.1, localhost), got " + url.getHost());
      }
      String name = modelName != null ? modelName : basePath.toAbsolutePath().normalize().getFileName().toString();
      dev.softinfonce.serve.ServeLoadBenchmark.Report r;
      if (url != null) {
        r = dev.softinfonce.serve.ServeLoadBenchmark.run(url, name, basePath, index != null, clients, requests, malformed, 1L);
      } else {
        try (var versions = new dev.softinfonce.serve.ModelVersions(basePath, 0);
            var served = dev.softinfonce.serve.ServedIndex.open(index, versions, name);
            var server = new dev.softinfonce.serve.ModelServer(versions, name, served.searcher(),
                dev.softinfonce.serve.ModelServer.Options.defaults().withPort(0).withThreads(threads, 64))) {
          System.out.printf("server: %s version %d on 127.0.0.1:%d, %d model-run slots, %d cores%n", name,
              versions.latest(), server.port(), threads, Runtime.getRuntime().availableProcessors());
          r = dev.softinfonce.serve.ServeLoadBenchmark.run(java.net.URI.create("http://127.0.0.1:" + server.port()),
              name, basePath, index != null, clients, requests, malformed, 1L);
        }
      }
      System.out.print(r.summary());
      return r.passed() ? 0 : 1;
    }
  }
}
