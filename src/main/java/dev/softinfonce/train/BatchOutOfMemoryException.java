package dev.softinfonce.train;

import dev.softinfonce.config.ExperimentConfig;
import org.tensorflow.exceptions.TFResourceExhaustedException;

/**
 * A training step ran out of memory: TensorFlow could not allocate a tensor
 * ({@link TFResourceExhaustedException}, "OOM when allocating tensor ...") or the JVM heap is exhausted
 * ({@link OutOfMemoryError}). The message names what sizes the step's tensors, the batch size and both
 * maximum lengths, and what to lower. TF also reports a full disk as resource exhausted; that one is not
 * an out-of-memory and is left as it is.
 */
public final class BatchOutOfMemoryException extends RuntimeException {
  private BatchOutOfMemoryException(String message, Throwable cause) {
    super(message, cause);
  }

  /** Whether {@code e} is an out-of-memory of TF's allocator or of the JVM heap (not a full disk). */
  public static boolean isOutOfMemory(Throwable e) {
    return e instanceof OutOfMemoryError || (e instanceof TFResourceExhaustedException
        && (e.getMessage() == null || !e.getMessage().contains("No space left on device")));
  }

  /** The out-of-memory {@code e} of a training step of {@code cfg}, worded for the user. */
  public static BatchOutOfMemoryException of(ExperimentConfig cfg, long step, Throwable e) {
    String first = String.valueOf(e.getMessage()).lines().findFirst().orElse("");
    String what = e instanceof OutOfMemoryError ? "the JVM heap is exhausted (" + first + ")"
        : "TensorFlow could not allocate memory (" + first + ")";
    return new BatchOutOfMemoryException("out of memory in training step " + step + " with train.batch_size "
        + cfg.train().batchSize() + ", model.max_query_length " + cfg.model().maxQueryLength()
        + " and model.max_code_length " + cfg.model().maxCodeLength() + ": " + what + "; use a smaller"
        + " train.batch_size or shorter maximum lengths, or set train.grad_cache.chunk_size to encode the batch in"
        + " chunks" + (e instanceof OutOfMemoryError ? " (or give the JVM more with JAVA_OPTS=-Xmx...)" : ""), e);
  }
}
