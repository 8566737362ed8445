package dev.softinfonce.distributed;

import dev.softinfonce.config.ClusterSpec;
import java.util.ArrayList;
import java.util.List;
import org.tensorflow.ExecutionEnvironment;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * The global batch split over the tasks of a cluster: rows {@code [k·B/N, (k+1)·B/N)} are encoded on
 * {@code /job:worker/task:k} and the embeddings gathered (concatenated in batch order) on the chief, so
 * the objective sees the whole batch: every query all {@code B − 1} negatives, the estimator the global
 * batch. Variables, objective and AdamW stay on the chief (task 0); each step TF sends the variables to
 * the workers and the shards' embeddings back. The gradient w.r.t. the gathered embeddings splits back
 * into the shards through the concat, so the update is the one-machine update on the global batch.
 */
public final class Shards {
  private final int tasks;
  private final Placement placement = new Placement(ClusterSpec.device(0));

  private Shards(int tasks) {
    if (tasks < 1) {
      throw new IllegalArgumentException("a cluster needs at least one task, got " + tasks);
    }
    this.tasks = tasks;
  }

  public static Shards of(ClusterSpec spec) {
    return new Shards(spec.size());
  }

  public int tasks() {
    return tasks;
  }

  /** The graph's {@code Ops}: ops go to the chief unless built inside {@link #encode}'s towers. */
  public Ops ops(ExecutionEnvironment env) {
    return placement.ops(env);
  }

  /**
   * {@code [B, D]}: {@code tower(ids_k, mask_k)} of each shard k on task k, concatenated on the chief.
   *
   * @param ids {@code [B, L]}
   * @param mask {@code [B, L]}
   */
  public Operand<TFloat32> encode(Ops tf, Operand<TInt32> ids, Operand<TInt32> mask,
      Tower tower) {
    Operand<TInt32> batch = tf.gather(tf.shape(ids), tf.constant(0), tf.constant(0)); // [] B
    List<Operand<TFloat32>> parts = new ArrayList<>();
    for (int k = 0; k < tasks; k++) {
      Operand<TInt32> begin = bound(tf, batch, k); // [] k·B/N
      Operand<TInt32> size = tf.math.sub(bound(tf, batch, k + 1), begin); // []
      Operand<TInt32> start = tf.stack(List.of(begin, tf.constant(0))); // [2]
      Operand<TInt32> extent = tf.stack(List.of(size, tf.constant(-1))); // [2]
      Operand<TInt32> idsK = tf.slice(ids, start, extent); // [B_k, L]
      Operand<TInt32> maskK = tf.slice(mask, start, extent); // [B_k, L]
      parts.add(placement.on(ClusterSpec.device(k), () -> tower.apply(idsK, maskK))); // [B_k, D]
    }
    return tasks == 1 ? parts.get(0) : tf.concat(parts, tf.constant(0)); // [B, D] on the chief
  }

  private Operand<TInt32> bound(Ops tf, Operand<TInt32> batch, int k) {
    return tf.math.floorDiv(tf.math.mul(batch, tf.constant(k)), tf.constant(tasks)); // [] ⌊k·B/N⌋
  }

  /** A tower: ids and mask {@code [b, L]} → embeddings {@code [b, D]}. */
  @FunctionalInterface
  public interface Tower {
    Operand<TFloat32> apply(Operand<TInt32> ids, Operand<TInt32> mask);
  }
}
