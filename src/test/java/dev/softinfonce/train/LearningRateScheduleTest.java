package dev.softinfonce.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.softinfonce.config.ExperimentConfig;
import dev.softinfonce.config.TrainConfig.Schedule;
import org.junit.jupiter.api.Test;

/** Hand-computed values: peak 1e-3, warm-up W = 10, total T = 110 (decay span 100). */
class LearningRateScheduleTest {
  static final double EPS = 1e-15;

  @Test
  void warmupIsLinearFromZero() {
    LearningRateSchedule s = new LearningRateSchedule(1e-3, 10, 110, Schedule.LINEAR);
    assertEquals(0.0, s.lr(0), EPS);
    assertEquals(1e-4, s.lr(1), EPS);
    assertEquals(5e-4, s.lr(5), EPS);
    assertEquals(9e-4, s.lr(9), EPS);
    assertEquals(1e-3, s.lr(10), EPS);
  }

  @Test
  void linearDecayToZero() {
    LearningRateSchedule s = new LearningRateSchedule(1e-3, 10, 110, Schedule.LINEAR);
    assertEquals(9e-4, s.lr(20), EPS);   // (110-20)/100
    assertEquals(5e-4, s.lr(60), EPS);
    assertEquals(1e-5, s.lr(109), EPS);
    assertEquals(0.0, s.lr(110), EPS);
    assertEquals(0.0, s.lr(500), EPS);
  }

  @Test
  void cosineDecayToZero() {
    LearningRateSchedule s = new LearningRateSchedule(1e-3, 10, 110, Schedule.COSINE);
    assertEquals(5e-4, s.lr(5), EPS);                       // warm-up is the same
    assertEquals(1e-3, s.lr(10), EPS);
    assertEquals(5e-4, s.lr(60), 1e-15);                    // cos(π/2) = 0 → ½
    assertEquals(1e-3 * (1 + Math.sqrt(0.5)) / 2, s.lr(35), 1e-15); // cos(π/4)
    assertEquals(1e-3 * (1 - Math.sqrt(0.5)) / 2, s.lr(85), 1e-15); // cos(3π/4)
    assertEquals(0.0, s.lr(110), 1e-18);
    assertEquals(0.0, s.lr(300), 1e-18);                    // clamped, does not rise again
  }

  @Test
  void constantAfterWarmupAndNoWarmup() {
    LearningRateSchedule c = new LearningRateSchedule(2e-5, 4, 0, Schedule.CONSTANT);
    assertEquals(1e-5, c.lr(2), EPS);
    assertEquals(2e-5, c.lr(4), EPS);
    assertEquals(2e-5, c.lr(1_000_000), EPS);
    LearningRateSchedule l = new LearningRateSchedule(1e-3, 0, 4, Schedule.LINEAR);
    assertEquals(1e-3, l.lr(0), EPS);
    assertEquals(7.5e-4, l.lr(1), EPS);
    assertEquals(2.5e-4, l.lr(3), EPS);
    assertEquals(0.0, l.lr(4), EPS);
  }

  @Test
  void fromConfigAndValidation() {
    ExperimentConfig cfg = ExperimentConfig.builder().set("train.learning_rate", 0.002)
        .set("train.warmup_steps", 2).set("train.schedule", "cosine").build();
    LearningRateSchedule s = LearningRateSchedule.of(cfg.train(), 6);
    assertEquals(0.001, s.lr(1), EPS);
    assertEquals(0.001, s.lr(4), 1e-15);
    assertThrows(IllegalArgumentException.class, () -> new LearningRateSchedule(0, 0, 1, Schedule.LINEAR));
    assertThrows(IllegalArgumentException.class, () -> new LearningRateSchedule(1e-3, 10, 5, Schedule.LINEAR));
    assertThrows(IllegalArgumentException.class, () -> s.lr(-1));
  }
}
