package dev.softinfonce.corpus;

import java.util.Objects;
import java.util.Set;

/**
 * Accumulates the BM25 average document length {@code avgdl} over the training set: the mean number of
 * term tokens (mask on, not a special token) per document. Feed it the tokenised training docstrings
 * (or code, for {@code estimator.field: code}) batch by batch, then pass {@link #average()} to
 * {@code estimator.Bm25Estimator}.
 *
 * <p>Deviation from the reference code, which averaged token counts <em>including</em> {@code <s>} and
 * {@code </s>} while its per-document {@code dl} excluded them: here both exclude special tokens, so
 * {@code dl/avgdl} is 1 for an average document.
 *
 * <p>Example: documents {@code [0, 7, 7, 2]} and {@code [0, 9, 2, 1]} (mask 1,1,1,1 and 1,1,1,0) with
 * special ids {0, 1, 2} have 2 and 1 terms: average 1.5.
 */
public final class DocumentLengths {
  private final Set<Integer> ignoredIds;
  private final boolean countIgnored;
  private long documents;
  private long terms;

  /** @param ignoredIds special token ids that are not terms */
  public DocumentLengths(Set<Integer> ignoredIds) {
    this(ignoredIds, false);
  }

  private DocumentLengths(Set<Integer> ignoredIds, boolean countIgnored) {
    this.ignoredIds = Set.copyOf(Objects.requireNonNull(ignoredIds, "ignoredIds"));
    this.countIgnored = countIgnored;
  }

  /**
   * The reference code's {@code avg_len}: every non-padding token counts, {@code <s>}/{@code </s>}
   * included (so it exceeds the consistent average by about 2). For reproducing the reference exactly.
   */
  public static DocumentLengths referenceStyle() {
    return new DocumentLengths(Set.of(), true);
  }

  /**
   * Adds a padded batch.
   *
   * @param ids {@code [n][L]} token ids
   * @param mask {@code [n][L]}, 0 = padding; {@code null} means no padding
   * @return this
   */
  public DocumentLengths add(int[][] ids, int[][] mask) {
    if (mask != null && mask.length != ids.length) {
      throw new IllegalArgumentException(
          "ids has " + ids.length + " rows but mask has " + mask.length);
    }
    for (int r = 0; r < ids.length; r++) {
      if (mask != null && mask[r].length != ids[r].length) {
        throw new IllegalArgumentException("row " + r + ": ids has " + ids[r].length
            + " positions but mask has " + mask[r].length);
      }
      for (int p = 0; p < ids[r].length; p++) {
        if ((mask == null || mask[r][p] != 0) && (countIgnored || !ignoredIds.contains(ids[r][p]))) {
          terms++;
        }
      }
      documents++;
    }
    return this;
  }

  /** Documents added so far. */
  public long documents() {
    return documents;
  }

  /**
   * The mean number of terms per document.
   *
   * @throws IllegalStateException if no document was added or all are empty (BM25 would divide by 0)
   */
  public double average() {
    if (documents == 0) {
      throw new IllegalStateException("avgdl: no training documents were added");
    }
    if (terms == 0) {
      throw new IllegalStateException("avgdl: all " + documents
          + " training documents are empty after removing special tokens and padding");
    }
    return (double) terms / documents;
  }

  /** Convenience: the average over one padded array. */
  public static double average(int[][] ids, int[][] mask, Set<Integer> ignoredIds) {
    return new DocumentLengths(ignoredIds).add(ids, mask).average();
  }
}
