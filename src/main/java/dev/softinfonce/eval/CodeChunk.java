package dev.softinfonce.eval;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A slice of the codebase pool: ids (the gold-matching key, e.g. CodeSearchNet {@code url}) and their
 * embeddings, row i of {@code embeddings} belonging to {@code ids.get(i)}.
 *
 * @param ids codebase ids, unique across the whole pool
 * @param embeddings {@code [n, D]} code embeddings
 */
public record CodeChunk(List<String> ids, float[][] embeddings) {

  public CodeChunk {
    Objects.requireNonNull(ids, "ids");
    Objects.requireNonNull(embeddings, "embeddings");
    if (ids.size() != embeddings.length) {
      throw new IllegalArgumentException("code chunk has " + ids.size() + " ids but " + embeddings.length
          + " embeddings");
    }
  }

  public int size() {
    return ids.size();
  }

  /** Splits an in-memory pool into chunks of at most {@code chunkSize} codes (rows are shared, not copied). */
  public static List<CodeChunk> split(List<String> ids, float[][] embeddings, int chunkSize) {
    if (chunkSize < 1) {
      throw new IllegalArgumentException("chunk size must be >= 1, got " + chunkSize);
    }
    if (ids.size() != embeddings.length) {
      throw new IllegalArgumentException("codebase has " + ids.size() + " ids but " + embeddings.length
          + " embeddings");
    }
    List<CodeChunk> out = new ArrayList<>();
    for (int start = 0; start < ids.size(); start += chunkSize) {
      int end = Math.min(ids.size(), start + chunkSize);
      float[][] rows = new float[end - start][];
      System.arraycopy(embeddings, start, rows, 0, end - start);
      out.add(new CodeChunk(List.copyOf(ids.subList(start, end)), rows));
    }
    return out;
  }
}
