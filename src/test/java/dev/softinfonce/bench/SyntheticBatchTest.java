package dev.softinfonce.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SyntheticBatchTest {

  @Test
  void lengthsUniformInUpperHalfAndPaddingConsistent() {
    Random rnd = new Random(5);
    int length = 9; // lengths 5..9
    int[] counts = new int[length + 1];
    long totalReal = 0;
    int rows = 0;
    for (int k = 0; k < 400; k++) {
      SyntheticBatch b = SyntheticBatch.draw(rnd, 16, length, 7, 3);
      long real = 0;
      for (int i = 0; i < 16; i++) {
        int len = 0;
        for (int j = 0; j < length; j++) {
          if (b.mask()[i][j] == 1) {
            assertEquals(j, len, "real tokens first, then padding");
            assertNotEquals(3, b.ids()[i][j], "a real token never has the pad id");
            assertTrue(b.ids()[i][j] >= 0 && b.ids()[i][j] < 7);
            len++;
          } else {
            assertEquals(3, b.ids()[i][j], "padding holds the pad id");
          }
        }
        counts[len]++;
        real += len;
        rows++;
      }
      assertEquals(real, b.realTokens());
      totalReal += real;
    }
    for (int len = 0; len <= length; len++) {
      if (len < 5) {
        assertEquals(0, counts[len], "length " + len);
      } else {
        assertEquals(rows / 5.0, counts[len], rows / 5.0 * 0.12, "length " + len); // 1280 each, ±12 %
      }
    }
    assertEquals(7.0, SyntheticBatch.expectedLength(length));
    assertEquals(7.0, (double) totalReal / rows, 0.05);
    assertEquals(16, SyntheticBatch.minLength(32));
    assertEquals(49, SyntheticBatch.minLength(97));
  }

  @Test
  void rejectsBadArguments() {
    assertThrows(IllegalArgumentException.class, () -> SyntheticBatch.draw(new Random(1), 2, 4, 5, 5));
    assertThrows(IllegalArgumentException.class, () -> SyntheticBatch.draw(new Random(1), 0, 4, 5, 0));
  }

  @Test
  void medianOfOddAndEvenCounts() {
    assertEquals(2.0, Stats.median(List.of(3.0, 1.0, 2.0)));
    assertEquals(2.5, Stats.median(List.of(4.0, 1.0, 2.0, 3.0)));
    assertThrows(IllegalArgumentException.class, () -> Stats.median(List.of()));
  }
}
