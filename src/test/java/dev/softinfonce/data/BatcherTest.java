package dev.softinfonce.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.softinfonce.data.Batcher.Batch;
import dev.softinfonce.data.Batcher.Position;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class BatcherTest {

  /** n distinct examples. */
  private static List<Example> distinct(int n) {
    List<Example> l = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      l.add(new Example("u" + i, "q" + i, "code " + i, "java", "t:" + (i + 1)));
    }
    return l;
  }

  /** Every 3rd example copies the code of the one before it; every 7th reuses url u0. */
  private static List<Example> withCopies(int n) {
    List<Example> l = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      String code = i % 3 == 2 ? "code " + (i - 1) : "code " + i;
      String url = i % 7 == 6 ? "u0" : "u" + i;
      l.add(new Example(url, "q" + i, code, "java", "t:" + (i + 1)));
    }
    return l;
  }

  @Test
  void epochIsAShuffledPartitionDroppingTheLastIncompleteBatch() {
    Batcher b = Batcher.of(distinct(103), 8, 42);
    int[][] epoch = b.epoch(0);
    assertEquals(103 / 8, epoch.length);
    Set<Integer> seen = new HashSet<>();
    for (int[] batch : epoch) {
      assertEquals(8, batch.length);
      for (int i : batch) {
        assertTrue(seen.add(i), "index " + i + " twice in one epoch");
      }
    }
    assertEquals(96, seen.size());
    int[] flat = Arrays.stream(epoch).flatMapToInt(Arrays::stream).toArray();
    int[] identity = java.util.stream.IntStream.range(0, 96).toArray();
    assertFalse(Arrays.equals(identity, flat), "not shuffled");
  }

  @Test
  void deterministicFromSeedAndEpoch() {
    List<Example> data = withCopies(200);
    Batcher a = Batcher.of(data, 16, 7);
    Batcher b = Batcher.of(data, 16, 7);
    for (int e = 0; e < 3; e++) {
      assertArrayEquals(a.epoch(e), b.epoch(e));
    }
    assertFalse(Arrays.deepEquals(a.epoch(0), a.epoch(1)), "epochs must differ");
    assertFalse(Arrays.deepEquals(a.epoch(0), Batcher.of(data, 16, 8).epoch(0)), "seeds must differ");
  }

  @Test
  void noTwoCopiesInABatchAndCopiesAreDeferredNotDropped() {
    List<Example> data = withCopies(300);
    Batcher b = Batcher.of(data, 16, 3);
    int placedCopies = 0;
    for (int e = 0; e < 5; e++) {
      Set<Integer> seen = new HashSet<>();
      for (int[] batch : b.epoch(e)) {
        Set<String> urls = new HashSet<>();
        Set<String> codes = new HashSet<>();
        for (int i : batch) {
          assertTrue(seen.add(i));
          assertTrue(urls.add(data.get(i).url()), "url twice in a batch");
          assertTrue(codes.add(data.get(i).code()), "code twice in a batch");
          if (i % 3 == 2 || i % 7 == 6) {
            placedCopies++;
          }
        }
      }
      // 300 examples, 16 per batch: at most one incomplete batch plus the last deferred copies are left
      assertTrue(seen.size() >= 300 - 16 - 16, "epoch " + e + " placed only " + seen.size());
    }
    // without deduplication the same data does put copies together (so the check above can fail)
    Batcher plain = Batcher.of(data, 16, 3, false);
    boolean together = false;
    for (int[] batch : plain.epoch(0)) {
      boolean[][] same = plain.sameCode(batch);
      for (int i = 0; i < batch.length; i++) {
        for (int j = 0; j < batch.length; j++) {
          together |= i != j && same[i][j];
        }
      }
    }
    assertTrue(together);
    assertTrue(placedCopies > 5 * 100, "copies should be deferred into later batches, placed " + placedCopies);
  }

  @Test
  void resumingFromAPositionGivesTheSameBatches() {
    List<Example> data = withCopies(100);
    Iterator<Batch> run = Batcher.of(data, 8, 11).iterator(Position.start());
    List<Batch> first = new ArrayList<>();
    for (int s = 0; s < 40; s++) {
      first.add(run.next());
    }
    int perEpoch = Batcher.of(data, 8, 11).batchesInEpoch(0);
    assertTrue(40 > 2 * perEpoch, "the run should cross epoch boundaries");
    for (int stop : new int[] {0, 5, perEpoch - 1, perEpoch, 25}) {
      Position saved = first.get(stop).next(); // what a checkpoint after step `stop` stores
      Iterator<Batch> resumed = Batcher.of(data, 8, 11).iterator(saved); // a new process
      for (int s = stop + 1; s < 40; s++) {
        Batch b = resumed.next();
        assertEquals(first.get(s).position(), b.position());
        assertArrayEquals(first.get(s).indices(), b.indices(), "step " + s + " after resume at " + stop);
      }
    }
    assertEquals(new Position(1, 0), first.get(perEpoch).position());
  }

  @Test
  void sameCodeMatrixByHashEquality() {
    long[] h = {CodeHash.of("a"), CodeHash.of("b"), CodeHash.of("a"), CodeHash.of("c")};
    boolean[][] m = CodeHash.sameCodeMatrix(h);
    boolean[][] expected = {
        {true, false, true, false},
        {false, true, false, false},
        {true, false, true, false},
        {false, false, false, true}};
    assertArrayEquals(expected, m);
    assertEquals(CodeHash.of("x y"), CodeHash.of(new String("x y")));
  }

  @Test
  void rejectsImpossibleBatchesAndPositions() {
    List<Example> same = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      same.add(new Example("u" + i, "q", "identical code", "java", "t:" + i));
    }
    assertThrows(IllegalArgumentException.class, () -> Batcher.of(same, 2, 0));
    assertEquals(5, Batcher.of(same, 2, 0, false).batchesInEpoch(0));
    Batcher b = Batcher.of(distinct(10), 4, 0);
    assertThrows(IllegalArgumentException.class, () -> b.batch(new Position(0, 2)));
    assertThrows(IllegalArgumentException.class, () -> Batcher.of(distinct(10), 0, 0));
  }
}
