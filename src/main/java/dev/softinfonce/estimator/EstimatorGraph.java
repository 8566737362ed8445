package dev.softinfonce.estimator;

import dev.softinfonce.config.EstimatorConfig;
import dev.softinfonce.config.ExperimentConfig;
import dev.softinfonce.config.ModelConfig;
import dev.softinfonce.model.DualEncoder;
import dev.softinfonce.model.InferenceModel;
import dev.softinfonce.model.PretrainedCheckpoint;
import dev.softinfonce.text.TokenizedBatch;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import org.tensorflow.Operand;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.StdArrays;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * The estimator side of a training graph, wired from config by one call: {@link #build} adds the
 * estimator's own placeholders, its frozen encoder or embedding cache, the trained model's scorer and
 * the relevance op {@code sim [B, B]}; {@link #feed} feeds a batch's estimator inputs and
 * {@link #restore} loads the frozen weights or tables after the session opens.
 *
 * <pre>
 * estimator.name   graph side                                           per step          after session opens
 * uniform, self    nothing (self reads the live scores)                 -                 -
 * bm25             reads the trainee's query (or code) ids              -                 -
 * simcse           frozen DualEncoder "estimator.model.*" + its ids     estimator ids     restore weights
 * trained online   frozen DualEncoder + its ids, scored by its own head estimator ids     restore weights
 * trained cached   EmbeddingCache tables [N, D], gathered by example    example index     load tables
 * </pre>
 *
 * Frozen encoders are {@link DualEncoder}s in inference mode whose variables start with
 * {@link #ENCODER_PREFIX}; the trainer's optimizer skips them
 * ({@link RelevanceEstimator#isEstimatorVariable}). They read token ids of their own tokenizer,
 * which may differ from the trainee's ({@link EstimatorData}). Builds graph only; {@link #feed} and
 * {@link #restore} are the only methods that touch a session.
 */
public final class EstimatorGraph {
  /** Prefix of the frozen estimator encoder's variables. */
  public static final String ENCODER_PREFIX = "estimator.model.";

  /**
   * What the estimator needs besides the config.
   *
   * @param specialIds token ids BM25 ignores (the tokenizer's special tokens and padding)
   * @param averageDocumentLength BM25's avgdl over the training set (its docstrings, or code); NaN if not BM25
   * @param trainSize number of training examples (rows of the cached trained-model tables)
   * @param estimatorModel model config of the frozen estimator encoder (simcse / trained), else null
   */
  public record Resources(Set<Integer> specialIds, double averageDocumentLength, int trainSize,
      ModelConfig estimatorModel) {}

  /**
   * The trainee's side of a batch, which the estimator may read instead of inputs of its own.
   *
   * @param queryIds [B, Lq] and {@code queryMask}: the trainee's query tokens (BM25's queries and docstrings)
   * @param codeIds [B, Lc] and {@code codeMask}: the trainee's code tokens (BM25 {@code field: code})
   * @param exampleIndex [B] training-set row of each pair (cached tables)
   * @param liveScores [B, B] the trainee's scores ({@code self})
   */
  public record TraineeInputs(Operand<TInt32> queryIds, Operand<TInt32> queryMask, Operand<TInt32> codeIds,
      Operand<TInt32> codeMask, Operand<TInt32> exampleIndex, Operand<TFloat32> liveScores) {}

  /** Estimator-tokenizer ids and masks [B, L], only for simcse / trained online; null otherwise. */
  public final Placeholder<TInt32> queryIds;
  public final Placeholder<TInt32> queryMask;
  public final Placeholder<TInt32> codeIds;
  public final Placeholder<TInt32> codeMask;
  /** The frozen estimator encoder, or null. */
  public final DualEncoder encoder;
  /** Cached trained-model tables, or null. */
  public final EmbeddingCache cache;
  public final RelevanceEstimator estimator;
  /** [B, B] the estimator's raw scores, under stopGradient. */
  public final Operand<TFloat32> relevance;
  private final EstimatorConfig config;

  private EstimatorGraph(Ops tf, ExperimentConfig cfg, Resources res, TraineeInputs trainee) {
    config = cfg.estimator();
    EstimatorConfig.Name name = config.name();
    boolean frozen = name == EstimatorConfig.Name.SIMCSE
        || (name == EstimatorConfig.Name.TRAINED && config.mode() == EstimatorConfig.Mode.ONLINE);
    EstimatorResources.Builder rb = EstimatorResources.builder().ignoredTokenIds(res.specialIds());
    if (!Double.isNaN(res.averageDocumentLength())) { // NaN: not computed (only BM25 needs it)
      rb.averageDocumentLength(res.averageDocumentLength());
    }
    if (frozen) {
      queryIds = ids(tf, "estimator_query_ids");
      queryMask = ids(tf, "estimator_query_mask");
      codeIds = ids(tf, "estimator_code_ids");
      codeMask = ids(tf, "estimator_code_mask");
      encoder = new DualEncoder(tf, res.estimatorModel(), false, 0, ENCODER_PREFIX, cfg.train().precision());
      rb.sentenceEncoder(encoder::encodeQuery).queryEncoder(encoder::encodeQuery).codeEncoder(encoder::encodeCode);
    } else {
      queryIds = queryMask = codeIds = codeMask = null;
      encoder = null;
    }
    if (name == EstimatorConfig.Name.TRAINED && config.mode() == EstimatorConfig.Mode.CACHED) {
      cache = EmbeddingCache.create(tf, res.trainSize(), res.estimatorModel().hiddenSize());
      rb.embeddingCache(cache);
    } else {
      cache = null;
    }
    if (name == EstimatorConfig.Name.TRAINED) {
      rb.scorer(trainedScorer(res.estimatorModel()));
    }
    estimator = Estimators.create(config, rb.build());
    relevance = estimator.sim(tf, inputs(trainee)); // [B, B], stopGradient inside
  }

  /** Builds the estimator of {@code cfg} into {@code tf}'s graph, reading {@code trainee} where it has no inputs of its own. */
  public static EstimatorGraph build(Ops tf, ExperimentConfig cfg, Resources res, TraineeInputs trainee) {
    return new EstimatorGraph(tf, cfg, res, trainee);
  }

  /**
   * The trained model scores pairs as it was trained to: q·c / τ of its own head. With a cosine model
   * (normalize, τ = 0.05) the raw q·c lies in [-1, 1] and softmax(sim / t) at the paper's t = 5 would
   * be flat, i.e. uniform weights; the paper's models score with unnormalised dot products.
   */
  private PairScorer trainedScorer(ModelConfig model) {
    if (encoder != null) {
      DualEncoder head = encoder; // online: its own scores(), learnt τ included
      return (ops, q, c) -> head.scores(q, c); // [B, B]
    }
    if (model.learnTemperature()) {
      throw new IllegalArgumentException("estimator.mode: cached does not support an estimator model with a learnt"
          + " temperature (model.learn_temperature in " + config.model() + "); use mode online");
    }
    double scale = 1.0 / model.temperature();
    return (ops, q, c) -> ops.math.mul(PairScorer.dot().scores(ops, q, c), ops.constant((float) scale)); // [B, B]
  }

  private EstimatorInputs inputs(TraineeInputs t) {
    EstimatorInputs.Builder b = EstimatorInputs.builder().exampleIndex(t.exampleIndex()).liveScores(t.liveScores());
    if (queryIds != null) {
      // The frozen encoder reads its own tokenization of the query (rows) and of the docstring / code (columns).
      return b.query(queryIds, queryMask).docstring(queryIds, queryMask).code(codeIds, codeMask).build();
    }
    return b.query(t.queryIds(), t.queryMask()).docstring(t.queryIds(), t.queryMask())
        .code(t.codeIds(), t.codeMask()).build();
  }

  /** The relevance an objective reads: null for {@code uniform} ("no estimator", every objective's plain form). [B, B] */
  public Operand<TFloat32> objectiveRelevance() {
    return config.name() == EstimatorConfig.Name.UNIFORM ? null : relevance;
  }

  /** Whether a step feeds the estimator-tokenizer placeholders. */
  public boolean needsTokens() {
    return queryIds != null;
  }

  /** Whether a step feeds the trainee's example index. */
  public boolean needsExampleIndex() {
    return estimator.inputs().contains(EstimatorInput.EXAMPLE_INDEX);
  }

  /** Feeds the estimator's own token ids of training rows {@code rows}, if it has any; the tensors go to {@code open}. */
  public void feed(Session.Runner r, int[] rows, EstimatorData data, List<Tensor> open) {
    if (!needsTokens()) {
      return;
    }
    TokenizedBatch q = data.queries().batch(rows);
    TokenizedBatch c = data.codes().batch(rows);
    r.feed(queryIds, ints(open, q.ids())).feed(queryMask, ints(open, q.mask()))
        .feed(codeIds, ints(open, c.ids())).feed(codeMask, ints(open, c.mask()));
  }

  /** Loads the frozen encoder's weights or the cached tables from {@code data}; reports each to {@code out}. */
  public void restore(Session s, Ops tf, EstimatorData data, Consumer<String> out) {
    if (encoder != null) {
      int n = PretrainedCheckpoint.restore(s, tf, encoder.variables(), InferenceModel.variablesPrefix(data.dir()),
          ENCODER_PREFIX);
      out.accept("estimator " + config.name().name().toLowerCase() + ": loaded " + n + " frozen tensors from "
          + data.dir());
    }
    if (cache != null) {
      cache.load(s, data.tables());
      out.accept("estimator trained (cached): " + data.tables().rows() + " x " + data.tables().dim() + " embeddings");
    }
  }

  private static TInt32 ints(List<Tensor> open, int[][] a) {
    TInt32 t = TInt32.tensorOf(StdArrays.ndCopyOf(a));
    open.add(t);
    return t;
  }

  private static Placeholder<TInt32> ids(Ops tf, String name) {
    return tf.withName(name).placeholder(TInt32.class, Placeholder.shape(Shape.of(-1, -1)));
  }
}
