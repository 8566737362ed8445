package dev.softinfonce.text;

/**
 * A batch of tokenized texts, ready to feed {@code input_ids} / {@code attention_mask} int32
 * placeholders.
 *
 * @param ids token ids, {@code [B, L]}; every row has the same length L, padded with the
 *     tokenizer's pad id after the real tokens
 * @param mask attention mask, {@code [B, L]}: 1 for a real token (special tokens included), 0 for
 *     padding
 */
public record TokenizedBatch(int[][] ids, int[][] mask) {

  public TokenizedBatch {
    if (ids.length != mask.length) {
      throw new IllegalArgumentException("ids has " + ids.length + " rows, mask " + mask.length);
    }
  }

  /** Number of texts B. */
  public int size() {
    return ids.length;
  }

  /** Padded length L (0 for an empty batch). */
  public int length() {
    return ids.length == 0 ? 0 : ids[0].length;
  }

  /** Real (unpadded) length of row {@code i}: the number of 1s in its mask. */
  public int length(int i) {
    int n = 0;
    for (int m : mask[i]) {
      n += m;
    }
    return n;
  }
}
