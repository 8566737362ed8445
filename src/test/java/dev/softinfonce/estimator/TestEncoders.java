package dev.softinfonce.estimator;

import java.util.List;
import java.util.Random;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.StdArrays;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.ReduceSum;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/** A small variable-backed encoder for tests: masked mean of embeddings, then tanh(x·W). */
final class TestEncoders {
  private TestEncoders() {}

  /** Variables of one test encoder. */
  record Weights(Variable<TFloat32> embedding, Variable<TFloat32> projection) {
    List<Variable<TFloat32>> all() {
      return List.of(embedding, projection);
    }
  }

  static Weights weights(Ops tf, String prefix, int vocab, int dim, long seed) {
    Random rnd = new Random(seed);
    float[][] e = new float[vocab][dim];
    float[][] w = new float[dim][dim];
    for (float[] row : e) {
      for (int k = 0; k < dim; k++) {
        row[k] = (float) rnd.nextGaussian();
      }
    }
    for (float[] row : w) {
      for (int k = 0; k < dim; k++) {
        row[k] = (float) (rnd.nextGaussian() / Math.sqrt(dim));
      }
    }
    Ops init = tf.withInitScope();
    return new Weights(
        tf.withName(prefix + "embedding").variable(init.constant(StdArrays.ndCopyOf(e))),
        tf.withName(prefix + "projection").variable(init.constant(StdArrays.ndCopyOf(w))));
  }

  /** {@code tanh(maskedMean(E[ids]) · W)}: [B, L] → [B, D]. */
  static TextEncoder encoder(Ops tf, Weights wts) {
    return (ids, mask) -> {
      Operand<TFloat32> emb = tf.gather(wts.embedding(), ids, tf.constant(0));   // [B, L, D]
      Operand<TFloat32> m = tf.expandDims(tf.dtypes.cast(mask, TFloat32.class), tf.constant(-1)); // [B, L, 1]
      Operand<TFloat32> sum = tf.reduceSum(tf.math.mul(emb, m), tf.constant(1));  // [B, D]
      Operand<TFloat32> count = tf.reduceSum(m, tf.constant(1));                  // [B, 1]
      Operand<TFloat32> mean = tf.math.divNoNan(sum, count);                      // [B, D]
      return tf.math.tanh(tf.linalg.matMul(mean, wts.projection()));              // [B, D]
    };
  }

  /** Random padded ids {@code [n][len]} with mask, first position always a token. */
  static int[][][] randomIds(Random rnd, int n, int len, int vocab) {
    int[][] ids = new int[n][len];
    int[][] mask = new int[n][len];
    for (int r = 0; r < n; r++) {
      int real = 1 + rnd.nextInt(len);
      for (int p = 0; p < len; p++) {
        if (p < real) {
          ids[r][p] = 1 + rnd.nextInt(vocab - 1);
          mask[r][p] = 1;
        }
      }
    }
    return new int[][][] {ids, mask};
  }

  /** Row subset of a 2-d int array. */
  static int[][] rows(int[][] a, int[] index) {
    int[][] out = new int[index.length][];
    for (int k = 0; k < index.length; k++) {
      out[k] = a[index[k]];
    }
    return out;
  }

  /** sum of squares, a scalar loss-like output to differentiate. */
  static Operand<TFloat32> sumSquares(Ops tf, Operand<TFloat32> x) {
    return tf.reduceSum(tf.math.square(x), tf.constant(new int[] {0, 1}), ReduceSum.keepDims(false));
  }
}
