package dev.softinfonce.objective;

import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.ReduceMax;
import org.tensorflow.op.core.Squeeze;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.family.TFloating;
import org.tensorflow.types.family.TType;

/**
 * Shared graph pieces of every objective over an in-batch score matrix {@code s [B,B]}: the dynamic
 * batch size, diagonal/off-diagonal masks, the set of removed pairs, the relevance softmax over the
 * N−1 negatives of each row, and a numerically stable weighted log-sum-exp.
 *
 * <p>All shapes are dynamic: one graph serves any batch size N ≥ 2. Only rank-2 ops are used (the TF
 * Java {@code LogSoftmax} gradient is wrong at rank ≥ 3, see tfjava-notes §2). Nothing here runs a
 * session.
 */
final class BatchOps {

  /**
   * Stands in for log 0 in masked logits. Finite so that {@code x - max} never produces {@code inf - inf};
   * exp of it underflows to exactly 0 in float32 and float64.
   */
  static final double MASKED_LOGIT = -1e30;

  /** Floor before a log of a non-negative quantity, so masked zeros give a finite (unused) value. */
  static final double TINY = 1e-30;

  private BatchOps() {}

  /** A scalar constant of the scores' dtype. */
  static <T extends TFloating> Operand<T> scalar(Ops tf, Class<T> type, double v) {
    return tf.constant(type, v);
  }

  /**
   * A [B,B] matrix filled with {@code v}, shaped like {@code like}. Built with Fill over Shape (not
   * OnesLike, which has no registered gradient in TF Java 1.1.0).
   */
  static <T extends TFloating> Operand<T> filled(Ops tf, Operand<T> like, double v) {
    return tf.fill(tf.shape(like), scalar(tf, like.type(), v)); // [B,B]
  }

  /** N, the dynamic batch size, as an int32 scalar. */
  static Operand<TInt32> n(Ops tf, Operand<?> scores) {
    return tf.gather(tf.shape(scores), tf.constant(0), tf.constant(0)); // []
  }

  /** N as a scalar of dtype {@code type}. */
  static <T extends TFloating> Operand<T> nAs(Ops tf, Operand<?> scores, Class<T> type) {
    return tf.dtypes.cast(n(tf, scores), type); // []
  }

  /** True on the diagonal: {@code eye[i][j] = (i == j)}. */
  static Operand<TBool> eye(Ops tf, Operand<?> scores) {
    Operand<TInt32> range = tf.range(tf.constant(0), n(tf, scores), tf.constant(1)); // [B]
    return tf.math.equal(tf.expandDims(range, tf.constant(1)), tf.expandDims(range, tf.constant(0))); // [B,B]
  }

  /**
   * Pairs removed from every sum of the objective: off-diagonal entries flagged in {@code duplicateMask}
   * (code j identical to positive code i). The diagonal is never removed. Null mask: nothing removed.
   */
  static Operand<TBool> removed(Ops tf, Operand<?> scores, Operand<TBool> duplicateMask) {
    if (duplicateMask == null) {
      return none(tf, scores); // [B,B]
    }
    return tf.math.logicalAnd(tf.stopGradient(duplicateMask), tf.math.logicalNot(eye(tf, scores))); // [B,B]
  }

  /** The diagonal {@code s_ii} as [B], via a mask (rank-2, differentiable). */
  static <T extends TFloating> Operand<T> diagonal(Ops tf, Operand<T> scores) {
    Operand<T> eye = tf.dtypes.cast(eye(tf, scores), scores.type()); // [B,B]
    return tf.reduceSum(tf.math.mul(scores, eye), tf.constant(1)); // [B]
  }

  /** Mean of a [B] vector as a scalar. */
  static <T extends TFloating> Operand<T> mean(Ops tf, Operand<T> v) {
    return tf.math.mean(v, tf.constant(0)); // []
  }

  /**
   * Row-wise {@code log Σ_j exp(x_ij)} over the entries where {@code keep} is true, stable: the row max
   * is subtracted under stopGradient (it cancels analytically, so the gradient is exact). Every row
   * must keep at least one entry (the diagonal always is).
   *
   * @return [B]
   */
  static <T extends TFloating> Operand<T> logSumExp(Ops tf, Operand<T> x, Operand<TBool> keep) {
    Class<T> type = x.type();
    Operand<T> masked = tf.select(keep, x, tf.fill(tf.shape(x), scalar(tf, type, MASKED_LOGIT))); // [B,B]
    Operand<T> max = tf.stopGradient(tf.reduceMax(masked, tf.constant(1), ReduceMax.keepDims(true))); // [B,1]
    Operand<T> sum = tf.reduceSum(tf.math.exp(tf.math.sub(masked, max)), tf.constant(1)); // [B]
    return tf.math.add(tf.math.log(sum), tf.squeeze(max, Squeeze.axis(List.of(1L)))); // [B]
  }

  /**
   * Row-wise {@code log Σ_j w_ij exp(s_ij)} for constant weights {@code w ≥ 0} (zero weights drop the
   * term exactly): computed as {@code logsumexp_j(s_ij + log w_ij)} over {@code w_ij > 0}.
   *
   * @return [B]
   */
  static <T extends TFloating> Operand<T> weightedLogSumExp(Ops tf, Operand<T> scores, Operand<T> weights) {
    Class<T> type = scores.type();
    Operand<TBool> positive = tf.math.greater(weights, scalar(tf, type, 0)); // [B,B]
    Operand<T> logW = tf.math.log(tf.math.maximum(weights, scalar(tf, type, TINY))); // [B,B], constant
    return logSumExp(tf, tf.math.add(scores, logW), positive); // [B]
  }

  /**
   * The estimator's distribution over the N−1 negatives of each row (paper §3):
   * {@code p_ij = softmax_{j≠i}(sim_ij / t)}, with {@code p_ii = 0}. Under stopGradient. A null
   * relevance stands for the uniform estimator: {@code p_ij = 1/(N−1)}.
   *
   * @return [B,B], rows sum to 1 over j ≠ i
   */
  static <T extends TFloating> Operand<T> negativeSoftmax(Ops tf, Operand<T> scores, Operand<T> relevance,
      double t) {
    Class<T> type = scores.type();
    Operand<TBool> eye = eye(tf, scores); // [B,B]
    Operand<T> zeros = filled(tf, scores, 0); // [B,B]
    if (relevance == null) {
      Operand<T> uniform = tf.math.div(scalar(tf, type, 1), tf.math.sub(nAs(tf, scores, type), scalar(tf, type, 1)));
      return tf.stopGradient(tf.select(eye, zeros, tf.math.add(zeros, uniform))); // [B,B]
    }
    Operand<T> logits = tf.math.div(tf.stopGradient(relevance), scalar(tf, type, t)); // [B,B]
    Operand<T> maskedLogits = tf.select(eye, filled(tf, scores, MASKED_LOGIT), logits);
    // Softmax is rank 2 here; the masked diagonal underflows to exactly 0.
    return tf.stopGradient(tf.select(eye, zeros, tf.nn.softmax(maskedLogits))); // [B,B]
  }

  /** Transpose of a [B,B] matrix (for the code→query direction); null stays null. */
  static <U extends TType> Operand<U> transpose(Ops tf, Operand<U> m) {
    return m == null ? null : tf.linalg.transpose(m, tf.constant(new int[] {1, 0}));
  }

  /** Puts 1 on the diagonal and 0 on removed pairs of an off-diagonal weight matrix, under stopGradient. */
  static <T extends TFloating> Operand<T> finishWeights(Ops tf, Operand<T> scores, Operand<T> offDiagonal,
      Operand<TBool> duplicateMask) {
    Class<T> type = scores.type();
    Operand<T> ones = filled(tf, scores, 1); // [B,B]
    Operand<T> w = tf.select(eye(tf, scores), ones, offDiagonal); // [B,B]
    w = tf.select(removed(tf, scores, duplicateMask), filled(tf, scores, 0), w); // [B,B]
    return tf.stopGradient(w);
  }

  /** Loss of one direction: {@code mean_i [ log Σ_j w_ij exp(s_ij) − s_ii ]} for constant weights. */
  static <T extends TFloating> Operand<T> weightedInfoNceLoss(Ops tf, Operand<T> scores, Operand<T> weights) {
    Operand<T> perRow = tf.math.sub(weightedLogSumExp(tf, scores, weights), diagonal(tf, scores)); // [B]
    return mean(tf, perRow); // []
  }

  /** Off-diagonal entries that are not removed: the negatives a loss actually sums over. [B,B] */
  static Operand<TBool> keptNegatives(Ops tf, Operand<?> scores, Operand<TBool> duplicateMask) {
    return tf.math.logicalAnd(tf.math.logicalNot(eye(tf, scores)),
        tf.math.logicalNot(removed(tf, scores, duplicateMask))); // [B,B]
  }

  /** Diagonal plus kept negatives: every column a row's softmax runs over. [B,B] */
  static Operand<TBool> kept(Ops tf, Operand<?> scores, Operand<TBool> duplicateMask) {
    return tf.math.logicalNot(removed(tf, scores, duplicateMask)); // [B,B]
  }

  /**
   * Soft targets {@code y = [1 on the diagonal, p_ij off it]} with p from {@link #negativeSoftmax}, as
   * used by BCE and weighted InfoNCE (the reference code's {@code [1, S_i]}). [B,B], constant.
   */
  static <T extends TFloating> Operand<T> softTargets(Ops tf, Operand<T> scores, Operand<T> relevance, double t) {
    Operand<T> p = negativeSoftmax(tf, scores, relevance, t); // [B,B]
    return tf.stopGradient(tf.select(eye(tf, scores), filled(tf, scores, 1), p)); // [B,B]
  }

  /** An all-false [B,B] mask. */
  static Operand<TBool> none(Ops tf, Operand<?> scores) {
    Operand<TBool> eye = eye(tf, scores);
    return tf.math.logicalAnd(eye, tf.math.logicalNot(eye)); // [B,B]
  }
}
