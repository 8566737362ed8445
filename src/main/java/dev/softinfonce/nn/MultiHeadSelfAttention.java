package dev.softinfonce.nn;

import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.family.TFloating;

/**
 * Multi-head scaled dot-product self-attention with an additive padding mask, as BERT's
 * {@code attention.self}: variables {@code <name>.query|key|value.weight/bias}. It returns the
 * concatenated per-head contexts; the output projection, dropout and residual are the caller's
 * ({@code attention.output} in BERT).
 *
 * <p>Hidden states are flat {@code [N = B·L, D]}; the batch size and length are passed as scalar
 * operands so any batch and length run through one graph.
 *
 * <p><b>Why {@code Einsum} for {@code QKᵀ} and {@code AV}:</b> TF Java 1.1.0's batched matmul is
 * {@code BatchMatMulV3}, which TF 2.18's oneDNN layout pass leaves to the Eigen kernel; {@code Einsum} is
 * rewritten to {@code _MklEinsum} (float32 and bfloat16), and so is its C++ gradient (also Einsums).
 * {@code BatchMatMulV2} built by hand is rewritten too, but its gradient is built as V3 again. Measured with
 * {@code bench train --profile} at MiniLM size in bf16 (2026-12-02): the V3 matmuls took 306 ms of a 1.62 s
 * step (about 60 GFLOP/s); as {@code _MklEinsum}, 108-132 ms on a more loaded machine.
 */
public final class MultiHeadSelfAttention<T extends TFloating> {
  private final Params<T> params;
  private final Dense<T> query;
  private final Dense<T> key;
  private final Dense<T> value;
  private final int heads;
  private final int headSize;

  public MultiHeadSelfAttention(Params<T> params, String name, int hidden, int heads) {
    if (hidden % heads != 0) {
      throw new IllegalArgumentException("hidden size " + hidden + " is not divisible by " + heads + " heads");
    }
    this.params = params;
    this.query = new Dense<>(params, name + ".query", hidden, hidden);
    this.key = new Dense<>(params, name + ".key", hidden, hidden);
    this.value = new Dense<>(params, name + ".value", hidden, hidden);
    this.heads = heads;
    this.headSize = hidden / heads;
  }

  /**
   * @param x hidden states {@code [N, D]} with {@code N = B·L}, in the compute type {@code C}: the
   *     projections and both batched matmuls ({@code QKᵀ}, {@code AV}) run in {@code C}
   * @param batch scalar {@code B}
   * @param length scalar {@code L}
   * @param maskBias additive bias {@code [B, 1, 1, L]}: 0 for real tokens, a large negative number for padding
   * @param dropout applied to the attention probabilities, after their cast to {@code C}
   * @param dropoutRate attention dropout probability
   * @return contexts {@code [N, D]} in {@code C}; the logits, mask and softmax are in the
   *     variables' type {@code T} (float32 under mixed precision: bf16's 8-bit mantissa would round the
   *     -1e9 mask bias and the exponentials)
   */
  public <C extends TFloating> Operand<C> apply(Operand<C> x, Operand<TInt32> batch, Operand<TInt32> length,
      Operand<T> maskBias, Dropout<?> dropout, double dropoutRate) {
    Ops tf = params.tf();
    Class<T> dtype = params.dtype();
    Class<C> compute = x.type();
    Operand<TInt32> split = tf.stack(List.of(batch, length, tf.constant(heads), tf.constant(headSize))); // [4]
    Operand<TInt32> perm = tf.constant(new int[] {0, 2, 1, 3});
    Operand<C> q = tf.linalg.transpose(tf.reshape(query.apply(x), split), perm); // [B, H, L, dh]
    Operand<C> k = tf.linalg.transpose(tf.reshape(key.apply(x), split), perm); // [B, H, L, dh]
    Operand<C> v = tf.linalg.transpose(tf.reshape(value.apply(x), split), perm); // [B, H, L, dh]
    Operand<C> qk = tf.linalg.einsum(List.of(q, k), "bhqd,bhkd->bhqk"); // [B, H, L, L]
    Operand<T> logits = ComputeType.cast(tf, qk, dtype); // [B, H, L, L]
    logits = tf.math.mul(logits, Scalars.of(tf, 1.0 / Math.sqrt(headSize), dtype));
    logits = tf.math.add(logits, maskBias); // [B, H, L, L], padded keys pushed to -inf
    Operand<T> probs = tf.nn.softmax(logits); // [B, H, L, L] (Softmax's gradient is right at rank 4)
    Operand<C> kept = dropout.apply(ComputeType.cast(tf, probs, compute), dropoutRate); // [B, H, L, L]
    Operand<C> ctx = tf.linalg.einsum(List.of(kept, v), "bhqk,bhkd->bhqd"); // [B, H, L, dh]
    ctx = tf.linalg.transpose(ctx, perm); // [B, L, H, dh]
    return tf.reshape(ctx, tf.stack(List.of(tf.math.mul(batch, length), tf.constant(heads * headSize)))); // [N, D]
  }

  /**
   * The additive mask bias {@code [B, 1, 1, L]} from a 0/1 attention mask {@code [B, L]}: 0 where the
   * mask is 1, {@code -1e9} where it is 0 (exp underflows to exactly 0 in float32 and float64).
   */
  public static <T extends TFloating> Operand<T> maskBias(Ops tf, Operand<TInt32> mask, Class<T> dtype) {
    Operand<T> m = tf.dtypes.cast(mask, dtype); // [B, L]
    Operand<T> bias = tf.math.mul(tf.math.sub(Scalars.of(tf, 1.0, dtype), m), Scalars.of(tf, -1e9, dtype)); // [B, L]
    return tf.expandDims(tf.expandDims(bias, tf.constant(1)), tf.constant(1)); // [B, 1, 1, L]
  }
}
