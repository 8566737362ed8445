package dev.softinfonce.train;

import dev.softinfonce.config.EstimatorConfig;
import dev.softinfonce.config.ExperimentConfig;
import dev.softinfonce.config.ModelConfig;
import dev.softinfonce.config.ObjectiveConfig;
import dev.softinfonce.estimator.EmbeddingCache;
import dev.softinfonce.estimator.EstimatorInput;
import dev.softinfonce.estimator.EstimatorInputs;
import dev.softinfonce.estimator.EstimatorResources;
import dev.softinfonce.estimator.Estimators;
import dev.softinfonce.estimator.PairScorer;
import dev.softinfonce.estimator.RelevanceEstimator;
import dev.softinfonce.estimator.SimCseLoss;
import dev.softinfonce.model.DualEncoder;
import dev.softinfonce.nn.Dropout;
import dev.softinfonce.objective.Objective;
import dev.softinfonce.objective.Objectives;
import dev.softinfonce.objective.WeightStats;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;

/**
 * The whole training graph of one config, built once and fed per step:
 *
 * <pre>
 * query ids/mask [B,Lq] ─► query tower ─► q [B,D] ─┐
 * code ids/mask  [B,Lc] ─► code tower  ─► c [B,D] ─┴► scores s = q·cᵀ/τ [B,B]
 * estimator inputs ─► relevance sim [B,B] (stopGradient) ─┐
 * same_code [B,B] (exact duplicates) ─────────────────────┴► objective loss ─► AdamW (fed lr)
 * </pre>
 *
 * <p>Frozen estimator encoders (SimCSE, trained model) are second {@link DualEncoder}s in inference
 * mode whose variables start with {@code estimator.}; AdamW skips them, so they never change. They read
 * their own token ids ({@code estimator_query_ids}, {@code estimator_code_ids}), tokenized with the
 * estimator's tokenizer, which may differ from the trainee's.
 *
 * <p><b>{@code objective.name: simcse}</b> builds the SimCSE estimator's training graph instead: the
 * query placeholders (the training docstrings) go through the query tower twice, giving views
 * {@code z1, z2 [B,D]}; {@link #scores} are {@link SimCseLoss#logits} {@code cos(z1_i, z2_j)/t} and the loss
 * is their in-batch cross-entropy. Code is not read ({@link #readsCode()} is false), the estimator is
 * uniform and every negative weight is 1. The two views differ only in their dropout masks: each
 * {@code encodeQuery} call creates new dropout sites, and a site's mask is keyed by (step, seed, site).
 *
 * <p>Dropout masks are keyed by the fed {@link Dropout#STEP_SEED}, so a step's randomness depends only
 * on (seed, step): resuming reproduces an uninterrupted run. Builds graph only; runs nothing.
 */
public final class TrainingGraph {
  /** Prefix of the frozen estimator encoder's variables. */
  public static final String ESTIMATOR_PREFIX = "estimator.model.";

  /**
   * What the graph needs besides the config.
   *
   * @param specialIds token ids BM25 ignores (the tokenizer's special tokens and padding)
   * @param averageDocumentLength BM25's avgdl over the training set (its docstrings, or code); NaN if not BM25
   * @param trainSize number of training examples (rows of the cached trained-model tables)
   * @param estimatorModel model config of the frozen estimator encoder (simcse / trained), else null
   */
  public record Resources(Set<Integer> specialIds, double averageDocumentLength, int trainSize,
      ModelConfig estimatorModel) {}

  private final Graph graph;
  private final Ops tf;
  private final ExperimentConfig cfg;
  public final Placeholder<TInt32> queryIds;
  public final Placeholder<TInt32> queryMask;
  public final Placeholder<TInt32> codeIds;
  public final Placeholder<TInt32> codeMask;
  public final Placeholder<TInt32> exampleIndex;
  public final Placeholder<TBool> sameCode;
  /** Estimator-tokenizer ids, only for simcse / trained online; null otherwise. */
  public final Placeholder<TInt32> estimatorQueryIds;
  public final Placeholder<TInt32> estimatorQueryMask;
  public final Placeholder<TInt32> estimatorCodeIds;
  public final Placeholder<TInt32> estimatorCodeMask;
  public final Operand<TInt64> stepSeed;
  public final DualEncoder encoder;
  /** The frozen estimator encoder, or null. */
  public final DualEncoder estimatorEncoder;
  /** Cached trained-model tables, or null. */
  public final EmbeddingCache cache;
  public final RelevanceEstimator estimator;
  /** The query-code objective; null for simcse, whose loss is {@link SimCseLoss}. */
  public final Objective objective;
  /** simcse only: the two dropout views {@code [B, D]} of the docstrings; null otherwise. */
  public final Operand<TFloat32> view1;
  public final Operand<TFloat32> view2;
  public final Operand<TFloat32> scores; // [B, B]
  public final Operand<TFloat32> relevance; // [B, B]
  public final Operand<TFloat32> loss; // []
  public final WeightStats<TFloat32> weightStats;
  public final AdamW.Update update;
  /** With {@code train.grad_cache}: the runs of a step ({@link GradCacheStep}); null otherwise. */
  public final GradCache.Plan gradCache;
  /**
   * Validation in the training session (null for simcse): ids and mask {@code [N, L]} of valid queries or
   * pool code, encoded by the trainee without dropout ({@link DualEncoder#withoutDropout}), which reads
   * the same variables the step updates; embeddings {@code [N, D]}.
   */
  public final Placeholder<TInt32> validationIds;
  public final Placeholder<TInt32> validationMask;
  public final Operand<TFloat32> validationQuery; // [N, D]
  public final Operand<TFloat32> validationCode; // [N, D]

  private TrainingGraph(Graph graph, ExperimentConfig cfg, Resources res) {
    this.graph = graph;
    this.cfg = cfg;
    this.tf = Ops.create(graph);
    queryIds = ids("query_input_ids");
    queryMask = ids("query_attention_mask");
    codeIds = ids("code_input_ids");
    codeMask = ids("code_attention_mask");
    exampleIndex = tf.withName("example_index").placeholder(TInt32.class, Placeholder.shape(Shape.of(-1)));
    sameCode = tf.withName("same_code").placeholder(TBool.class, Placeholder.shape(Shape.of(-1, -1)));
    stepSeed = Dropout.stepSeed(tf);

    encoder = new DualEncoder(tf, cfg.model(), true, cfg.train().seed(), "", cfg.train().precision());
    SimCseLoss simcse = simcse(cfg) ? new SimCseLoss(cfg.objective().t()) : null;
    // With train.grad_cache the towers encode one chunk of rows at a time and the objective reads the
    // full-batch embeddings from placeholders (GradCache); otherwise the towers encode the whole batch.
    GradCache chunked = cfg.train().gradCache().enabled() ? GradCache.chunked(tf, cfg.train().gradCache().chunkSize())
        : null;
    java.util.function.Function<UnaryOperator<Operand<TInt32>>, List<Operand<TFloat32>>> towers = rows -> simcse != null
        // Each call adds new dropout sites (Dropout counts them), so the two views draw different masks.
        ? List.of(encoder.encodeQuery(rows.apply(queryIds), rows.apply(queryMask)), // [B, D]
            encoder.encodeQuery(rows.apply(queryIds), rows.apply(queryMask))) // [B, D]
        : List.of(encoder.encodeQuery(rows.apply(queryIds), rows.apply(queryMask)), // [B, D]
            encoder.encodeCode(rows.apply(codeIds), rows.apply(codeMask))); // [B, D]
    List<? extends Operand<TFloat32>> embedded = chunked != null ? chunked.encode(towers)
        : towers.apply(UnaryOperator.identity());
    if (simcse != null) {
      view1 = embedded.get(0); // [B, D]
      view2 = embedded.get(1); // [B, D]
      scores = simcse.logits(tf, view1, view2); // [B, B] cos / t
    } else {
      view1 = view2 = null;
      scores = encoder.scores(embedded.get(0), embedded.get(1)); // [B, B]
    }

    EstimatorConfig.Name est = cfg.estimator().name();
    boolean frozen = est == EstimatorConfig.Name.SIMCSE
        || (est == EstimatorConfig.Name.TRAINED && cfg.estimator().mode() == EstimatorConfig.Mode.ONLINE);
    EstimatorResources.Builder rb = EstimatorResources.builder()
        .ignoredTokenIds(res.specialIds());
    if (!Double.isNaN(res.averageDocumentLength())) { // NaN: not computed (only BM25 needs it)
      rb.averageDocumentLength(res.averageDocumentLength());
    }
    if (frozen) {
      estimatorQueryIds = ids("estimator_query_ids");
      estimatorQueryMask = ids("estimator_query_mask");
      estimatorCodeIds = ids("estimator_code_ids");
      estimatorCodeMask = ids("estimator_code_mask");
      estimatorEncoder = new DualEncoder(tf, res.estimatorModel(), false, 0, ESTIMATOR_PREFIX,
          cfg.train().precision());
      rb.sentenceEncoder(estimatorEncoder::encodeQuery)
          .queryEncoder(estimatorEncoder::encodeQuery).codeEncoder(estimatorEncoder::encodeCode);
    } else {
      estimatorQueryIds = estimatorQueryMask = estimatorCodeIds = estimatorCodeMask = null;
      estimatorEncoder = null;
    }
    if (est == EstimatorConfig.Name.TRAINED && cfg.estimator().mode() == EstimatorConfig.Mode.CACHED) {
      cache = EmbeddingCache.create(tf, res.trainSize(), res.estimatorModel().hiddenSize());
      rb.embeddingCache(cache);
    } else {
      cache = null;
    }
    if (est == EstimatorConfig.Name.TRAINED) {
      // The trained model scores pairs as it was trained to: q·c / τ of its own head. With a cosine model
      // (normalize, τ = 0.05) the raw q·c lies in [-1, 1] and softmax(sim / t) at the paper's t = 5 would
      // be flat, i.e. uniform weights; the paper's models score with unnormalised dot products.
      if (estimatorEncoder != null) {
        DualEncoder frozenHead = estimatorEncoder; // online: its own scores(), learnt τ included
        rb.scorer((ops, q2, c2) -> frozenHead.scores(q2, c2)); // [B, B]
      } else if (res.estimatorModel().learnTemperature()) {
        throw new IllegalArgumentException("estimator.mode: cached does not support an estimator model with a learnt"
            + " temperature (model.learn_temperature in " + cfg.estimator().model() + "); use mode online");
      } else {
        double scale = 1.0 / res.estimatorModel().temperature();
        rb.scorer((ops, q2, c2) -> ops.math.mul(PairScorer.dot().scores(ops, q2, c2),
            ops.constant((float) scale))); // [B, B]
      }
    }
    estimator = Estimators.create(cfg.estimator(), rb.build());
    relevance = estimator.sim(tf, estimatorInputs()); // [B, B], stopGradient inside

    if (simcse != null) {
      objective = null;
      loss = simcse.lossFromLogits(tf, scores); // []
      // SimCSE weighs every negative 1 (nothing clamped); logged like any other run.
      // Four distinct ops: a session run may not fetch one output twice.
      weightStats = new WeightStats<>(tf.constant(1f), tf.constant(1f), tf.constant(1f), tf.constant(0f));
    } else {
      objective = Objectives.create(cfg.objective());
      // Uniform relevance means "no estimator": pass null so every objective reduces to its plain form.
      Operand<TFloat32> rel = est == EstimatorConfig.Name.UNIFORM ? null : relevance;
      loss = objective.loss(tf, scores, rel, sameCode);
      weightStats = objective.weightStats(tf, scores, rel, sameCode);
    }
    if (simcse == null) {
      DualEncoder inference = encoder.withoutDropout(cfg.eval().precision()); // eval computes as eval.precision says
      validationIds = ids("validation_input_ids");
      validationMask = ids("validation_attention_mask");
      validationQuery = inference.encodeQuery(validationIds, validationMask); // [N, D]
      validationCode = inference.encodeCode(validationIds, validationMask); // [N, D]
    } else {
      validationIds = validationMask = null;
      validationQuery = validationCode = null;
    }
    AdamW adamw = AdamW.builder().config(cfg.train())
        .trainable(name -> !RelevanceEstimator.isEstimatorVariable(name)).build();
    gradCache = chunked != null ? chunked.update(loss, adamw) : null;
    update = gradCache != null ? gradCache.update() : adamw.minimize(tf, loss);
  }

  private EstimatorInputs estimatorInputs() {
    EstimatorInputs.Builder b = EstimatorInputs.builder().exampleIndex(exampleIndex).liveScores(scores);
    if (estimatorQueryIds != null) {
      // The frozen encoder reads its own tokenization of the query (rows) and of the docstring / code (columns).
      return b.query(estimatorQueryIds, estimatorQueryMask).docstring(estimatorQueryIds, estimatorQueryMask)
          .code(estimatorCodeIds, estimatorCodeMask).build();
    }
    return b.query(queryIds, queryMask).docstring(queryIds, queryMask).code(codeIds, codeMask).build();
  }

  private Placeholder<TInt32> ids(String name) {
    return tf.withName(name).placeholder(TInt32.class, Placeholder.shape(Shape.of(-1, -1)));
  }

  /** Builds the training graph of {@code cfg} into {@code graph}. */
  public static TrainingGraph build(Graph graph, ExperimentConfig cfg, Resources res) {
    return new TrainingGraph(graph, cfg, res);
  }

  public Graph graph() {
    return graph;
  }

  public Ops tf() {
    return tf;
  }

  public ExperimentConfig config() {
    return cfg;
  }

  /** Whether {@code cfg} trains a SimCSE docstring encoder ({@code objective.name: simcse}). */
  public static boolean simcse(ExperimentConfig cfg) {
    return cfg.objective().name() == ObjectiveConfig.Name.SIMCSE;
  }

  /** Whether a step feeds the code placeholders (false for simcse, which reads docstrings only). */
  public boolean readsCode() {
    return view1 == null;
  }

  /** Whether the estimator reads the estimator-tokenizer placeholders. */
  public boolean needsEstimatorTokens() {
    return estimatorQueryIds != null;
  }

  /** Whether a step feeds {@link #exampleIndex}. */
  public boolean needsExampleIndex() {
    return estimator.inputs().contains(EstimatorInput.EXAMPLE_INDEX);
  }

  /** The trainee's variables, HF names → variable. */
  public Map<String, Variable<?>> trainableVariables() {
    return encoder.variables();
  }
}
