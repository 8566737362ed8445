package dev.softinfonce.model;

import dev.softinfonce.config.ModelConfig;
import dev.softinfonce.config.Precision;
import dev.softinfonce.nn.L2Normalize;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Variable;
import org.tensorflow.op.linalg.MatMul;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * The bi-encoder: a query tower and a code tower (one shared {@link TransformerEncoder}, the paper's
 * setting, or two with variable prefixes {@code query.} and {@code code.}), and the similarity head
 * {@code scores(q, c) = q·cᵀ / τ}, optionally over L2-normalised embeddings (cosine), with τ fixed or
 * learnt as the variable {@code logit_scale} = log(1/τ) (CLIP style; scores = q·cᵀ · exp(logit_scale)).
 * The paper's default is the raw dot product (no normalisation, τ = 1).
 *
 * <p>Placeholders belong to the caller; the encoder takes operands. A name prefix lets a second,
 * frozen encoder (an estimator) live in the same graph without name clashes.
 */
public final class DualEncoder {
  /** Name of the learnable temperature variable (log 1/τ), after the prefix. */
  public static final String LOGIT_SCALE = "logit_scale";

  private final Ops tf;
  private final ModelConfig cfg;
  private final TransformerEncoder<TFloat32> queryTower;
  private final TransformerEncoder<TFloat32> codeTower;
  private final Variable<TFloat32> logitScale; // scalar, null unless learn_temperature
  private final Map<String, Variable<?>> variables = new LinkedHashMap<>();
  private final String prefix;

  /** A dual encoder whose variables carry no prefix (shared towers) or {@code query.}/{@code code.}. */
  public DualEncoder(Ops tf, ModelConfig cfg, boolean training, long seed) {
    this(tf, cfg, training, seed, "");
  }

  /**
   * @param prefix prepended to every variable name, e.g. {@code estimator.simcse.}; no {@code /}
   */
  public DualEncoder(Ops tf, ModelConfig cfg, boolean training, long seed, String prefix) {
    this(tf, cfg, training, seed, prefix, Precision.FP32);
  }

  /**
   * @param precision the towers' compute ({@link Precision#BF16}: bf16 matmuls; variables, embeddings and
   *     scores stay float32)
   */
  public DualEncoder(Ops tf, ModelConfig cfg, boolean training, long seed, String prefix, Precision precision) {
    if (prefix.contains("/")) {
      throw new IllegalArgumentException("variable prefix must not contain '/': " + prefix);
    }
    this.tf = tf;
    this.cfg = cfg;
    this.prefix = prefix;
    if (cfg.sharedTowers()) {
      queryTower = new TransformerEncoder<>(tf, cfg, TFloat32.class, prefix, training, seed, precision);
      codeTower = queryTower;
      variables.putAll(queryTower.variables());
    } else {
      queryTower = new TransformerEncoder<>(tf, cfg, TFloat32.class, prefix + "query.", training, seed,
          precision);
      codeTower = new TransformerEncoder<>(tf, cfg, TFloat32.class, prefix + "code.", training, seed + 1,
          precision);
      variables.putAll(queryTower.variables());
      variables.putAll(codeTower.variables());
    }
    if (cfg.learnTemperature()) {
      float init = (float) Math.log(1.0 / cfg.temperature());
      logitScale = tf.withName(prefix + LOGIT_SCALE).variable(tf.withInitScope().constant(init));
      variables.put(prefix + LOGIT_SCALE, logitScale);
    } else {
      logitScale = null;
    }
  }

  /** A view of {@code of} sharing its towers' variables and temperature, with dropout off. */
  private DualEncoder(DualEncoder of, Precision precision) {
    this.tf = of.tf;
    this.cfg = of.cfg;
    this.prefix = of.prefix;
    this.queryTower = of.queryTower.withoutDropout(precision);
    this.codeTower = of.cfg.sharedTowers() ? queryTower : of.codeTower.withoutDropout(precision);
    this.logitScale = of.logitScale;
    this.variables.putAll(of.variables);
  }

  /**
   * The same model in inference mode (no dropout) over the same variables: what validation in the
   * training session encodes with, so it always sees the weights of the latest step; {@code precision}
   * is the view's compute.
   */
  public DualEncoder withoutDropout(Precision precision) {
    return new DualEncoder(this, precision);
  }

  /** Static factory mirroring the constructor, for call sites that prefer one. */
  public static DualEncoder create(Ops tf, ModelConfig cfg, boolean training, long seed) {
    return new DualEncoder(tf, cfg, training, seed);
  }

  /** Query embeddings {@code [B, D]} from {@code ids [B, L]}, {@code mask [B, L]}; normalised if configured. */
  public Operand<TFloat32> encodeQuery(Operand<TInt32> ids, Operand<TInt32> mask) {
    return maybeNormalize(queryTower.encode(ids, mask));
  }

  /** Code embeddings {@code [B, D]}; normalised if configured. */
  public Operand<TFloat32> encodeCode(Operand<TInt32> ids, Operand<TInt32> mask) {
    return maybeNormalize(codeTower.encode(ids, mask));
  }

  /** {@code q [B, D]}, {@code c [C, D]} → {@code [B, C]} = q·cᵀ / τ (or × exp(logit_scale)): {@link Similarity}. */
  public Operand<TFloat32> scores(Operand<TFloat32> q, Operand<TFloat32> c) {
    Operand<TFloat32> s = tf.linalg.matMul(q, c, MatMul.transposeB(true)); // [B, C]
    if (logitScale != null) {
      return tf.math.mul(s, tf.math.exp(logitScale)); // [B, C]
    }
    if (cfg.temperature() != 1.0) {
      return tf.math.mul(s, tf.constant((float) (1.0 / cfg.temperature()))); // [B, C]
    }
    return s;
  }

  private Operand<TFloat32> maybeNormalize(Operand<TFloat32> e) {
    if (!cfg.normalize()) {
      return e;
    }
    return L2Normalize.rows(tf, e); // [B, D], unit rows
  }

  /** This model's similarity head ({@link #scores} builds it), as export, index and eval read it. */
  public Similarity similarity() {
    return Similarity.of(cfg);
  }

  /** Every trainable variable (towers, then {@code logit_scale}), full name → variable, in creation order. */
  public Map<String, Variable<?>> variables() {
    return Collections.unmodifiableMap(variables);
  }

  /** The tower variables only (no {@code logit_scale}): what a pretrained encoder checkpoint provides. */
  public Map<String, Variable<?>> encoderVariables() {
    Map<String, Variable<?>> m = new LinkedHashMap<>(variables);
    m.remove(prefix + LOGIT_SCALE);
    return Collections.unmodifiableMap(m);
  }

  /** The name prefix given at construction ("" by default). */
  public String prefix() {
    return prefix;
  }

  public TransformerEncoder<TFloat32> queryTower() {
    return queryTower;
  }

  public TransformerEncoder<TFloat32> codeTower() {
    return codeTower;
  }

  public ModelConfig config() {
    return cfg;
  }
}
