package dev.softinfonce.objective;

import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat64;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.family.TFloating;

/**
 * Scalar summaries of a negative-weight matrix, for the training log: min, mean and max over the
 * off-diagonal entries that are not removed as duplicates, the share of those entries clamped at
 * {@code min_weight}, and the share below {@link #LOW} (pushed away at most half as hard as by InfoNCE:
 * the negatives an estimator calls likely false). Each field is a [] op; fetch them next to the loss.
 */
public record WeightStats<T extends TFloating>(Operand<T> min, Operand<T> mean, Operand<T> max,
    Operand<T> clampedShare, Operand<T> lowShare) {

  /** The weight under which a negative counts in {@link #lowShare}: strictly below 0.5. */
  public static final double LOW = 0.5;

  /** Every statistic in the order {@code min, mean, max, clampedShare, lowShare} (the training log's order). */
  public List<Operand<T>> all() {
    return List.of(min, mean, max, clampedShare, lowShare);
  }

  /**
   * @param weights [B,B] weight matrix (diagonal ignored)
   * @param clamped [B,B] true where the weight was raised to the floor
   * @param duplicateMask [B,B] pairs to leave out, or null
   */
  static <T extends TFloating> WeightStats<T> of(Ops tf, Operand<T> weights, Operand<TBool> clamped,
      Operand<TBool> duplicateMask) {
    Class<T> type = weights.type();
    Operand<TBool> counted = tf.math.logicalAnd(tf.math.logicalNot(BatchOps.eye(tf, weights)),
        tf.math.logicalNot(BatchOps.removed(tf, weights, duplicateMask))); // [B,B]
    Operand<T> countedF = tf.dtypes.cast(counted, type); // [B,B]
    Operand<TInt32> axes = tf.constant(new int[] {0, 1});
    Operand<T> count = tf.reduceSum(countedF, axes); // []
    // Stands in for "no entry" in min/max (a batch whose negatives are all removed reports ±big).
    Operand<T> big = BatchOps.scalar(tf, type, type == TFloat64.class ? 1e300 : 3e38);
    Operand<T> min = tf.reduceMin(tf.select(counted, weights, tf.fill(tf.shape(weights), big)), axes);
    Operand<T> max = tf.reduceMax(tf.select(counted, weights, tf.fill(tf.shape(weights), tf.math.neg(big))), axes);
    Operand<T> mean = tf.math.divNoNan(tf.reduceSum(tf.math.mul(weights, countedF), axes), count);
    Operand<T> clampedCount = tf.reduceSum(tf.math.mul(tf.dtypes.cast(clamped, type), countedF), axes);
    Operand<T> low = tf.dtypes.cast(tf.math.less(weights, BatchOps.scalar(tf, type, LOW)), type); // [B,B]
    Operand<T> lowCount = tf.reduceSum(tf.math.mul(low, countedF), axes);
    return new WeightStats<>(tf.stopGradient(min), tf.stopGradient(mean), tf.stopGradient(max),
        tf.stopGradient(tf.math.divNoNan(clampedCount, count)), tf.stopGradient(tf.math.divNoNan(lowCount, count)));
  }
}
