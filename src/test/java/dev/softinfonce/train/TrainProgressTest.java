package dev.softinfonce.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TrainProgressTest {

  @Test
  void rendersStepEpochLossLrAndSpeed() {
    List<String> lines = new ArrayList<>();
    try (TrainProgress p = TrainProgress.to(lines::add, 1000, 400)) {
      assertTrue(p.enabled());
      p.update(420, 1, 2.31044, 4.8e-4, 143.2);
      p.refresh();
    }
    String last = lines.get(lines.size() - 1);
    assertTrue(last.contains("420/1000"), last);
    assertTrue(last.contains("ep 1 loss 2.3104 lr 4.8e-04 143 pairs/s"), last);
  }

  @Test
  void disabledByConfigOrWithoutTerminal() {
    try (TrainProgress off = TrainProgress.create(false, 100, 0)) {
      assertFalse(off.enabled());
      off.update(5, 0, 1, 1, 1); // no-op, no exception
    }
    try (TrainProgress p = TrainProgress.create(true, 100, 0)) {
      assertEquals(System.console() != null, p.enabled(), "enabled only on a terminal");
    }
  }
}
