package dev.softinfonce.train;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.index.Indices;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;

/**
 * Runs one training step of a {@link GradCache.Plan}: {@code ⌈B/K⌉} forward runs, one objective run,
 * {@code ⌈B/K⌉} backward runs and one update run, moving the embeddings {@code [B, D]} and their
 * gradients through Java between them. Every run gets the step's ordinary feeds (ids, masks, estimator
 * inputs, learning rate, dropout step) from {@code feed}; the chunk runs add the chunk's first row, which
 * is also the dropout row offset. Runs the session; builds nothing.
 */
public final class GradCacheStep {
  private GradCacheStep() {}

  /**
   * Pass 1: the batch's tower outputs, encoded chunk by chunk without gradients; one tensor
   * {@code [rows, D]} per {@link GradCache.Plan#chunkEmbeddings()} entry. The caller closes them.
   */
  public static List<TFloat32> encode(Session s, GradCache.Plan plan, int rows, Consumer<Session.Runner> feed) {
    if (rows < 1) {
      throw new IllegalArgumentException("a batch needs at least one row, got " + rows);
    }
    List<TFloat32> full = new ArrayList<>();
    try {
      for (int start = 0; start < rows; start += plan.chunkSize()) {
        try (TInt64 at = TInt64.scalarOf(start)) {
          Session.Runner r = s.runner();
          feed.accept(r);
          r.feed(plan.chunkStart(), at);
          plan.chunkEmbeddings().forEach(r::fetch);
          try (Result res = r.run()) {
            for (int i = 0; i < plan.chunkEmbeddings().size(); i++) {
              TFloat32 e = (TFloat32) res.get(i); // [k, D]
              if (full.size() == i) {
                full.add(TFloat32.tensorOf(Shape.of(rows, e.shape().get(1)))); // [B, D]
              }
              e.copyTo(full.get(i).slice(Indices.range(start, start + e.shape().get(0))));
            }
          }
        }
      }
      return full;
    } catch (RuntimeException e) {
      full.forEach(Tensor::close);
      throw e;
    }
  }

  /**
   * One update. The objective run fetches {@code fetches} (scalars computed from the embeddings, such as
   * the loss and weight statistics); the update run fetches the global gradient norm before clipping.
   *
   * @return the values of {@code fetches}, then the gradient norm
   */
  public static float[] step(Session s, GradCache.Plan plan, int rows, Consumer<Session.Runner> feed,
      List<? extends Operand<TFloat32>> fetches) {
    float[] out = new float[fetches.size() + 1];
    List<TFloat32> embeddings = encode(s, plan, rows, feed);
    try {
      Session.Runner r = s.runner();
      feed.accept(r);
      for (int i = 0; i < embeddings.size(); i++) {
        r.feed(plan.embeddings().get(i), embeddings.get(i));
      }
      r.addTarget(plan.reset());
      fetches.forEach(r::fetch);
      plan.embeddingGradients().forEach(r::fetch);
      try (Result res = r.run()) {
        for (int i = 0; i < fetches.size(); i++) {
          out[i] = ((TFloat32) res.get(i)).getFloat();
        }
        for (int start = 0; start < rows; start += plan.chunkSize()) {
          backward(s, plan, res, fetches.size(), start, Math.min(plan.chunkSize(), rows - start), feed);
        }
      }
    } finally {
      embeddings.forEach(Tensor::close);
    }
    Session.Runner r = s.runner();
    feed.accept(r);
    try (Result res = r.addTarget(plan.update().train()).fetch(plan.update().gradNorm()).run()) {
      out[fetches.size()] = ((TFloat32) res.get(0)).getFloat();
    }
    return out;
  }

  /** Pass 3 for rows {@code [start, start + k)}: re-encode and add the variable gradients to the cache. */
  private static void backward(Session s, GradCache.Plan plan, Result objective, int firstGradient, int start, int k,
      Consumer<Session.Runner> feed) {
    List<Tensor> feeds = new ArrayList<>();
    try {
      Session.Runner r = s.runner();
      feed.accept(r);
      TInt64 at = TInt64.scalarOf(start);
      feeds.add(at);
      r.feed(plan.chunkStart(), at);
      for (int i = 0; i < plan.upstreamGradients().size(); i++) {
        TFloat32 all = (TFloat32) objective.get(firstGradient + i); // [B, D]
        TFloat32 dx = TFloat32.tensorOf(Shape.of(k, all.shape().get(1))); // [k, D]
        feeds.add(dx);
        all.slice(Indices.range(start, start + k)).copyTo(dx);
        r.feed(plan.upstreamGradients().get(i), dx);
      }
      r.addTarget(plan.accumulate()).run().close();
    } finally {
      feeds.forEach(Tensor::close);
    }
  }
}
