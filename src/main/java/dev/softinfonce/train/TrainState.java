package dev.softinfonce.train;

import java.util.Map;

/**
 * The non-variable part of a checkpoint ({@code state.json}): where training stands, so that a resumed
 * run continues exactly. Variables, optimizer slots, the AdamW step counter and beta powers live in the
 * TF checkpoint beside it.
 *
 * @param step optimizer updates applied (equals the AdamW step variable)
 * @param epoch current epoch, 0-based
 * @param batchInEpoch batches of {@code epoch} already consumed (the next batch to feed)
 * @param seed the run's seed (shuffling of epoch e is derived from seed and e)
 * @param rngState opaque extra RNG state the trainer needs (e.g. Base64), or null
 * @param bestMetric best validation value so far, or null before the first validation
 * @param bestStep step of the checkpoint holding {@code bestMetric}, or -1; never deleted by retention
 * @param metrics latest named values (loss, lr, validation metrics...), may be empty
 */
public record TrainState(
    long step,
    int epoch,
    long batchInEpoch,
    long seed,
    String rngState,
    Double bestMetric,
    long bestStep,
    Map<String, Double> metrics) {

  public TrainState {
    metrics = metrics == null ? Map.of() : Map.copyOf(metrics);
  }

  /** The state of a fresh run. */
  public static TrainState initial(long seed) {
    return new TrainState(0, 0, 0, seed, null, null, -1, Map.of());
  }

  /** A copy at a new position with new latest metrics (best unchanged). */
  public TrainState at(long newStep, int newEpoch, long newBatchInEpoch, Map<String, Double> newMetrics) {
    return new TrainState(newStep, newEpoch, newBatchInEpoch, seed, rngState, bestMetric, bestStep, newMetrics);
  }

  /** A copy recording {@code value} at {@code atStep} as the best. */
  public TrainState withBest(double value, long atStep) {
    return new TrainState(step, epoch, batchInEpoch, seed, rngState, value, atStep, metrics);
  }

  /** A copy with new opaque RNG state. */
  public TrainState withRngState(String state) {
    return new TrainState(step, epoch, batchInEpoch, seed, state, bestMetric, bestStep, metrics);
  }
}
