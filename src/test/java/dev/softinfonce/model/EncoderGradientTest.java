package dev.softinfonce.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.softinfonce.config.ExperimentConfig;
import dev.softinfonce.config.ModelConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.StdArrays;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat64;
import org.tensorflow.types.TInt32;

/**
 * A 2-layer encoder under an in-batch InfoNCE loss (dense softmax cross-entropy with one-hot labels):
 * every variable gets a finite, non-zero gradient, and central finite differences in float64 agree
 * with the graph gradient on a sample of parameters from every variable.
 */
class EncoderGradientTest {

  static ModelConfig tiny(String variant, String pooling) {
    return ExperimentConfig.builder()
        .set("model.variant", variant).set("model.pooling", pooling)
        .set("model.vocab_size", 23).set("model.hidden_size", 8).set("model.num_layers", 2)
        .set("model.num_heads", 2).set("model.intermediate_size", 12).set("model.max_positions", 16)
        .set("model.max_query_length", 8).set("model.max_code_length", 8)
        .set("model.pad_token_id", variant.equals("roberta") ? 1 : 0)
        .set("model.layer_norm_eps", 1e-6)
        .build().model();
  }

  @Test
  void bertWithPoolerGradientsMatchFiniteDifferences() {
    check(tiny("bert", "pooler"));
  }

  @Test
  void robertaWithMeanPoolingGradientsMatchFiniteDifferences() {
    check(tiny("roberta", "mean"));
  }

  private void check(ModelConfig cfg) {
    int pad = cfg.padTokenId();
    int[][] qIds = {{2, 5, 7, pad, pad}, {2, 9, 3, 4, 6}, {2, 11, pad, pad, pad}};
    int[][] qMask = {{1, 1, 1, 0, 0}, {1, 1, 1, 1, 1}, {1, 1, 0, 0, 0}};
    int[][] cIds = {{2, 8, 12, 13, 3, 21}, {2, 14, 15, pad, pad, pad}, {2, 16, 17, 18, 19, pad}};
    int[][] cMask = {{1, 1, 1, 1, 1, 1}, {1, 1, 1, 0, 0, 0}, {1, 1, 1, 1, 1, 0}};
    try (Graph g = new Graph(); Session s = new Session(g);
        TInt32 tq = TInt32.tensorOf(StdArrays.ndCopyOf(qIds)); TInt32 tqm = TInt32.tensorOf(StdArrays.ndCopyOf(qMask));
        TInt32 tc = TInt32.tensorOf(StdArrays.ndCopyOf(cIds)); TInt32 tcm = TInt32.tensorOf(StdArrays.ndCopyOf(cMask))) {
      Ops tf = Ops.create(g);
      TransformerEncoder<TFloat64> enc = new TransformerEncoder<>(tf, cfg, TFloat64.class, "", false, 7L);
      Operand<TFloat64> q = enc.encode(tf.constant(tq), tf.constant(tqm)); // [3, D]
      Operand<TFloat64> c = enc.encode(tf.constant(tc), tf.constant(tcm)); // [3, D]
      Operand<TFloat64> logits = tf.linalg.matMul(q, c, org.tensorflow.op.linalg.MatMul.transposeB(true)); // [3, 3]
      Operand<TFloat64> labels = tf.oneHot(tf.range(tf.constant(0), tf.constant(3), tf.constant(1)), tf.constant(3),
          tf.constant(1.0), tf.constant(0.0)); // [3, 3]
      // InfoNCE as -mean(sum(labels * log_softmax(logits))), log_softmax composed by hand: the C++ gradient of
      // SoftmaxCrossEntropyWithLogits fails to build for float64 in TF 2.18 (it mixes a float constant in), so the
      // float64 check cannot use it; the float32 test below uses the op itself, as training does.
      Operand<TFloat64> max = tf.stopGradient(tf.reduceMax(logits, tf.constant(1), org.tensorflow.op.core.ReduceMax.keepDims(true)));
      Operand<TFloat64> shifted = tf.math.sub(logits, max); // [3, 3]
      Operand<TFloat64> logZ = tf.math.log(tf.reduceSum(tf.math.exp(shifted), tf.constant(1),
          org.tensorflow.op.core.ReduceSum.keepDims(true))); // [3, 1]
      Operand<TFloat64> logp = tf.math.sub(shifted, logZ); // [3, 3]
      Operand<TFloat64> loss = tf.math.neg(tf.math.mean(tf.reduceSum(tf.math.mul(labels, logp), tf.constant(1)),
          tf.constant(0)));

      List<String> names = new ArrayList<>(enc.variables().keySet());
      List<Variable<TFloat64>> vars = new ArrayList<>(enc.variables().values());
      Output<?>[] xs = vars.stream().map(Variable::asOutput).toArray(Output<?>[]::new);
      Output<?>[] grads = g.addGradients(loss.asOutput(), xs);

      // One placeholder + assign per variable, to perturb parameters for finite differences.
      List<Placeholder<TFloat64>> feeds = new ArrayList<>();
      List<Op> assigns = new ArrayList<>();
      for (Variable<TFloat64> v : vars) {
        Placeholder<TFloat64> p = tf.placeholder(TFloat64.class);
        feeds.add(p);
        assigns.add(tf.assign(v, p));
      }

      // Move away from the BERT initialisation (weights ~0.02 make every gradient tiny and the check weak):
      // add N(0, 0.3) noise to every parameter, so the check runs at a generic, non-degenerate point.
      Random noise = new Random(11);
      for (int i = 0; i < vars.size(); i++) {
        double[] v;
        try (Result r = s.runner().fetch(vars.get(i)).run()) {
          v = flat((TFloat64) r.get(0));
        }
        for (int k = 0; k < v.length; k++) {
          v[k] += 0.3 * noise.nextGaussian();
        }
        lossWith(s, feeds.get(i), assigns.get(i), vars.get(i).shape(), v, loss);
      }

      double[][] analytic = new double[vars.size()][];
      double[][] values = new double[vars.size()][];
      var runner = s.runner();
      for (Output<?> gr : grads) {
        runner.fetch(gr);
      }
      for (Variable<TFloat64> v : vars) {
        runner.fetch(v);
      }
      try (Result r = runner.run()) {
        for (int i = 0; i < vars.size(); i++) {
          analytic[i] = flat((TFloat64) r.get(i));
          values[i] = flat((TFloat64) r.get(vars.size() + i));
        }
      }
      assertEquals(cfg.pooling() == ModelConfig.Pooling.POOLER ? 5 + 16 * 2 + 2 : 5 + 16 * 2, vars.size(),
          "variable count");
      for (int i = 0; i < vars.size(); i++) {
        double norm = 0;
        for (double x : analytic[i]) {
          assertTrue(Double.isFinite(x), names.get(i) + " has a non-finite gradient");
          norm += x * x;
        }
        assertTrue(norm > 0, names.get(i) + " gets a zero gradient");
      }

      Random rnd = new Random(42);
      double eps = 1e-6;
      int checked = 0;
      double worst = 0;
      double largest = 0;
      double worstAbs = 0;
      for (int i = 0; i < vars.size(); i++) {
        Shape shape = vars.get(i).shape();
        // sample: the largest-gradient entry plus two random ones
        List<Integer> idx = new ArrayList<>();
        int arg = 0;
        for (int k = 1; k < analytic[i].length; k++) {
          if (Math.abs(analytic[i][k]) > Math.abs(analytic[i][arg])) {
            arg = k;
          }
        }
        idx.add(arg);
        idx.add(rnd.nextInt(analytic[i].length));
        idx.add(rnd.nextInt(analytic[i].length));
        for (int k : idx) {
          double orig = values[i][k];
          values[i][k] = orig + eps;
          double up = lossWith(s, feeds.get(i), assigns.get(i), shape, values[i], loss);
          values[i][k] = orig - eps;
          double down = lossWith(s, feeds.get(i), assigns.get(i), shape, values[i], loss);
          values[i][k] = orig;
          lossWith(s, feeds.get(i), assigns.get(i), shape, values[i], loss);
          double fd = (up - down) / (2 * eps);
          double a = analytic[i][k];
          double err = Math.abs(fd - a) / Math.max(1e-6, Math.max(Math.abs(fd), Math.abs(a)));
          if (Math.abs(fd - a) > 1e-9) { // entries that are both ~0 agree absolutely
            assertTrue(err <= 1e-4, names.get(i) + "[" + k + "]: graph " + a + " vs finite difference " + fd);
            worst = Math.max(worst, err);
          }
          largest = Math.max(largest, Math.abs(a));
          worstAbs = Math.max(worstAbs, Math.abs(fd - a));
          checked++;
        }
      }
      assertTrue(checked >= 3 * vars.size());
      assertTrue(largest > 1e-3, "gradients too small for a meaningful check: " + largest);
      System.out.printf("gradient check %s/%s: %d entries, largest |gradient| %.3g, worst |fd - graph| %.2e,"
          + " worst relative error above 1e-9 absolute %.2e%n", cfg.variant(), cfg.pooling(), checked, largest, worstAbs, worst);
    }
  }

  /** The training path: float32 DualEncoder, dense softmax cross-entropy, every variable gets a usable gradient. */
  @Test
  void float32DualEncoderInfoNceGivesEveryVariableAGradient() {
    ModelConfig cfg = ExperimentConfig.builder()
        .set("model.vocab_size", 23).set("model.hidden_size", 8).set("model.num_layers", 2)
        .set("model.num_heads", 2).set("model.intermediate_size", 12).set("model.max_positions", 16)
        .set("model.max_query_length", 8).set("model.max_code_length", 8)
        .set("model.shared_towers", false).set("model.learn_temperature", true).set("model.temperature", 0.05)
        .set("model.normalize", true).set("model.pooling", "cls")
        .build().model();
    int[][] ids = {{2, 5, 7, 0}, {2, 9, 3, 4}, {2, 11, 0, 0}};
    int[][] mask = {{1, 1, 1, 0}, {1, 1, 1, 1}, {1, 1, 0, 0}};
    try (Graph g = new Graph(); Session s = new Session(g);
        TInt32 t = TInt32.tensorOf(StdArrays.ndCopyOf(ids)); TInt32 tm = TInt32.tensorOf(StdArrays.ndCopyOf(mask))) {
      Ops tf = Ops.create(g);
      DualEncoder enc = new DualEncoder(tf, cfg, true, 3L);
      var q = enc.encodeQuery(tf.constant(t), tf.constant(tm));
      var c = enc.encodeCode(tf.constant(t), tf.constant(tm));
      var scores = enc.scores(q, c); // [3, 3]
      var labels = tf.oneHot(tf.range(tf.constant(0), tf.constant(3), tf.constant(1)), tf.constant(3),
          tf.constant(1f), tf.constant(0f));
      var loss = tf.math.mean(tf.nn.softmaxCrossEntropyWithLogits(scores, labels).loss(), tf.constant(0));
      List<String> names = new ArrayList<>(enc.variables().keySet());
      assertTrue(names.contains("query.embeddings.word_embeddings.weight"), names.toString());
      assertTrue(names.contains("code.encoder.layer.1.output.LayerNorm.bias"), names.toString());
      assertTrue(names.contains("logit_scale"), names.toString());
      assertEquals(2 * (5 + 16 * 2) + 1, names.size());
      Output<?>[] xs = enc.variables().values().stream().map(v -> v.asOutput()).toArray(Output<?>[]::new);
      Output<?>[] grads = g.addGradients(loss.asOutput(), xs);
      var runner = s.runner();
      for (Output<?> gr : grads) {
        runner.fetch(gr);
      }
      try (Result r = runner.run()) {
        for (int i = 0; i < grads.length; i++) {
          org.tensorflow.types.TFloat32 gt = (org.tensorflow.types.TFloat32) r.get(i);
          float[] v = new float[(int) gt.shape().size()];
          gt.copyTo(org.tensorflow.ndarray.buffer.DataBuffers.of(v, false, false));
          double norm = 0;
          for (float x : v) {
            assertTrue(Float.isFinite(x), names.get(i) + " has a non-finite gradient");
            norm += x * x;
          }
          assertTrue(norm > 0, names.get(i) + " gets a zero gradient");
        }
      }
    }
  }

  private static double lossWith(Session s, Placeholder<TFloat64> feed, Op assign, Shape shape, double[] value,
      Operand<TFloat64> loss) {
    try (TFloat64 t = TFloat64.tensorOf(shape, org.tensorflow.ndarray.buffer.DataBuffers.of(value, true, false))) {
      s.runner().feed(feed, t).addTarget(assign).run().close();
    }
    try (Result r = s.runner().fetch(loss).run()) {
      return ((TFloat64) r.get(0)).getDouble();
    }
  }

  private static double[] flat(TFloat64 t) {
    double[] out = new double[(int) t.shape().size()];
    t.copyTo(org.tensorflow.ndarray.buffer.DataBuffers.of(out, false, false));
    return out;
  }

}
