package dev.softinfonce.nn;

import dev.softinfonce.config.Precision;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TBfloat16;
import org.tensorflow.types.family.TFloating;
import org.tensorflow.types.family.TType;

/**
 * Mixed precision by explicit casts in the graph blocks: the type the matmul-heavy blocks compute in.
 *
 * <p>Variables stay in their own type {@code T} (float32; float64 in gradient checks). A block that
 * computes in {@code C} casts its input and its variables to {@code C} at use ({@code Cast}'s gradient
 * casts back, so AdamW updates float32 masters); layer norm, the attention softmax, pooling, the score
 * matrix and the loss read float32.
 *
 * <p><b>Why explicit casts and not Grappler's {@code auto_mixed_precision_onednn_bfloat16}.</b> Both
 * were measured on the MiniLM-size training step ({@code configs/bench-minilm.yaml}, 2 threads, TF 2.18 /
 * oneDNN, 2026-12-01, shared machine at load 2-4): explicit casts 5.61 pairs/s, the rewrite of the fp32
 * graph 5.69, the rewrite on top of the casts 5.49, fp32 4.0; so speed does not decide (within noise).
 * The casts win on control and portability: the rewrite picks ops by type from oneDNN's lists, not by
 * role, so it cannot promise that the layer-norm statistics, the attention softmax and the -1e9 mask stay
 * float32 (bf16 rounds them); and it is a CPU-only {@code RewriterConfig} switch, whereas casts are
 * ordinary graph ops, so the same graph runs bf16 on a GPU's tensor cores under {@code -Pgpu}. Every op
 * the bf16 blocks use has a bfloat16 CPU kernel and gradient in TF 2.18 (checked by running them:
 * {@code MixedPrecisionTrainingTest} differentiates the whole bf16 training graph).
 */
public final class ComputeType {
  private ComputeType() {}

  /** The compute type of {@code precision} for variables of type {@code variables}. */
  public static Class<? extends TFloating> of(Precision precision, Class<? extends TFloating> variables) {
    return precision == Precision.BF16 ? TBfloat16.class : variables;
  }

  /** {@code x} as {@code type}; no op when it already is (the fp32 graph stays exactly as it was). */
  @SuppressWarnings("unchecked")
  public static <C extends TType> Operand<C> cast(Ops tf, Operand<? extends TType> x, Class<C> type) {
    if (x.type() == type) {
      return (Operand<C>) x;
    }
    return tf.dtypes.cast(x, type);
  }
}
