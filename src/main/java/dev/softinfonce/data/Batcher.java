package dev.softinfonce.data;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Splits a training set into batches of example indices: a fresh shuffle each epoch, deterministic
 * from (seed, epoch), no two copies of one example in a batch, the last incomplete batch dropped, and
 * a {@link Position} from which a resumed run sees exactly the same batches.
 *
 * <p><b>Copies.</b> Two examples are copies when they share a url or have identical code text
 * ({@link CodeHash}). In-batch negatives that are copies of the positive are false negatives, so a
 * copy is never put in a batch that already holds one: it is deferred to the next batch that has room
 * for it (never dropped unless the epoch ends before such a batch fills). Disable with
 * {@code deduplicate = false}; the {@link #sameCode} matrix then masks duplicates in the objective.
 *
 * <p><b>Order within an epoch.</b> The epoch's permutation is a Fisher–Yates shuffle driven by a
 * SplitMix64 stream seeded from (seed, epoch), written out here so that the batches do not depend on
 * the JDK's random number generators. Batches are filled greedily: first from the deferred items in
 * the order they were deferred, then from the permutation.
 *
 * <p>Memory: an int and a long per example plus the current epoch's plan. Not thread-safe (it caches
 * the plan of the last epoch asked for).
 */
public final class Batcher {

  /** Where the next batch comes from: batch {@code batch} (0-based) of epoch {@code epoch} (0-based). */
  public record Position(int epoch, int batch) {
    public Position {
      if (epoch < 0 || batch < 0) {
        throw new IllegalArgumentException("position must be >= 0, got epoch=" + epoch + " batch=" + batch);
      }
    }

    /** The start of training. */
    public static Position start() {
      return new Position(0, 0);
    }
  }

  /**
   * One batch.
   *
   * @param position where it is in the schedule
   * @param indices example indices into the list the batcher was built from, length = batch size
   * @param next the position to store in a checkpoint after this batch was trained on
   */
  public record Batch(Position position, int[] indices, Position next) {}

  private final int size;
  private final int batchSize;
  private final long seed;
  private final boolean deduplicate;
  private final int[] urlIds;
  private final long[] codeHashes;

  private int cachedEpoch = -1;
  private int[][] cachedPlan;

  private Batcher(int[] urlIds, long[] codeHashes, int batchSize, long seed, boolean deduplicate) {
    if (batchSize < 1) {
      throw new IllegalArgumentException("batch size must be >= 1, got " + batchSize);
    }
    this.size = urlIds.length;
    this.batchSize = batchSize;
    this.seed = seed;
    this.deduplicate = deduplicate;
    this.urlIds = urlIds;
    this.codeHashes = codeHashes;
    if (plan(0).length == 0) {
      throw new IllegalArgumentException("cannot form one batch of " + batchSize + " from " + size
          + " examples" + (deduplicate ? " without putting copies (same url or code) together" : ""));
    }
  }

  /** Batches over {@code examples} that never hold two copies of one example. */
  public static Batcher of(List<Example> examples, int batchSize, long seed) {
    return of(examples, batchSize, seed, true);
  }

  /**
   * Batches over {@code examples}.
   *
   * @param deduplicate keep copies (same url or identical code) out of the same batch
   */
  public static Batcher of(List<Example> examples, int batchSize, long seed, boolean deduplicate) {
    int n = examples.size();
    int[] urlIds = new int[n];
    long[] hashes = new long[n];
    Map<String, Integer> ids = new HashMap<>();
    for (int i = 0; i < n; i++) {
      Example e = examples.get(i);
      Integer id = ids.putIfAbsent(e.url(), ids.size());
      urlIds[i] = id == null ? ids.size() - 1 : id;
      hashes[i] = CodeHash.of(e.code());
    }
    return new Batcher(urlIds, hashes, batchSize, seed, deduplicate);
  }

  public int batchSize() {
    return batchSize;
  }

  /** Number of examples batched over. */
  public int size() {
    return size;
  }

  /** Number of full batches in epoch {@code epoch} (can differ slightly between epochs when copies are deferred). */
  public int batchesInEpoch(int epoch) {
    return plan(epoch).length;
  }

  /** The batches of one epoch, in order (a copy; each row holds {@link #batchSize()} indices). */
  public int[][] epoch(int epoch) {
    int[][] p = plan(epoch);
    int[][] out = new int[p.length][];
    for (int i = 0; i < p.length; i++) {
      out[i] = p[i].clone();
    }
    return out;
  }

  /** The batch at {@code position} (which must lie inside its epoch). */
  public Batch batch(Position position) {
    int[][] p = plan(position.epoch());
    if (position.batch() >= p.length) {
      throw new IllegalArgumentException("epoch " + position.epoch() + " has " + p.length
          + " batches, no batch " + position.batch());
    }
    Position next = position.batch() + 1 < p.length
        ? new Position(position.epoch(), position.batch() + 1)
        : new Position(position.epoch() + 1, 0);
    return new Batch(position, p[position.batch()].clone(), next);
  }

  /** An endless iterator of batches from {@code from} on, epoch after epoch. */
  public Iterator<Batch> iterator(Position from) {
    batch(from); // fail now, not on first next(), if the position is outside its epoch
    return new Iterator<>() {
      private Position at = from;

      @Override
      public boolean hasNext() {
        return true;
      }

      @Override
      public Batch next() {
        Batch b = batch(at);
        at = b.next();
        return b;
      }
    };
  }

  /** The code hashes of a batch's examples, in batch order. */
  public long[] codeHashes(int[] indices) {
    long[] h = new long[indices.length];
    for (int i = 0; i < h.length; i++) {
      h[i] = codeHashes[indices[i]];
    }
    return h;
  }

  /** The [B, B] "same code" matrix of a batch (see {@link CodeHash#sameCodeMatrix}). */
  public boolean[][] sameCode(int[] indices) {
    return CodeHash.sameCodeMatrix(codeHashes(indices));
  }

  private int[][] plan(int epoch) {
    if (epoch != cachedEpoch) {
      cachedPlan = computePlan(epoch);
      cachedEpoch = epoch;
    }
    return cachedPlan;
  }

  /** The permutation of this epoch, then the greedy fill that defers copies. */
  private int[][] computePlan(int epoch) {
    int[] perm = permutation(epoch);
    List<int[]> batches = new ArrayList<>(size / batchSize);
    List<Integer> deferred = new ArrayList<>();
    Set<Integer> urls = new HashSet<>();
    Set<Long> codes = new HashSet<>();
    int cursor = 0;
    while (true) {
      int[] batch = new int[batchSize];
      int filled = 0;
      urls.clear();
      codes.clear();
      List<Integer> stillDeferred = new ArrayList<>();
      for (int i : deferred) {
        if (filled < batchSize && fits(i, urls, codes)) {
          batch[filled++] = i;
        } else {
          stillDeferred.add(i);
        }
      }
      deferred = stillDeferred;
      while (filled < batchSize && cursor < size) {
        int i = perm[cursor++];
        if (fits(i, urls, codes)) {
          batch[filled++] = i;
        } else {
          deferred.add(i);
        }
      }
      if (filled < batchSize) {
        break; // the incomplete last batch is dropped
      }
      batches.add(batch);
    }
    return batches.toArray(new int[0][]);
  }

  /** Whether example i may join the batch whose urls/codes are given; if so, records it. */
  private boolean fits(int i, Set<Integer> urls, Set<Long> codes) {
    if (!deduplicate) {
      return true;
    }
    if (urls.contains(urlIds[i]) || codes.contains(codeHashes[i])) {
      return false;
    }
    urls.add(urlIds[i]);
    codes.add(codeHashes[i]);
    return true;
  }

  private int[] permutation(int epoch) {
    int[] p = new int[size];
    for (int i = 0; i < size; i++) {
      p[i] = i;
    }
    long state = seed ^ (0x9E3779B97F4A7C15L * (epoch + 1L));
    for (int i = size - 1; i > 0; i--) {
      state += 0x9E3779B97F4A7C15L;
      int j = (int) Long.remainderUnsigned(mix(state), i + 1L);
      int t = p[i];
      p[i] = p[j];
      p[j] = t;
    }
    return p;
  }

  /** SplitMix64's output function. */
  private static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
