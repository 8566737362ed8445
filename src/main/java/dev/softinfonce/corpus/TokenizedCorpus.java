package dev.softinfonce.corpus;

import dev.softinfonce.data.Example;
import dev.softinfonce.text.TokenizedBatch;
import dev.softinfonce.text.Tokenizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;

/**
 * Token ids of every training example, computed once (unpadded, special tokens added, truncated to the
 * tokenizer's max length), so a step only gathers and pads: tokenizing a batch per step would cost as
 * much as a small model's forward pass.
 */
public final class TokenizedCorpus {
  private final int[][] rows;
  private final int padId;

  private TokenizedCorpus(int[][] rows, int padId) {
    this.rows = rows;
    this.padId = padId;
  }

  /** Tokenizes {@code text(e)} of each example in chunks of 512. */
  public static TokenizedCorpus of(List<Example> examples, Function<Example, String> text, Tokenizer tok) {
    return ofTexts(examples.stream().map(text).toList(), tok);
  }

  /** Tokenizes each text in chunks of 512. */
  public static TokenizedCorpus ofTexts(List<String> texts, Tokenizer tok) {
    int[][] rows = new int[texts.size()][];
    for (int from = 0; from < texts.size(); from += 512) {
      List<String> chunk = new ArrayList<>(texts.subList(from, Math.min(texts.size(), from + 512)));
      TokenizedBatch b = tok.encode(chunk);
      for (int k = 0; k < chunk.size(); k++) {
        rows[from + k] = Arrays.copyOf(b.ids()[k], b.length(k));
      }
    }
    return new TokenizedCorpus(rows, tok.padId());
  }

  public int size() {
    return rows.length;
  }

  /** Unpadded ids of example {@code i}. */
  public int[] row(int i) {
    return rows[i];
  }

  /** Ids and mask of the given examples, padded to the longest. */
  public TokenizedBatch batch(int[] indices) {
    int len = 0;
    for (int i : indices) {
      len = Math.max(len, rows[i].length);
    }
    int[][] ids = new int[indices.length][len];
    int[][] mask = new int[indices.length][len];
    for (int k = 0; k < indices.length; k++) {
      int[] r = rows[indices[k]];
      Arrays.fill(ids[k], padId);
      System.arraycopy(r, 0, ids[k], 0, r.length);
      Arrays.fill(mask[k], 0, r.length, 1);
    }
    return new TokenizedBatch(ids, mask);
  }

  /** Ids and mask of examples {@code from} (inclusive) to {@code to} (exclusive), padded to the longest. */
  public TokenizedBatch range(int from, int to) {
    int[] idx = new int[to - from];
    Arrays.setAll(idx, k -> from + k);
    return batch(idx);
  }

  /** Every row unpadded (for corpus statistics such as BM25's average document length). */
  public int[][] rows() {
    return rows.clone();
  }
}
