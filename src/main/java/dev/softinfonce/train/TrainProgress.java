package dev.softinfonce.train;

import java.time.Duration;
import java.util.Locale;
import java.util.function.Consumer;
import me.tongfei.progressbar.DelegatingProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * The terminal progress bar of a training run (me.tongfei:progressbar): steps done of the total, ETA,
 * and an extra message with epoch, loss, learning rate and pairs/s.
 *
 * <pre>train  42% [=====>      ] 420/1000 (0:01:10 / 0:01:36) ep 1 loss 2.3104 lr 4.8e-04 143 pairs/s</pre>
 *
 * It is a no-op when {@code train.progress} is false or standard output is not a terminal
 * ({@code System.console() == null}: CI, pipes, redirected logs), so logs never fill with carriage
 * returns; {@link MetricsLog} is the record in that case.
 */
public final class TrainProgress implements AutoCloseable {
  private final ProgressBar bar; // null when disabled

  private TrainProgress(ProgressBar bar) {
    this.bar = bar;
  }

  /**
   * @param enabled {@code train.progress}
   * @param totalSteps steps of the whole run (0 if unknown)
   * @param startStep the step training starts from (non-zero after resume)
   */
  public static TrainProgress create(boolean enabled, long totalSteps, long startStep) {
    if (!enabled || System.console() == null) {
      return new TrainProgress(null);
    }
    return new TrainProgress(builder(totalSteps, startStep).build());
  }

  /** An always-enabled bar whose rendered lines go to {@code sink} (for tests and embedding). */
  public static TrainProgress to(Consumer<String> sink, long totalSteps, long startStep) {
    return new TrainProgress(builder(totalSteps, startStep)
        .setConsumer(new DelegatingProgressBarConsumer(sink, 160)).build());
  }

  /** A bar that shows nothing. */
  public static TrainProgress disabled() {
    return new TrainProgress(null);
  }

  private static ProgressBarBuilder builder(long totalSteps, long startStep) {
    return new ProgressBarBuilder().setTaskName("train").setInitialMax(totalSteps > 0 ? totalSteps : -1)
        .startsFrom(startStep, Duration.ZERO).setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(500)
        .continuousUpdate();
  }

  public boolean enabled() {
    return bar != null;
  }

  /** Moves the bar to {@code step} (updates applied) and shows the latest figures. */
  public void update(long step, int epoch, double loss, double lr, double pairsPerSecond) {
    if (bar == null) {
      return;
    }
    bar.stepTo(step);
    bar.setExtraMessage(message(epoch, loss, lr, pairsPerSecond));
  }

  /** The extra message: {@code ep 1 loss 2.3104 lr 4.8e-04 143 pairs/s}. */
  static String message(int epoch, double loss, double lr, double pairsPerSecond) {
    return String.format(Locale.ROOT, "ep %d loss %.4f lr %.1e %.0f pairs/s", epoch, loss, lr, pairsPerSecond);
  }

  /** Renders the final state now (tests; the bar otherwise refreshes every 500 ms). */
  public void refresh() {
    if (bar != null) {
      bar.refresh();
    }
  }

  @Override
  public void close() {
    if (bar != null) {
      bar.close();
    }
  }
}
