package dev.softinfonce.text;

/**
 * A tokenized batch with what serving reports per text: whether truncation cut it and its real length.
 *
 * @param ids [B, L] token ids, padded with the tokenizer's pad id after the real tokens
 * @param mask [B, L] 1 for a real token (special tokens included), 0 for padding
 * @param truncated [B] whether text i had more than {@link Tokenizer#maxLength()} tokens
 * @param lengths [B] the real (unpadded) length of row i
 */
public record EncodedBatch(int[][] ids, int[][] mask, boolean[] truncated, int[] lengths) {

  /** The ids and mask alone. */
  public TokenizedBatch batch() {
    return new TokenizedBatch(ids, mask);
  }
}
