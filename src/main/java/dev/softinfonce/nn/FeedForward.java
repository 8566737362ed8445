package dev.softinfonce.nn;

import org.tensorflow.Operand;
import org.tensorflow.types.family.TFloating;

/**
 * The transformer feed-forward sublayer {@code dense2(GELU(dense1(x)))}, with BERT's variable names
 * {@code <layer>.intermediate.dense} ({@code [F, D]}) and {@code <layer>.output.dense} ({@code [D, F]}).
 * Dropout, residual and layer norm are the caller's (they belong to BERT's "output" block).
 */
public final class FeedForward<T extends TFloating> {
  private final Params<T> params;
  private final Dense<T> intermediate;
  private final Dense<T> output;

  /** {@code layer} is the name prefix of one transformer layer, e.g. {@code encoder.layer.0.}. */
  public FeedForward(Params<T> params, String layer, long hidden, long intermediateSize) {
    this.params = params;
    this.intermediate = new Dense<>(params, layer + "intermediate.dense", hidden, intermediateSize);
    this.output = new Dense<>(params, layer + "output.dense", intermediateSize, hidden);
  }

  /** {@code x [N, D]} → {@code [N, D]}, in {@code x}'s type (GELU included; see {@link ComputeType}). */
  public <C extends TFloating> Operand<C> apply(Operand<C> x) {
    Operand<C> h = Gelu.apply(params.tf(), intermediate.apply(x), x.type()); // [N, F]
    return output.apply(h); // [N, D]
  }
}
