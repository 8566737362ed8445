package dev.softinfonce.train;

import dev.softinfonce.config.ExperimentConfig;
import dev.softinfonce.config.ObjectiveConfig;
import dev.softinfonce.corpus.PreparedCorpus;
import dev.softinfonce.distributed.Shards;
import dev.softinfonce.estimator.EstimatorData;
import dev.softinfonce.estimator.EstimatorGraph;
import dev.softinfonce.estimator.RelevanceEstimator;
import dev.softinfonce.model.DualEncoder;
import dev.softinfonce.nn.Dropout;
import dev.softinfonce.objective.Objective;
import dev.softinfonce.objective.ObjectiveOutputs;
import dev.softinfonce.objective.Objectives;
import java.util.List;
import java.util.function.Consumer;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;

/**
 * The training graph of one query–code config, built once and fed per step:
 *
 * <pre>
 * query ids/mask [B,Lq] ─► query tower ─► q [B,D] ─┐
 * code ids/mask  [B,Lc] ─► code tower  ─► c [B,D] ─┴► scores s = q·cᵀ/τ [B,B]
 * {@link EstimatorGraph} ─► relevance sim [B,B] (stopGradient) ─┐
 * same_code [B,B] (exact duplicates) ───────────────────────────┴► {@link Objective#build} ─► loss ─► AdamW (fed lr)
 * </pre>
 *
 * <p>The estimator wires itself ({@link EstimatorGraph#build}): its placeholders, frozen encoder
 * (variables {@code estimator.*}, which AdamW skips), cache and scorer. {@code objective.name: simcse}
 * has its own builder, {@link SimCseTrainingGraph}.
 *
 * <p>Dropout masks are keyed by the fed {@link Dropout#STEP_SEED}, so a step's randomness depends only
 * on (seed, step): resuming reproduces an uninterrupted run. On a cluster the towers run per shard on
 * the workers ({@link Shards}). Builds graph only; runs nothing.
 */
public final class TrainingGraph implements StepGraph {
  private final Graph graph;
  private final Ops tf;
  private final ExperimentConfig cfg;
  public final Placeholder<TInt32> queryIds;
  public final Placeholder<TInt32> queryMask;
  public final Placeholder<TInt32> codeIds;
  public final Placeholder<TInt32> codeMask;
  public final Placeholder<TInt32> exampleIndex;
  public final Placeholder<TBool> sameCode;
  public final DualEncoder encoder;
  /** The estimator side: its placeholders, frozen encoder or cache, and relevance op. */
  public final EstimatorGraph estimator;
  public final Objective objective;
  public final Operand<TFloat32> scores; // [B, B]
  public final Operand<TFloat32> relevance; // [B, B]
  /** Loss, weight statistics, update, gradient-cache plan, step seed and variables: what a step runs. */
  private final StepOutputs outputs;
  /**
   * Validation in the training session: ids and mask {@code [N, L]} of valid queries or pool code,
   * encoded by the trainee without dropout ({@link DualEncoder#withoutDropout}), which reads the same
   * variables the step updates; embeddings {@code [N, D]}.
   */
  public final Placeholder<TInt32> validationIds;
  public final Placeholder<TInt32> validationMask;
  public final Operand<TFloat32> validationQuery; // [N, D]
  public final Operand<TFloat32> validationCode; // [N, D]

  private TrainingGraph(Graph graph, ExperimentConfig cfg, EstimatorGraph.Resources res, Shards shards) {
    if (simcse(cfg)) {
      throw new IllegalArgumentException("objective.name: simcse is built by SimCseTrainingGraph, not TrainingGraph");
    }
    this.graph = graph;
    this.cfg = cfg;
    this.tf = shards == null ? Ops.create(graph) : shards.ops(graph);
    queryIds = ids("query_input_ids");
    queryMask = ids("query_attention_mask");
    codeIds = ids("code_input_ids");
    codeMask = ids("code_attention_mask");
    exampleIndex = tf.withName("example_index").placeholder(TInt32.class, Placeholder.shape(Shape.of(-1)));
    sameCode = tf.withName("same_code").placeholder(TBool.class, Placeholder.shape(Shape.of(-1, -1)));
    Operand<TInt64> stepSeed = Dropout.stepSeed(tf); // []

    encoder = new DualEncoder(tf, cfg.model(), true, cfg.train().seed(), "", cfg.train().precision());
    // train.grad_cache: the towers encode one chunk of rows at a time, the objective reads the whole
    // batch's embeddings from placeholders (GradCache); otherwise the towers encode the whole batch.
    GradCache cache = GradCache.of(tf, cfg.train().gradCache());
    // On a cluster (Shards) each task encodes its shard and the chief gathers them instead.
    List<Operand<TFloat32>> e = shards != null ? List.of(
        shards.encode(tf, queryIds, queryMask, encoder::encodeQuery), // [B, D]
        shards.encode(tf, codeIds, codeMask, encoder::encodeCode)) // [B, D]
        : cache.encode(rows -> List.of(
            encoder.encodeQuery(rows.apply(queryIds), rows.apply(queryMask)), // [B, D]
            encoder.encodeCode(rows.apply(codeIds), rows.apply(codeMask)))); // [B, D]
    scores = encoder.scores(e.get(0), e.get(1)); // [B, B]

    estimator = EstimatorGraph.build(tf, cfg, res,
        new EstimatorGraph.TraineeInputs(queryIds, queryMask, codeIds, codeMask, exampleIndex, scores));
    relevance = estimator.relevance; // [B, B]
    objective = Objectives.create(cfg.objective());
    ObjectiveOutputs<TFloat32> out = objective.build(tf, scores, estimator.objectiveRelevance(), sameCode);

    DualEncoder inference = encoder.withoutDropout(cfg.eval().precision()); // eval computes as eval.precision says
    validationIds = ids("validation_input_ids");
    validationMask = ids("validation_attention_mask");
    validationQuery = inference.encodeQuery(validationIds, validationMask); // [N, D]
    validationCode = inference.encodeCode(validationIds, validationMask); // [N, D]
    AdamW.Update update = cache.minimize(out.loss(), AdamW.builder().config(cfg.train())
        .trainable(name -> !RelevanceEstimator.isEstimatorVariable(name)).build());
    outputs = new StepOutputs(tf, cfg, out.loss(), out.stats(), update, cache.plan(), stepSeed, encoder.variables());
  }

  private Placeholder<TInt32> ids(String name) {
    return tf.withName(name).placeholder(TInt32.class, Placeholder.shape(Shape.of(-1, -1)));
  }

  /** Builds the training graph of {@code cfg} (a query–code objective) into {@code graph}. */
  public static TrainingGraph build(Graph graph, ExperimentConfig cfg, EstimatorGraph.Resources res) {
    return new TrainingGraph(graph, cfg, res, null);
  }

  /**
   * The same graph for a cluster: each task encodes its shard of the global batch on its own devices
   * and the embeddings are gathered on the chief for the objective and estimator ({@link Shards}).
   */
  public static TrainingGraph build(Graph graph, ExperimentConfig cfg, EstimatorGraph.Resources res, Shards shards) {
    if (shards != null && cfg.train().gradCache().enabled()) {
      throw new IllegalArgumentException("train.cluster with train.grad_cache.chunk_size "
          + cfg.train().gradCache().chunkSize() + ": the gradient cache does not run on a cluster yet (set one of them)");
    }
    return new TrainingGraph(graph, cfg, res, shards);
  }

  /** Whether {@code cfg} trains a SimCSE docstring encoder ({@code objective.name: simcse}). */
  public static boolean simcse(ExperimentConfig cfg) {
    return cfg.objective().name() == ObjectiveConfig.Name.SIMCSE;
  }

  public Graph graph() {
    return graph;
  }

  @Override
  public StepOutputs outputs() {
    return outputs;
  }









  /** Query and code tokens, the same-code mask, the example index and the estimator's own tokens. */
  @Override
  public void feed(Session.Runner r, PreparedCorpus.Batch batch, EstimatorData estimatorData, List<Tensor> open) {
    r.feed(queryIds, Trainer.keep(open, Trainer.ints(batch.query().ids())))
        .feed(queryMask, Trainer.keep(open, Trainer.ints(batch.query().mask())))
        .feed(codeIds, Trainer.keep(open, Trainer.ints(batch.code().ids())))
        .feed(codeMask, Trainer.keep(open, Trainer.ints(batch.code().mask())))
        .feed(sameCode, Trainer.keep(open, Trainer.bools(batch.sameCode())))
        .feed(exampleIndex, Trainer.keep(open, TInt32.vectorOf(batch.indices())));
    estimator.feed(r, batch.indices(), estimatorData, open);
  }

  @Override
  public void restoreFrozen(Session s, EstimatorData estimatorData, Consumer<String> out) {
    estimator.restore(s, tf, estimatorData, out);
  }
}
