package dev.softinfonce.estimator;

import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * The frozen trained model's query and code embeddings of every training example, row r = example r
 * of the training set (the index the batcher feeds as {@link EstimatorInput#EXAMPLE_INDEX}). Built once
 * on the Java side by {@link #compute}, then copied into the graph by
 * {@link EmbeddingCache#load(org.tensorflow.Session, EmbeddingTables)}.
 *
 * <p>Memory: 2·N·D floats (e.g. 250k examples × 768 = 1.5 GB); for larger sets load the cache chunk by
 * chunk with {@link EmbeddingCache#loadRows} instead of holding whole tables.
 */
public final class EmbeddingTables {
  private final float[][] query;
  private final float[][] code;

  /**
   * @param query {@code [N][D]} query-tower embeddings
   * @param code {@code [N][D]} code-tower embeddings
   * @throws IllegalArgumentException if the shapes disagree or a value is not finite
   */
  public EmbeddingTables(float[][] query, float[][] code) {
    Objects.requireNonNull(query, "query");
    Objects.requireNonNull(code, "code");
    if (query.length == 0) {
      throw new IllegalArgumentException("embedding tables are empty (no training examples)");
    }
    if (query.length != code.length) {
      throw new IllegalArgumentException("embedding tables disagree: " + query.length
          + " query rows but " + code.length + " code rows");
    }
    int dim = query[0].length;
    checkRows(query, dim, "query");
    checkRows(code, dim, "code");
    this.query = query;
    this.code = code;
  }

  static void checkRows(float[][] rows, int dim, String what) {
    for (int r = 0; r < rows.length; r++) {
      if (rows[r] == null || rows[r].length != dim) {
        throw new IllegalArgumentException(what + " embedding row " + r + " has "
            + (rows[r] == null ? "no values" : rows[r].length + " values") + ", expected " + dim);
      }
      for (int k = 0; k < dim; k++) {
        if (!Float.isFinite(rows[r][k])) {
          throw new IllegalArgumentException(
              what + " embedding row " + r + " holds a non-finite value " + rows[r][k]);
        }
      }
    }
  }

  /**
   * Encodes a training set in batches.
   *
   * @param examples the training examples in training-set order (row r = {@code examples.get(r)})
   * @param batchSize examples per call of the encoders
   * @param encodeQueries the frozen model's query tower on a sub-list, {@code [n][D]} (e.g. tokenise the
   *     queries and run its {@code encode_query})
   * @param encodeCodes the frozen model's code tower on a sub-list, {@code [n][D]}
   * @param <E> example type
   */
  public static <E> EmbeddingTables compute(List<E> examples, int batchSize,
      Function<List<E>, float[][]> encodeQueries, Function<List<E>, float[][]> encodeCodes) {
    if (batchSize < 1) {
      throw new IllegalArgumentException("batchSize must be >= 1, got " + batchSize);
    }
    int n = examples.size();
    float[][] q = new float[n][];
    float[][] c = new float[n][];
    for (int from = 0; from < n; from += batchSize) {
      int to = Math.min(n, from + batchSize);
      List<E> chunk = examples.subList(from, to);
      copy(encodeQueries.apply(chunk), q, from, to, "query");
      copy(encodeCodes.apply(chunk), c, from, to, "code");
    }
    return new EmbeddingTables(q, c);
  }

  private static void copy(float[][] got, float[][] into, int from, int to, String what) {
    if (got == null || got.length != to - from) {
      throw new IllegalArgumentException("the " + what + " encoder returned "
          + (got == null ? "null" : got.length + " rows") + " for examples " + from + ".." + (to - 1)
          + ", expected " + (to - from));
    }
    System.arraycopy(got, 0, into, from, got.length);
  }

  /** N, the number of training examples. */
  public int rows() {
    return query.length;
  }

  /** D, the embedding size. */
  public int dim() {
    return query[0].length;
  }

  /** Query embeddings {@code [N][D]} (not copied). */
  public float[][] query() {
    return query;
  }

  /** Code embeddings {@code [N][D]} (not copied). */
  public float[][] code() {
    return code;
  }
}
