package dev.softinfonce.bench;

import dev.softinfonce.config.ExperimentConfig;
import dev.softinfonce.config.ModelConfig;
import dev.softinfonce.data.CodeHash;
import dev.softinfonce.estimator.EmbeddingCache;
import dev.softinfonce.estimator.EmbeddingTables;
import dev.softinfonce.estimator.EstimatorGraph;
import dev.softinfonce.train.GradCacheStep;
import dev.softinfonce.train.StepOutputs;
import dev.softinfonce.train.TrainingGraph;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.function.Consumer;
import org.tensorflow.Graph;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.StdArrays;
import org.tensorflow.proto.RunOptions;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;

/**
 * One config's real training graph ({@link TrainingGraph}: dual encoder with dropout, estimator,
 * objective, AdamW with clipping and a fed learning rate) in its own session, with a pool of pre-built
 * random batches (so drawing ids and copying them into tensors stays outside the timed region), stepping
 * through the pool in a cycle and feeding the step number as the dropout seed, as the trainer does.
 *
 * <p>What differs from a real run, and why it does not change the cost of a step: ids are random
 * ({@link SyntheticBatch}); no two codes are equal (the duplicate mask is the identity); frozen estimator
 * models (SimCSE encoder, trained model) have the trainee's architecture with random weights instead of
 * a loaded checkpoint, and read the trainee's ids as their own tokenization; the cached table holds
 * random embeddings for {@value #CACHE_ROWS} training examples; BM25 ignores only the padding id and
 * uses the expected real query length as its average document length.
 *
 * <p>Closing it closes every tensor, the session and the graph.
 */
public final class StepRunner implements AutoCloseable {
  /** Batches drawn per runner and cycled through. */
  static final int POOL = 8;
  /** Rows of the cached trained-model table (a training set of this size). */
  static final int CACHE_ROWS = 20_000;

  private final Graph graph;
  private final Session session;
  private final TrainingGraph step;
  private final TBool sameCode;
  private final List<TInt32[]> batches = new ArrayList<>(); // {qIds, qMask, cIds, cMask, index}
  private final long[] realTokens;
  private final TFloat32 learningRate;
  private final int batchSize;
  private int next;
  private long stepCount;
  private float lastLoss = Float.NaN;

  /**
   * Builds the graph of {@code cfg}, opens a session with {@code threads} intra-op threads and draws
   * {@value #POOL} batches of {@code train.batch_size} pairs with widths {@code model.max_query_length}
   * and {@code model.max_code_length} (lengths as {@link SyntheticBatch}), from {@code dataSeed}.
   */
  public StepRunner(ExperimentConfig cfg, int threads, long dataSeed) {
    ModelConfig m = cfg.model();
    int b = cfg.train().batchSize();
    batchSize = b;
    graph = new Graph();
    try {
      step = TrainingGraph.build(graph, cfg, new EstimatorGraph.Resources(Set.of(m.padTokenId()),
          SyntheticBatch.expectedLength(m.maxQueryLength()), CACHE_ROWS, m));
      session = new Session(graph, MatmulPeak.sessionConfig(threads));
      if (step.estimator.cache != null) {
        fillCache(step.estimator.cache, dataSeed);
      }
      long[] distinct = new long[b];
      for (int j = 0; j < b; j++) {
        distinct[j] = j;
      }
      sameCode = TBool.tensorOf(StdArrays.ndCopyOf(CodeHash.sameCodeMatrix(distinct))); // [B, B] identity
      Random rnd = new Random(dataSeed);
      realTokens = new long[POOL];
      for (int i = 0; i < POOL; i++) {
        SyntheticBatch q = SyntheticBatch.draw(rnd, b, m.maxQueryLength(), m.vocabSize(), m.padTokenId());
        SyntheticBatch c = SyntheticBatch.draw(rnd, b, m.maxCodeLength(), m.vocabSize(), m.padTokenId());
        int[] idx = new int[b];
        for (int j = 0; j < b; j++) {
          idx[j] = rnd.nextInt(CACHE_ROWS);
        }
        batches.add(new TInt32[] {TInt32.tensorOf(StdArrays.ndCopyOf(q.ids())), TInt32.tensorOf(StdArrays.ndCopyOf(q.mask())),
            TInt32.tensorOf(StdArrays.ndCopyOf(c.ids())), TInt32.tensorOf(StdArrays.ndCopyOf(c.mask())),
            TInt32.vectorOf(idx)});
        realTokens[i] = q.realTokens() + c.realTokens();
      }
      learningRate = TFloat32.scalarOf((float) cfg.train().learningRate());
    } catch (RuntimeException e) {
      close();
      throw e;
    }
  }

  private void fillCache(EmbeddingCache cache, long seed) {
    Random rnd = new Random(seed + 3);
    float[][] q = new float[(int) cache.rows()][(int) cache.dim()];
    float[][] c = new float[(int) cache.rows()][(int) cache.dim()];
    for (int i = 0; i < q.length; i++) {
      for (int j = 0; j < q[i].length; j++) {
        q[i][j] = (float) rnd.nextGaussian();
        c[i][j] = (float) rnd.nextGaussian();
      }
    }
    cache.load(session, new EmbeddingTables(q, c));
  }

  /**
   * Runs one training step on the next pooled batch.
   *
   * @return {wall seconds of the session run, real (non-pad) tokens of the batch}
   */
  public double[] step() {
    return step(null);
  }

  /** Runs one training step with {@code FULL_TRACE} and returns where its time went, by op type. */
  public StepProfile profileStep() {
    StepProfile[] out = new StepProfile[1];
    step(out);
    return out[0];
  }

  private double[] step(StepProfile[] profile) {
    TInt32[] t = batches.get(next);
    long tokens = realTokens[next];
    next = (next + 1) % batches.size();
    StepOutputs o = step.outputs();
    try (TInt64 seed = TInt64.scalarOf(stepCount++)) {
      Consumer<Session.Runner> feed = r -> {
        r.feed(step.queryIds, t[0]).feed(step.queryMask, t[1])
            .feed(step.codeIds, t[2]).feed(step.codeMask, t[3]).feed(step.sameCode, sameCode)
            .feed(step.exampleIndex, t[4]).feed(o.update().learningRate(), learningRate).feed(o.stepSeed(), seed);
        if (step.estimator.needsTokens()) {
          r.feed(step.estimator.queryIds, t[0]).feed(step.estimator.queryMask, t[1])
              .feed(step.estimator.codeIds, t[2]).feed(step.estimator.codeMask, t[3]);
        }
      };
      if (o.gradCache() != null) { // train.grad_cache: 2·⌈B/K⌉ + 2 session runs per step, timed together
        if (profile != null) {
          throw new IllegalArgumentException("--profile traces one session run; a train.grad_cache step makes "
              + (2 * ((batchSize + o.gradCache().chunkSize() - 1) / o.gradCache().chunkSize()) + 2)
              + "; profile without train.grad_cache.chunk_size");
        }
        long t0 = System.nanoTime();
        lastLoss = GradCacheStep.step(session, o.gradCache(), batchSize, feed, List.of(o.loss()))[0];
        return new double[] {checkedLoss(System.nanoTime() - t0), tokens};
      }
      var runner = session.runner();
      feed.accept(runner);
      runner.addTarget(o.update().train()).fetch(o.loss());
      if (profile != null) {
        runner.setOptions(RunOptions.newBuilder().setTraceLevel(RunOptions.TraceLevel.FULL_TRACE).build());
      }
      return timed(runner, tokens, profile);
    }
  }

  private double[] timed(Session.Runner runner, long tokens, StepProfile[] profile) {
    long t0 = System.nanoTime();
    try (Result r = profile != null ? runner.runAndFetchMetadata() : runner.run()) {
      long dt = System.nanoTime() - t0;
      if (profile != null) {
        profile[0] = StepProfile.of(r.getMetadata().orElseThrow(), dt / 1e6);
      }
      lastLoss = ((TFloat32) r.get(0)).getFloat();
      return new double[] {checkedLoss(dt), tokens};
    }
  }

  /** {@code nanos} in seconds, once the last loss is known to be finite. */
  private double checkedLoss(long nanos) {
    if (!Float.isFinite(lastLoss)) {
      throw new IllegalStateException("benchmark step produced loss " + lastLoss);
    }
    return nanos / 1e9;
  }

  /** The loss of the last step (a sanity figure: the step really trains). */
  public float lastLoss() {
    return lastLoss;
  }

  @Override
  public void close() {
    for (TInt32[] ts : batches) {
      for (TInt32 t : ts) {
        t.close();
      }
    }
    if (sameCode != null) {
      sameCode.close();
    }
    if (learningRate != null) {
      learningRate.close();
    }
    if (session != null) {
      session.close();
    }
    graph.close();
  }
}
