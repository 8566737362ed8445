package dev.softinfonce.train;

import dev.softinfonce.config.TrainConfig;

/**
 * Learning rate as a pure function of the optimizer step: linear warm-up from 0 to the peak, then
 * constant, linear decay to 0, or half-cosine decay to 0 at {@code totalSteps}.
 *
 * <p>{@code step} is the number of updates already applied (0 for the first update), and the value is
 * the learning rate to feed for the update about to run. The formulas are those of Hugging Face
 * {@code get_constant_schedule_with_warmup}, {@code get_linear_schedule_with_warmup} and
 * {@code get_cosine_schedule_with_warmup} (num_cycles 0.5), which the paper's PyTorch scripts use:
 *
 * <pre>
 *   step &lt; W:        lr = peak · step / max(1, W)
 *   constant:         lr = peak
 *   linear:           lr = peak · max(0, (T - step) / max(1, T - W))
 *   cosine:           lr = peak · ½ (1 + cos(π · p)),  p = min(1, (step - W) / max(1, T - W))
 * </pre>
 *
 * Past T the decaying schedules stay at 0 (Hugging Face's cosine would rise again; ours is clamped).
 * As in Hugging Face, the very first update of a warm-up ({@code step = 0}) uses lr 0. Example:
 * peak 1e-3, W = 10, T = 110, linear: lr(0) = 0, lr(5) = 5e-4, lr(10) = 1e-3, lr(60) = 5e-4, lr(110) = 0.
 */
public final class LearningRateSchedule {
  private final double peak;
  private final long warmupSteps;
  private final long totalSteps;
  private final TrainConfig.Schedule kind;

  /**
   * @param peak the learning rate reached at the end of warm-up (&gt; 0)
   * @param warmupSteps linear warm-up length W (&ge; 0)
   * @param totalSteps T, the step at which decaying schedules reach 0 (&ge; W; ignored by constant)
   * @param kind constant, linear or cosine decay after warm-up
   */
  public LearningRateSchedule(double peak, long warmupSteps, long totalSteps, TrainConfig.Schedule kind) {
    if (!(peak > 0) || !Double.isFinite(peak)) {
      throw new IllegalArgumentException("learning rate peak must be > 0, got " + peak);
    }
    if (warmupSteps < 0) {
      throw new IllegalArgumentException("warmup_steps must be >= 0, got " + warmupSteps);
    }
    if (kind != TrainConfig.Schedule.CONSTANT && totalSteps < warmupSteps) {
      throw new IllegalArgumentException("total steps (" + totalSteps + ") must be >= warmup_steps ("
          + warmupSteps + ") for a " + kind.name().toLowerCase() + " schedule");
    }
    this.peak = peak;
    this.warmupSteps = warmupSteps;
    this.totalSteps = totalSteps;
    this.kind = kind;
  }

  /** The schedule of {@code train.learning_rate}, {@code train.warmup_steps}, {@code train.schedule}. */
  public static LearningRateSchedule of(TrainConfig train, long totalSteps) {
    return new LearningRateSchedule(train.learningRate(), train.warmupSteps(), totalSteps, train.schedule());
  }

  /** The learning rate for the update that follows {@code step} completed updates. */
  public double lr(long step) {
    if (step < 0) {
      throw new IllegalArgumentException("step must be >= 0, got " + step);
    }
    if (step < warmupSteps) {
      return peak * step / Math.max(1, warmupSteps);
    }
    double span = Math.max(1, totalSteps - warmupSteps);
    return switch (kind) {
      case CONSTANT -> peak;
      case LINEAR -> peak * Math.max(0.0, (totalSteps - step) / span);
      case COSINE -> peak * 0.5 * (1.0 + Math.cos(Math.PI * Math.min(1.0, (step - warmupSteps) / span)));
    };
  }

  public double peak() { return peak; }

  public long warmupSteps() { return warmupSteps; }

  public long totalSteps() { return totalSteps; }

  public TrainConfig.Schedule kind() { return kind; }
}
