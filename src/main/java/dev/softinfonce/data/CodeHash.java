package dev.softinfonce.data;

import com.google.common.hash.Hashing;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * 64-bit hashes of code text for exact-duplicate detection (the paper's false-negative problem 1):
 * two examples whose code text is identical get the same hash. Hashes are the first 64 bits of
 * MurmurHash3 x64-128 over the UTF-8 bytes, so they are stable across runs and machines; a collision
 * between different texts has probability about n²/2⁶⁵ (negligible for millions of examples).
 */
public final class CodeHash {
  private CodeHash() {}

  /** The hash of one code text. */
  public static long of(String code) {
    return Hashing.murmur3_128().hashString(code, StandardCharsets.UTF_8).asLong();
  }

  /** Hashes of several code texts, in order. */
  public static long[] of(List<String> codes) {
    long[] h = new long[codes.size()];
    for (int i = 0; i < h.length; i++) {
      h[i] = of(codes.get(i));
    }
    return h;
  }

  /**
   * The [B, B] "same code" matrix: {@code m[i][j]} is true when batch items i and j have equal code
   * hashes. The diagonal is true; an objective that masks duplicate negatives uses the off-diagonal
   * trues (feed it as a {@code TBool} [B, B]).
   */
  public static boolean[][] sameCodeMatrix(long[] hashes) {
    int b = hashes.length;
    boolean[][] m = new boolean[b][b]; // [B, B]
    for (int i = 0; i < b; i++) {
      for (int j = 0; j < b; j++) {
        m[i][j] = hashes[i] == hashes[j];
      }
    }
    return m;
  }
}
