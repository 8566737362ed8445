package dev.softinfonce.model;

import dev.softinfonce.config.ExperimentConfig;
import dev.softinfonce.config.ModelConfig;
import dev.softinfonce.config.Precision;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.StdArrays;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * Encoder throughput, not a test: tokens/s of the forward pass (inference graph) and of forward +
 * backward (training graph with dropout, gradients of an in-batch InfoNCE loss w.r.t. every variable,
 * no optimizer update), for the MiniLM size (6 layers, 384 hidden, 12 heads, 1536 FF, vocab 30522) and
 * a tiny size, at one batch size and several lengths, all tokens real.
 *
 * <pre>
 * tools/softinfonce bench encode [--sizes tiny,minilm] [--lengths 64,128,256] [--batch 32] [--threads 2]
 *     [--seconds 10] [--precisions fp32,bf16] [--forward-only]
 * </pre>
 *
 * <p>Each precision is the encoder's compute ({@link Precision}): bf16 runs the matmuls in bfloat16 on
 * the same float32 variables.
 */
public final class EncoderBenchmark {
  private EncoderBenchmark() {}

  /**
   * Prints one tab-separated row per size, length and precision (header first); the fwd+bwd columns are
   * "-" with {@code forwardOnly}.
   */
  public static void print(List<String> sizes, int[] lengths, int batch, int threads, double seconds,
      List<Precision> precisions, boolean forwardOnly) {
    System.out.printf(Locale.ROOT, "# batch %d, intra-op threads %d, inter-op 1, %d cores, load average %.1f, cpu %s%n",
        batch, threads, Runtime.getRuntime().availableProcessors(),
        java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(),
        dev.softinfonce.bench.Stats.cpuDescription());
    System.out.println("size\tlength\tprecision\tforward_tokens_per_s\tfwd_bwd_tokens_per_s\tforward_ms_per_batch"
        + "\tfwd_bwd_ms_per_batch");
    for (String size : sizes) {
      ModelConfig cfg = config(size);
      for (int len : lengths) {
        for (Precision p : precisions) {
          double[] fwd = run(cfg, batch, len, threads, false, seconds, p);
          String name = p.name().toLowerCase(Locale.ROOT);
          if (forwardOnly) {
            System.out.printf(Locale.ROOT, "%s\t%d\t%s\t%.0f\t-\t%.1f\t-%n", size, len, name, fwd[0], fwd[1]);
          } else {
            double[] bwd = run(cfg, batch, len, threads, true, seconds, p);
            System.out.printf(Locale.ROOT, "%s\t%d\t%s\t%.0f\t%.0f\t%.1f\t%.1f%n", size, len, name, fwd[0], bwd[0],
                fwd[1], bwd[1]);
          }
        }
      }
    }
  }

  /** The model of a size name: {@code tiny} or {@code minilm} (as configs/bench-*.yaml). */
  public static ModelConfig config(String size) {
    var b = ExperimentConfig.builder().set("model.pooling", "mean").set("model.max_positions", 512)
        .set("model.max_query_length", 32).set("model.max_code_length", 96);
    return switch (size) {
      case "minilm" -> b.set("model.vocab_size", 30522).set("model.hidden_size", 384).set("model.num_layers", 6)
          .set("model.num_heads", 12).set("model.intermediate_size", 1536).build().model();
      case "tiny" -> b.set("model.vocab_size", 8000).set("model.hidden_size", 128).set("model.num_layers", 2)
          .set("model.num_heads", 4).set("model.intermediate_size", 512).build().model();
      default -> throw new IllegalArgumentException("unknown size " + size + " (tiny | minilm)");
    };
  }

  /** Returns {tokens per second, milliseconds per batch}. */
  static double[] run(ModelConfig cfg, int batch, int len, int threads, boolean backward, double seconds,
      Precision precision) {
    ConfigProto proto = ConfigProto.newBuilder().setIntraOpParallelismThreads(threads)
        .setInterOpParallelismThreads(1).build();
    int[][] ids = new int[batch][len];
    int[][] mask = new int[batch][len];
    Random rnd = new Random(1);
    for (int[] row : ids) {
      for (int j = 0; j < len; j++) {
        row[j] = 1 + rnd.nextInt(cfg.vocabSize() - 1);
      }
    }
    for (int[] row : mask) {
      Arrays.fill(row, 1);
    }
    try (Graph g = new Graph(); Session s = new Session(g, proto);
        TInt32 tid = TInt32.tensorOf(StdArrays.ndCopyOf(ids)); TInt32 tm = TInt32.tensorOf(StdArrays.ndCopyOf(mask))) {
      Ops tf = Ops.create(g);
      Placeholder<TInt32> pid = tf.placeholder(TInt32.class, Placeholder.shape(Shape.of(-1, -1)));
      Placeholder<TInt32> pm = tf.placeholder(TInt32.class, Placeholder.shape(Shape.of(-1, -1)));
      TransformerEncoder<TFloat32> enc = new TransformerEncoder<>(tf, cfg, TFloat32.class, "", backward, 1L,
          precision);
      Operand<TFloat32> emb = enc.encode(pid, pm); // [B, D]
      List<String> targets = new ArrayList<>();
      if (backward) {
        int half = batch / 2;
        Operand<TFloat32> q = tf.slice(emb, tf.constant(new int[] {0, 0}), tf.constant(new int[] {half, -1})); // [B/2, D]
        Operand<TFloat32> c = tf.slice(emb, tf.constant(new int[] {half, 0}), tf.constant(new int[] {half, -1}));
        Operand<TFloat32> logits = tf.linalg.matMul(q, c, org.tensorflow.op.linalg.MatMul.transposeB(true));
        Operand<TFloat32> labels = tf.oneHot(tf.range(tf.constant(0), tf.constant(half), tf.constant(1)),
            tf.constant(half), tf.constant(1f), tf.constant(0f));
        Operand<TFloat32> loss = tf.math.mean(tf.nn.softmaxCrossEntropyWithLogits(logits, labels).loss(), tf.constant(0));
        Output<?>[] xs = enc.variables().values().stream().map(v -> v.asOutput()).toArray(Output<?>[]::new);
        for (Output<?> gr : g.addGradients(loss.asOutput(), xs)) {
          targets.add(gr.op().name());
        }
      } else {
        targets.add(emb.op().name());
      }
      Runnable step = () -> {
        var r = s.runner().feed(pid, tid).feed(pm, tm);
        targets.forEach(r::addTarget);
        r.run().close();
      };
      step.run(); // warm-up: initialisation, Grappler, oneDNN primitives
      step.run();
      int n = 0;
      long start = System.nanoTime();
      while (n < 3 || (System.nanoTime() - start) / 1e9 < seconds) {
        step.run();
        n++;
      }
      double secs = (System.nanoTime() - start) / 1e9;
      return new double[] {(double) batch * len * n / secs, 1000 * secs / n};
    }
  }
}
