package dev.softinfonce.train;

import dev.softinfonce.config.ExperimentConfig;
import dev.softinfonce.corpus.PreparedCorpus;
import dev.softinfonce.estimator.EstimatorData;
import dev.softinfonce.estimator.RelevanceEstimator;
import dev.softinfonce.model.DualEncoder;
import dev.softinfonce.nn.Dropout;
import dev.softinfonce.objective.SimCseLoss;
import dev.softinfonce.objective.WeightStats;
import java.util.List;
import java.util.function.Consumer;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;

/**
 * The training graph of {@code objective.name: simcse}: unsupervised SimCSE on the training docstrings,
 * which trains the SimCSE estimator's sentence encoder (paper §3.2).
 *
 * <pre>
 * query ids/mask [B,L] ─► query tower (dropout draw 1) ─► z1 [B,D] ─┐
 *                      └► query tower (dropout draw 2) ─► z2 [B,D] ─┴► scores cos(z1_i, z2_j)/t [B,B]
 *                                                                     ─► {@link SimCseLoss} ─► AdamW (fed lr)
 * </pre>
 *
 * Code is not read and there is no estimator: every negative weighs 1. The two views differ only in
 * their dropout masks: each {@code encodeQuery} call creates new dropout sites, and a site's mask is
 * keyed by (step, seed, site), so a step's randomness depends only on (seed, step) and a resumed run
 * reproduces an uninterrupted one. With {@code train.grad_cache} the two views are the cache's two tower
 * outputs ({@link GradCache}). Validation is {@link SimCseValidation}. Builds graph only; runs nothing.
 */
public final class SimCseTrainingGraph implements StepGraph {
  private final Ops tf;
  private final ExperimentConfig cfg;
  /** The training docstrings' ids and mask [B, L]. */
  public final Placeholder<TInt32> queryIds;
  public final Placeholder<TInt32> queryMask;
  public final DualEncoder encoder;
  /** The two dropout views [B, D] of the docstrings. */
  public final Operand<TFloat32> view1;
  public final Operand<TFloat32> view2;
  /** [B, B] {@link SimCseLoss#logits}: cos(z1_i, z2_j) / t. */
  public final Operand<TFloat32> scores;
  /** Loss, weight statistics, update, gradient-cache plan, step seed and variables: what a step runs. */
  private final StepOutputs outputs;

  private SimCseTrainingGraph(Graph graph, ExperimentConfig cfg) {
    this.cfg = cfg;
    this.tf = Ops.create(graph);
    queryIds = tf.withName("query_input_ids").placeholder(TInt32.class, Placeholder.shape(Shape.of(-1, -1)));
    queryMask = tf.withName("query_attention_mask").placeholder(TInt32.class, Placeholder.shape(Shape.of(-1, -1)));
    Operand<TInt64> stepSeed = Dropout.stepSeed(tf); // []
    encoder = new DualEncoder(tf, cfg.model(), true, cfg.train().seed(), "", cfg.train().precision());
    SimCseLoss simcse = new SimCseLoss(cfg.objective().t());
    // Each call adds new dropout sites (Dropout counts them), so the two views draw different masks.
    // train.grad_cache: the views are two tower outputs of the cache (chunked towers, placeholders [B, D]).
    GradCache cache = GradCache.of(tf, cfg.train().gradCache());
    List<Operand<TFloat32>> views = cache.encode(rows -> List.of(
        encoder.encodeQuery(rows.apply(queryIds), rows.apply(queryMask)), // [B, D]
        encoder.encodeQuery(rows.apply(queryIds), rows.apply(queryMask)))); // [B, D]
    view1 = views.get(0); // [B, D]
    view2 = views.get(1); // [B, D]
    scores = simcse.logits(tf, view1, view2); // [B, B] cos / t
    Operand<TFloat32> loss = simcse.lossFromLogits(tf, scores); // []
    // SimCSE weighs every negative 1 (nothing clamped); logged like any other run.
    // Five distinct ops: a session run may not fetch one output twice.
    WeightStats<TFloat32> weightStats = new WeightStats<>(tf.constant(1f), tf.constant(1f), tf.constant(1f),
        tf.constant(0f), tf.constant(0f));
    AdamW.Update update = cache.minimize(loss, AdamW.builder().config(cfg.train())
        .trainable(name -> !RelevanceEstimator.isEstimatorVariable(name)).build());
    outputs = new StepOutputs(tf, cfg, loss, weightStats, update, cache.plan(), stepSeed, encoder.variables());
  }

  @Override
  public StepOutputs outputs() {
    return outputs;
  }

  /** Builds the SimCSE training graph of {@code cfg} ({@code objective.name: simcse}) into {@code graph}. */
  public static SimCseTrainingGraph build(Graph graph, ExperimentConfig cfg) {
    if (!TrainingGraph.simcse(cfg)) {
      throw new IllegalArgumentException("SimCseTrainingGraph needs objective.name: simcse, got "
          + cfg.objective().name().name().toLowerCase());
    }
    return new SimCseTrainingGraph(graph, cfg);
  }









  /** Feeds the batch's docstrings (the query tower's tokens); code is not read. */
  @Override
  public void feed(Session.Runner r, PreparedCorpus.Batch batch, EstimatorData estimator, List<Tensor> open) {
    r.feed(queryIds, Trainer.keep(open, Trainer.ints(batch.query().ids())))
        .feed(queryMask, Trainer.keep(open, Trainer.ints(batch.query().mask())));
  }

  /** Nothing frozen. */
  @Override
  public void restoreFrozen(Session s, EstimatorData estimator, Consumer<String> out) {}
}
