package dev.softinfonce.config;

/**
 * Numeric precision of a graph's compute ({@code train.precision}, {@code eval.precision},
 * {@code export.precision}). {@code bf16} is <em>mixed</em> precision: variables, optimizer state,
 * checkpoints, inputs and outputs stay float32; only the matmuls of the encoder (dense layers, attention
 * {@code QKᵀ} and {@code AV}, feed-forward) and the element-wise work between them run in bfloat16.
 * How the graph realises it is {@code nn.ComputeType}'s business.
 *
 * <p>In a config file {@code auto} is accepted too and resolved when the file is parsed ({@link #auto}), so
 * a saved config records what actually ran.
 */
public enum Precision {
  /** Everything in the variables' type (float32). */
  FP32,
  /** Mixed: bfloat16 matmuls, float32 variables, statistics, softmax, scores and loss. */
  BF16;

  /** The YAML word that {@link #auto} answers. */
  public static final String AUTO = "auto";

  /**
   * {@code bf16} where this machine's CPU has bf16 matmul units ({@link CpuInfo}: AVX512-BF16 or AMX), where
   * it is faster than fp32 at equal quality; {@code fp32} elsewhere, where bf16 is emulated and slower. It
   * looks at the CPU only: on a GPU (bf16 tensor cores) set {@code bf16} explicitly.
   */
  public static Precision auto() {
    return CpuInfo.ofThisMachine().hasBf16Units() ? BF16 : FP32;
  }
}
