package dev.softinfonce.config;

import java.util.List;

/**
 * The training loop: AdamW with a fed learning rate, schedule, clipping, checkpoints and logging.
 * {@code gradCache} is the subsection {@code train.grad_cache} ({@link GradCacheConfig}).
 */
public record TrainConfig(
    @Field(value = "runs/default", help = "run directory: checkpoints, metrics.jsonl, events", path = true) String outputDir,
    @Field(value = "1234", help = "seed for init, dropout and shuffling") long seed,
    @Field(value = "32", min = 2, help = "pairs per batch N (N-1 in-batch negatives)") int batchSize,
    @Field(value = "1", min = 0, help = "epochs (ignored when max_steps > 0)") int epochs,
    @Field(value = "0", min = 0, help = "stop after this many steps (0 = epochs decide)") int maxSteps,
    @Field(value = "5e-4", min = 0, minExclusive = true, help = "peak learning rate") double learningRate,
    @Field(value = "0", min = 0, help = "linear warm-up steps") int warmupSteps,
    @Field(value = "linear", help = "constant | linear | cosine decay after warm-up") Schedule schedule,
    @Field(value = "0.01", min = 0, help = "decoupled weight decay (not on biases, layer norms)") double weightDecay,
    @Field(value = "0.9", min = 0, max = 1, help = "Adam beta1") double adamBeta1,
    @Field(value = "0.999", min = 0, max = 1, help = "Adam beta2") double adamBeta2,
    @Field(value = "1e-8", min = 0, minExclusive = true, help = "Adam epsilon") double adamEps,
    @Field(value = "1.0", min = 0, help = "global-norm gradient clipping (0 = off)") double gradClip,
    @Field(value = "10", min = 1, help = "log every N steps") int logEvery,
    @Field(value = "200", min = 1, help = "checkpoint every N steps (and at each epoch end)") int checkpointEvery,
    @Field(value = "3", min = 1, help = "keep the last K checkpoints (plus the best)") int keepCheckpoints,
    @Field(value = "0", min = 0, help = "validate every N steps (0 = at epoch ends only)") int evalEvery,
    @Field(value = "2", min = 1, help = "TF intra-op threads") int threads,
    @Field(value = "fp32", help = "fp32 | bf16 (mixed: bf16 matmuls, fp32 variables, AdamW, loss, checkpoints)")
        Precision precision,
    @Field(value = "true", help = "show a terminal progress bar") boolean progress,
    @Field(value = "[]", help = "multi-worker: host:port of each worker, task 0 = this chief (else env"
        + " SOFTINFONCE_CLUSTER / TF_CONFIG; see ClusterSpec)") List<String> cluster,
    @Field(value = "120", min = 1, help = "multi-worker: seconds a step may wait on the workers before the chief"
        + " stops naming the one that is gone") int clusterTimeout,
    GradCacheConfig gradCache) {

  /** Learning-rate decay after warm-up. */
  public enum Schedule { CONSTANT, LINEAR, COSINE }
}
