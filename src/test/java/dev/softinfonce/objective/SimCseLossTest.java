package dev.softinfonce.objective;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.StdArrays;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TFloat64;

/** SimCSE loss against a plain-Java computation, the Javadoc example and finite differences. */
class SimCseLossTest {

  /** −mean_i log softmax_j(cos(z1_i, z2_j)/τ)[i], in doubles. */
  static double plainLoss(double[][] z1, double[][] z2, double tau) {
    int b = z1.length;
    double total = 0;
    for (int i = 0; i < b; i++) {
      double[] logits = new double[b];
      double max = Double.NEGATIVE_INFINITY;
      for (int j = 0; j < b; j++) {
        logits[j] = Reference.cos(z1[i], z2[j]) / tau;
        max = Math.max(max, logits[j]);
      }
      double sum = 0;
      for (int j = 0; j < b; j++) {
        sum += Math.exp(logits[j] - max);
      }
      total += -(logits[i] - max - Math.log(sum));
    }
    return total / b;
  }

  static double[][] gaussian(Random rnd, int b, int d) {
    double[][] z = new double[b][d];
    for (double[] row : z) {
      for (int k = 0; k < d; k++) {
        row[k] = rnd.nextGaussian();
      }
    }
    return z;
  }

  private static double evalF64(double[][] z1, double[][] z2, double tau) {
    try (Graph g = new Graph(); Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      Operand<TFloat64> loss = new SimCseLoss(tau).loss(tf, tf.constant(z1), tf.constant(z2));
      try (Result r = s.runner().fetch(loss).run()) {
        return ((TFloat64) r.get(0)).getDouble();
      }
    }
  }

  /** The worked example in SimCseLoss's Javadoc, computed by hand there. */
  @Test
  void handWorkedExample() {
    double r2 = Math.sqrt(2);
    double[][] z1 = {{1, 0}, {0, 1}};
    double[][] z2 = {{2, 0}, {1, 1}};
    double row0 = Math.log(Math.exp(2) + Math.exp(r2)) - 2;
    double row1 = Math.log(1 + Math.exp(r2)) - r2;
    assertEquals(0.4425476, row0, 1e-7);
    assertEquals(0.2176217, row1, 1e-7);
    assertEquals((row0 + row1) / 2, evalF64(z1, z2, 0.5), 1e-12);
    assertEquals(0.3300847, evalF64(z1, z2, 0.5), 1e-7);
  }

  @Test
  void viewsEqualOrSwapped() {
    double[][] eye = {{1, 0}, {0, 1}};
    double[][] swapped = {{0, 1}, {1, 0}};
    assertEquals(Math.log1p(Math.exp(-1 / 0.07)), evalF64(eye, eye, 0.07), 1e-12);
    assertEquals(6.2e-7, evalF64(eye, eye, 0.07), 0.1e-7);
    assertEquals(14.286, evalF64(eye, swapped, 0.07), 1e-3);
  }

  @Test
  void matchesPlainJava() {
    Random rnd = new Random(31);
    for (int b : new int[] {1, 2, 5, 32}) {
      double[][] z1 = gaussian(rnd, b, 7);
      double[][] z2 = gaussian(rnd, b, 7);
      double expected = plainLoss(z1, z2, 0.07);
      assertEquals(expected, evalF64(z1, z2, 0.07), 1e-9 * Math.max(1, expected), "B=" + b);
      // float32, as trained
      try (Graph g = new Graph(); Session s = new Session(g)) {
        Ops tf = Ops.create(g);
        Operand<TFloat32> loss = new SimCseLoss().loss(tf,
            tf.dtypes.cast(tf.constant(z1), TFloat32.class), tf.dtypes.cast(tf.constant(z2), TFloat32.class));
        try (Result r = s.runner().fetch(loss).run()) {
          assertEquals(expected, ((TFloat32) r.get(0)).getFloat(), 1e-4 * Math.max(1, expected));
        }
      }
    }
  }

  @Test
  void gradientMatchesFiniteDifferences() {
    Random rnd = new Random(32);
    int b = 5;
    int d = 4;
    double tau = 0.07;
    double[][] z1 = gaussian(rnd, b, d);
    double[][] z2 = gaussian(rnd, b, d);
    double[][][] analytic = new double[2][][];
    try (Graph g = new Graph(); Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      Placeholder<TFloat64> p1 = tf.placeholder(TFloat64.class, Placeholder.shape(Shape.of(-1, d)));
      Placeholder<TFloat64> p2 = tf.placeholder(TFloat64.class, Placeholder.shape(Shape.of(-1, d)));
      Operand<TFloat64> loss = new SimCseLoss(tau).loss(tf, p1, p2);
      Output<?>[] grads = g.addGradients(loss.asOutput(), new Output<?>[] {p1.asOutput(), p2.asOutput()});
      try (TFloat64 t1 = TFloat64.tensorOf(StdArrays.ndCopyOf(z1));
          TFloat64 t2 = TFloat64.tensorOf(StdArrays.ndCopyOf(z2));
          Result r = s.runner().feed(p1, t1).feed(p2, t2).fetch(grads[0]).fetch(grads[1]).run()) {
        analytic[0] = StdArrays.array2dCopyOf((TFloat64) r.get(0));
        analytic[1] = StdArrays.array2dCopyOf((TFloat64) r.get(1));
      }
    }
    double h = 1e-6;
    double maxAbs = 0;
    for (int which = 0; which < 2; which++) {
      double[][] z = which == 0 ? z1 : z2;
      for (int i = 0; i < b; i++) {
        for (int k = 0; k < d; k++) {
          double keep = z[i][k];
          z[i][k] = keep + h;
          double up = plainLoss(z1, z2, tau);
          z[i][k] = keep - h;
          double down = plainLoss(z1, z2, tau);
          z[i][k] = keep;
          double numeric = (up - down) / (2 * h);
          maxAbs = Math.max(maxAbs, Math.abs(numeric));
          assertEquals(numeric, analytic[which][i][k], 1e-6 * Math.max(1, Math.abs(numeric)),
              "dL/dz" + (which + 1) + "[" + i + "][" + k + "]");
        }
      }
    }
    assertEquals(true, maxAbs > 1e-2, "gradient should not be trivially zero");
  }

  @Test
  void rejectsBadTemperature() {
    assertThrows(IllegalArgumentException.class, () -> new SimCseLoss(0));
    assertThrows(IllegalArgumentException.class, () -> new SimCseLoss(Double.NaN));
  }
}
