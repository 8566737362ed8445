package dev.softinfonce.config;

/**
 * {@code train.grad_cache}: the gradient cache (Gao et al. 2021), which trains on a batch of
 * {@code train.batch_size} pairs while holding the activations of only {@code chunk_size} of them.
 *
 * @param chunkSize pairs encoded at once; 0 (the default) encodes the whole batch in one pass
 */
public record GradCacheConfig(
    @Field(value = "0", min = 0, help = "encode the batch in chunks of this many pairs with a gradient cache"
        + " (same update, less memory; 0 = off)") int chunkSize) {

  /** Whether the gradient cache is on. */
  public boolean enabled() {
    return chunkSize > 0;
  }
}
