package dev.softinfonce.bench;

import java.util.Random;

/**
 * Random token ids for throughput measurement, with the length distribution shared by the Java
 * benchmarks and the PyTorch peer ({@code tools/bench/torch_biencoder.py}): each row's real length
 * (special tokens included) is drawn uniformly from {@code [ceil(L/2), L]}, the batch is padded to the
 * full width {@code L}, the mask is 1 on the real tokens, real ids are uniform over the vocabulary
 * without the padding id, and padding positions hold the padding id.
 *
 * @param ids {@code [B, L]}
 * @param mask {@code [B, L]}, 1 = real token
 * @param realTokens number of mask-1 positions
 */
public record SyntheticBatch(int[][] ids, int[][] mask, long realTokens) {

  /**
   * @param rnd seeded generator (the caller keeps it across steps so every step sees a new batch)
   * @param batch rows B
   * @param length padded width L (≥ 1)
   * @param vocab vocabulary size (≥ 2)
   * @param padId padding token id, in {@code [0, vocab)}
   */
  public static SyntheticBatch draw(Random rnd, int batch, int length, int vocab, int padId) {
    if (batch < 1 || length < 1 || vocab < 2 || padId < 0 || padId >= vocab) {
      throw new IllegalArgumentException("SyntheticBatch: need batch >= 1, length >= 1, vocab >= 2, 0 <= padId < vocab;"
          + " got batch=" + batch + " length=" + length + " vocab=" + vocab + " padId=" + padId);
    }
    int lo = minLength(length);
    int[][] ids = new int[batch][length];
    int[][] mask = new int[batch][length];
    long real = 0;
    for (int i = 0; i < batch; i++) {
      int len = lo + rnd.nextInt(length - lo + 1); // uniform in [ceil(L/2), L]
      for (int j = 0; j < length; j++) {
        if (j < len) {
          int id = rnd.nextInt(vocab - 1); // [0, vocab-1) then skip the pad id
          ids[i][j] = id >= padId ? id + 1 : id;
          mask[i][j] = 1;
        } else {
          ids[i][j] = padId;
        }
      }
      real += len;
    }
    return new SyntheticBatch(ids, mask, real);
  }

  /** The shortest real length drawn for width {@code L}: {@code ceil(L/2)}. */
  public static int minLength(int length) {
    return (length + 1) / 2;
  }

  /** Expected real tokens per row: the mean of the uniform integers in {@code [ceil(L/2), L]}. */
  public static double expectedLength(int length) {
    return (minLength(length) + length) / 2.0;
  }
}
