package dev.softinfonce.config;

/**
 * Numeric precision of a graph's compute ({@code train.precision}, {@code eval.precision},
 * {@code export.precision}). {@code bf16} is <em>mixed</em> precision: variables, optimizer state,
 * checkpoints, inputs and outputs stay float32; only the matmuls of the encoder (dense layers, attention
 * {@code QKᵀ} and {@code AV}, feed-forward) and the element-wise work between them run in bfloat16.
 * How the graph realises it is {@code nn.ComputeType}'s business.
 */
public enum Precision {
  /** Everything in the variables' type (float32). */
  FP32,
  /** Mixed: bfloat16 matmuls, float32 variables, statistics, softmax, scores and loss. */
  BF16
}
