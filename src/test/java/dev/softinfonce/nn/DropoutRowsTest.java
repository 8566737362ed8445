package dev.softinfonce.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;

/**
 * Dropout draws addressed by batch row (what the gradient cache relies on): a chunk of rows encoded
 * with {@link Dropout#ROW_OFFSET} set to its first row draws exactly the masks those rows draw in the
 * whole batch, in either layout ({@code [B, L, D]}, or {@code [B·L, D]} with the row count given), also
 * when an example's element count is not a multiple of 4; and at offset 0 the masks are those of the
 * plain {@code StatelessRandomUniform} draw the trainer used before.
 */
class DropoutRowsTest {
  private static final double RATE = 0.3;
  private static final long SEED = 9;
  private static final long STEP = 17;

  @Test
  void aChunkDrawsTheMasksOfItsRowsInTheWholeBatch() {
    for (int[] dims : List.of(new int[] {6, 3, 5}, new int[] {6, 4, 8})) { // 15 values per example, then 32
      int b = dims[0];
      int per = dims[1] * dims[2];
      float[] whole = masks(dims, 0, b, false);
      for (int start : new int[] {0, 2, 5}) {
        int k = Math.min(3, b - start);
        float[] chunk = masks(new int[] {k, dims[1], dims[2]}, start, k, false);
        assertArrayEquals(Arrays.copyOfRange(whole, start * per, (start + k) * per), chunk, "rows from " + start);
        float[] flat = masks(new int[] {k, dims[1], dims[2]}, start, k, true); // [k·L, D] with rows = k
        assertArrayEquals(chunk, flat, "the [B·L, D] layout with the row count draws the same");
      }
      float[] shifted = masks(new int[] {3, dims[1], dims[2]}, 1, 3, false);
      assertFalse(Arrays.equals(Arrays.copyOfRange(whole, 2 * per, 5 * per), shifted), "another offset, other masks");
    }
  }

  @Test
  void atOffsetZeroTheMasksAreThoseOfThePlainStatelessDraw() {
    int[] dims = {4, 3, 8};
    float[] masks = masks(dims, 0, dims[0], false);
    try (Graph g = new Graph(); Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      Operand<TInt64> key = tf.constant(new long[] {STEP, (SEED << 20) + 1}); // first site of the seed
      Operand<TFloat32> u = tf.random.statelessRandomUniform(tf.constant(dims), key, TFloat32.class);
      Operand<TFloat32> keep = tf.math.div(tf.dtypes.cast(tf.math.greaterEqual(u, tf.constant((float) RATE)),
          TFloat32.class), tf.constant((float) (1 - RATE)));
      assertArrayEquals(flat(s, keep, 4 * 3 * 8), masks);
    }
  }

  /** Dropout of ones of shape {@code dims} at {@code offset}: the masks, flat. */
  private static float[] masks(int[] dims, long offset, int rows, boolean flatLayout) {
    try (Graph g = new Graph(); Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      Dropout<TFloat32> d = new Dropout<>(tf, TFloat32.class, true, SEED);
      Operand<TFloat32> y;
      if (flatLayout) {
        Operand<TFloat32> x = tf.ones(tf.constant(new int[] {dims[0] * dims[1], dims[2]}), TFloat32.class);
        y = d.apply(x, RATE, tf.constant(rows));
      } else {
        y = d.apply(tf.ones(tf.constant(dims), TFloat32.class), RATE);
      }
      int n = dims[0] * dims[1] * dims[2];
      try (TInt64 step = TInt64.scalarOf(STEP); TInt64 at = TInt64.scalarOf(offset);
           Result r = s.runner().feed(Dropout.stepSeed(tf), step).feed(Dropout.rowOffset(tf), at).fetch(y).run()) {
        float[] out = new float[n];
        ((TFloat32) r.get(0)).copyTo(DataBuffers.of(out, false, false));
        return out;
      }
    }
  }

  private static float[] flat(Session s, Operand<TFloat32> x, int n) {
    try (Result r = s.runner().fetch(x).run()) {
      float[] out = new float[n];
      ((TFloat32) r.get(0)).copyTo(DataBuffers.of(out, false, false));
      return out;
    }
  }
}
