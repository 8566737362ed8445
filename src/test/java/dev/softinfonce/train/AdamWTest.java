package dev.softinfonce.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.softinfonce.config.ExperimentConfig;
import dev.softinfonce.config.TrainConfig;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;

/**
 * AdamW against a plain-Java AdamW written from the torch.optim.AdamW equations, on a small
 * regression graph with a product of two trained vectors (so gradients change non-trivially).
 */
class AdamWTest {
  static final int N = 6;
  static final int D = 3;
  static final float[][] X = {
      {0.5f, -1.0f, 2.0f}, {1.5f, 0.3f, -0.7f}, {-0.2f, 0.8f, 0.1f},
      {0.9f, -0.4f, 1.2f}, {-1.1f, 0.6f, 0.4f}, {0.2f, 0.2f, -1.5f}};
  static final float[] Y = {1.0f, -0.5f, 0.3f, 2.0f, -1.0f, 0.7f};
  static final float[] W0 = {0.3f, -0.2f, 0.5f};
  static final float[] G0 = {1.0f, 0.9f, 1.1f};
  static final float B0 = 0.25f;
  static final float[] F0 = {0.1f, 0.2f, -0.1f};

  /** The toy model: pred_i = Σ_j x_ij w_j g_j + b + Σ_j x_ij f_j, loss = mean((pred - y)²). */
  static final class Toy {
    final Variable<TFloat32> w;
    final Variable<TFloat32> g;
    final Variable<TFloat32> b;
    final Variable<TFloat32> f;
    final Operand<TFloat32> loss;

    Toy(Ops tf, boolean zeroGradient) {
      Ops init = tf.withInitScope();
      w = tf.withName("lin.weight").variable(init.constant(W0));
      g = tf.withName("LayerNorm.weight").variable(init.constant(G0));
      b = tf.withName("lin.bias").variable(init.constant(B0));
      f = tf.withName("frozen.weight").variable(init.constant(F0));
      Operand<TFloat32> x = tf.constant(X);                                   // [N, D]
      Operand<TFloat32> y = tf.constant(Y);                                   // [N]
      Operand<TFloat32> coef = tf.math.add(tf.math.mul(w, g), f);             // [D]
      Operand<TFloat32> pred = tf.math.add(
          tf.reduceSum(tf.math.mul(x, coef), tf.constant(1)), b);             // [N]
      Operand<TFloat32> mse = tf.math.mean(tf.math.squaredDifference(pred, y), tf.constant(0));
      loss = zeroGradient ? tf.math.mul(mse, tf.constant(0f)) : mse;
    }
  }

  /** Plain-Java AdamW (torch semantics) over the same toy problem, in double. */
  static final class Reference {
    double[] w = toDouble(W0);
    double[] g = toDouble(G0);
    double[] b = {B0};
    final double[] f = toDouble(F0);
    double[] mw = new double[D], vw = new double[D], mg = new double[D], vg = new double[D];
    double[] mb = new double[1], vb = new double[1];
    int t = 0;
    final double b1, b2, eps, wd, clip;

    Reference(double b1, double b2, double eps, double wd, double clip) {
      this.b1 = b1; this.b2 = b2; this.eps = eps; this.wd = wd; this.clip = clip;
    }

    /** One update; returns the gradient norm before clipping. */
    double step(double lr) {
      double[] gw = new double[D], gg = new double[D], gb = new double[1];
      for (int i = 0; i < N; i++) {
        double pred = b[0];
        for (int j = 0; j < D; j++) {
          pred += X[i][j] * (w[j] * g[j] + f[j]);
        }
        double r = 2.0 * (pred - Y[i]) / N;
        for (int j = 0; j < D; j++) {
          gw[j] += r * X[i][j] * g[j];
          gg[j] += r * X[i][j] * w[j];
        }
        gb[0] += r;
      }
      double norm = Math.sqrt(sq(gw) + sq(gg) + sq(gb));
      if (clip > 0) {
        double s = Math.min(1.0, clip / norm);
        scale(gw, s); scale(gg, s); scale(gb, s);
      }
      t++;
      adamw(w, gw, mw, vw, lr, wd);      // decayed
      adamw(g, gg, mg, vg, lr, 0);       // LayerNorm: no decay
      adamw(b, gb, mb, vb, lr, 0);       // bias: no decay
      return norm;
    }

    void adamw(double[] p, double[] grad, double[] m, double[] v, double lr, double decay) {
      double bc1 = 1 - Math.pow(b1, t);
      double bc2 = 1 - Math.pow(b2, t);
      for (int j = 0; j < p.length; j++) {
        p[j] *= 1 - lr * decay;
        m[j] = b1 * m[j] + (1 - b1) * grad[j];
        v[j] = b2 * v[j] + (1 - b2) * grad[j] * grad[j];
        double denom = Math.sqrt(v[j]) / Math.sqrt(bc2) + eps;
        p[j] -= lr / bc1 * m[j] / denom;
      }
    }

    static double sq(double[] a) {
      double s = 0;
      for (double x : a) s += x * x;
      return s;
    }

    static void scale(double[] a, double s) {
      for (int i = 0; i < a.length; i++) a[i] *= s;
    }
  }

  static double[] toDouble(float[] a) {
    double[] d = new double[a.length];
    for (int i = 0; i < a.length; i++) d[i] = a[i];
    return d;
  }

  static float[] read(Session s, String name) {
    try (Result r = s.runner().fetch(name).run()) {
      TFloat32 t = (TFloat32) r.get(0);
      float[] out = new float[(int) t.size()];
      if (t.shape().numDimensions() == 0) {
        out[0] = t.getFloat();
      } else {
        for (int i = 0; i < out.length; i++) out[i] = t.getFloat(i);
      }
      return out;
    }
  }

  static void assertClose(double[] expected, float[] actual, double tol, String what) {
    assertEquals(expected.length, actual.length, what);
    for (int i = 0; i < expected.length; i++) {
      assertEquals(expected[i], actual[i], tol, what + "[" + i + "]");
    }
  }

  static AdamW.Builder base() {
    return AdamW.builder().beta1(0.9).beta2(0.99).epsilon(1e-6).weightDecay(0.2)
        .trainable(name -> !name.startsWith("frozen."));
  }

  /** Runs K steps with a varying fed lr in TF and in the reference; compares everything each step. */
  void compare(double clip, boolean expectClipping, double eps) {
    Reference ref = new Reference(0.9, 0.99, eps, 0.2, clip);
    try (Graph graph = new Graph(); Session s = new Session(graph)) {
      Ops tf = Ops.create(graph);
      Toy toy = new Toy(tf, false);
      // Hyper-parameters through the config section, as the trainer will do it.
      TrainConfig train = ExperimentConfig.builder().set("train.adam_beta1", 0.9).set("train.adam_beta2", 0.99)
          .set("train.adam_eps", eps).set("train.weight_decay", 0.2).set("train.grad_clip", clip).build().train();
      AdamW.Update upd = AdamW.builder().config(train).trainable(name -> !name.startsWith("frozen."))
          .build().minimize(tf, toy.loss);
      assertEquals(List.of("lin.weight", "LayerNorm.weight", "lin.bias"), upd.variables());
      assertEquals(List.of("lin.weight"), upd.decayed());
      boolean clipped = false;
      for (int k = 0; k < 25; k++) {
        double lr = 0.05 * (1 + k % 4) / 4.0;  // a different fed value each step
        double refNorm = ref.step(lr);
        clipped |= clip > 0 && refNorm > clip;
        try (TFloat32 lrT = TFloat32.scalarOf((float) lr);
             Result r = s.runner().feed(upd.learningRate(), lrT).addTarget(upd.train())
                 .fetch(upd.gradNorm()).run()) {
          assertEquals(refNorm, ((TFloat32) r.get(0)).getFloat(), 1e-5 * Math.max(1, refNorm), "grad norm step " + k);
        }
        assertClose(ref.w, read(s, "lin.weight"), 1e-5, "lin.weight step " + k);
        assertClose(ref.g, read(s, "LayerNorm.weight"), 1e-5, "LayerNorm.weight step " + k);
        assertClose(ref.b, read(s, "lin.bias"), 1e-5, "lin.bias step " + k);
        assertClose(toDouble(F0), read(s, "frozen.weight"), 0, "frozen.weight step " + k);
      }
      assertEquals(expectClipping, clipped, "clipping active in the reference");
      try (Result r = s.runner().fetch(upd.step()).fetch("adamw_beta1_power").fetch("adamw_beta2_power").run()) {
        assertEquals(25L, ((TInt64) r.get(0)).getLong());
        assertEquals(Math.pow(0.9, 26), ((TFloat32) r.get(1)).getFloat(), 1e-6);
        assertEquals(Math.pow(0.99, 26), ((TFloat32) r.get(2)).getFloat(), 1e-5);
      }
    }
  }

  @Test
  void matchesPlainJavaAdamWWithoutClipping() {
    compare(0, false, 1e-6);
  }

  @Test
  void matchesPlainJavaAdamWWithActiveClipping() {
    compare(0.3, true, 1e-6);
  }

  @Test
  void largeEpsilonFollowsTorchPlacement() {
    // ε is added to the bias-corrected sqrt(v) as in torch; with a large ε a wrong placement shows.
    compare(0, false, 0.05);
  }

  @Test
  void clippingScalesGradientToTheThreshold() {
    // With a huge gradient the first Adam step is ±lr regardless of scale, so check clipping through m:
    // m_1 = (1-β1)·g·min(1, clip/‖g‖)  ⇒  ‖m_1‖ = (1-β1)·clip when ‖g‖ > clip.
    try (Graph graph = new Graph(); Session s = new Session(graph)) {
      Ops tf = Ops.create(graph);
      Toy toy = new Toy(tf, false);
      Operand<TFloat32> big = tf.math.mul(toy.loss, tf.constant(1000f));
      AdamW.Update upd = base().gradClip(0.5).build().minimize(tf, big);
      float norm;
      try (TFloat32 lr = TFloat32.scalarOf(0.01f);
           Result r = s.runner().feed(upd.learningRate(), lr).addTarget(upd.train()).fetch(upd.gradNorm()).run()) {
        norm = ((TFloat32) r.get(0)).getFloat();
      }
      assertTrue(norm > 100, "gradient norm should be large, was " + norm);
      double m2 = 0;
      for (String n : List.of("lin.weight-m", "LayerNorm.weight-m", "lin.bias-m")) {
        for (float v : read(s, n)) m2 += v * v;
      }
      assertEquals(0.1 * 0.5, Math.sqrt(m2), 1e-6);
    }
  }

  @Test
  void excludedVariablesGetNoDecayAndFilteredOnesStayUnchanged() {
    // Zero gradient: Adam's step is 0, so only the decoupled decay moves variables.
    try (Graph graph = new Graph(); Session s = new Session(graph)) {
      Ops tf = Ops.create(graph);
      Toy toy = new Toy(tf, true);
      AdamW.Update upd = base().build().minimize(tf, toy.loss);
      for (int k = 0; k < 5; k++) {
        try (TFloat32 lr = TFloat32.scalarOf(0.1f);
             Result r = s.runner().feed(upd.learningRate(), lr).addTarget(upd.train()).fetch(upd.gradNorm()).run()) {
          assertEquals(0f, ((TFloat32) r.get(0)).getFloat());
        }
      }
      double factor = Math.pow(1 - 0.1 * 0.2, 5);
      double[] expectedW = toDouble(W0);
      Reference.scale(expectedW, factor);
      assertClose(expectedW, read(s, "lin.weight"), 1e-6, "decayed weight");
      assertClose(toDouble(G0), read(s, "LayerNorm.weight"), 0, "layer norm weight, no decay");
      assertClose(new double[] {B0}, read(s, "lin.bias"), 0, "bias, no decay");
      assertClose(toDouble(F0), read(s, "frozen.weight"), 0, "filtered variable");
      assertNull(graph.operation("frozen.weight-m"), "filtered variable has no slot");
      assertNull(graph.operation("frozen.weight-v"), "filtered variable has no slot");
      assertEquals("VariableV2", graph.operation("lin.weight-m").type());
      assertEquals("VariableV2", graph.operation("lin.bias-v").type());
      assertEquals("VariableV2", graph.operation("adamw_step").type());
      assertFalse(upd.variables().contains("frozen.weight"));
      double sq = 0;
      for (String n : upd.variables()) {
        for (float v : read(s, n)) sq += v * v;
      }
      try (Result r = s.runner().fetch(upd.weightNorm()).run()) {
        assertEquals(Math.sqrt(sq), ((TFloat32) r.get(0)).getFloat(), 1e-6, "weight norm over trained variables");
      }
    }
  }

  @Test
  void customDecayPredicateAndUnreachableVariables() {
    try (Graph graph = new Graph(); Session s = new Session(graph)) {
      Ops tf = Ops.create(graph);
      Toy toy = new Toy(tf, false);
      tf.withName("unused.weight").variable(tf.withInitScope().constant(new float[] {1f, 2f}));
      AdamW.Update upd = AdamW.builder().decay(name -> name.startsWith("LayerNorm")).build().minimize(tf, toy.loss);
      assertEquals(List.of("LayerNorm.weight"), upd.decayed());
      assertFalse(upd.variables().contains("unused.weight"), "no gradient: not trained");
      assertNull(graph.operation("unused.weight-m"));
      assertNotNull(graph.operation("frozen.weight-m"), "default trainable filter takes every variable");
    }
  }

  @Test
  void variablesBehindStopGradientAreNotTrained() {
    try (Graph graph = new Graph(); Session s = new Session(graph)) {
      Ops tf = Ops.create(graph);
      Toy toy = new Toy(tf, false);
      Variable<TFloat32> est = tf.withName("estimator.weight").variable(tf.withInitScope().constant(3f));
      Operand<TFloat32> loss = tf.math.add(toy.loss, tf.math.mul(tf.stopGradient(est), tf.constant(0.5f)));
      AdamW.Update upd = AdamW.builder().build().minimize(tf, loss);
      assertFalse(upd.variables().contains("estimator.weight"));
      assertNull(graph.operation("estimator.weight-m"));
      try (TFloat32 lr = TFloat32.scalarOf(0.1f);
           Result r = s.runner().feed(upd.learningRate(), lr).addTarget(upd.train()).run()) {
        assertEquals(0, r.size());
      }
      assertEquals(3f, read(s, "estimator.weight")[0]);
    }
  }

  @Test
  void rejectsBadSettings() {
    assertThrows(IllegalArgumentException.class, () -> AdamW.builder().beta1(1.0));
    assertThrows(IllegalArgumentException.class, () -> AdamW.builder().gradClip(-1));
    assertThrows(IllegalArgumentException.class, () -> AdamW.builder().prefix("a/b"));
    try (Graph graph = new Graph()) {
      Ops tf = Ops.create(graph);
      Toy toy = new Toy(tf, false);
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> AdamW.builder().trainable(n -> false).build().minimize(tf, toy.loss));
      assertTrue(e.getMessage().contains("no float32 variable"), e.getMessage());
    }
  }
}
