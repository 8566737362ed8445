package dev.softinfonce.model;

import dev.softinfonce.config.ModelConfig;
import dev.softinfonce.config.Precision;
import dev.softinfonce.nn.ComputeType;
import dev.softinfonce.nn.Dense;
import dev.softinfonce.nn.Dropout;
import dev.softinfonce.nn.Embedding;
import dev.softinfonce.nn.FeedForward;
import dev.softinfonce.nn.LayerNorm;
import dev.softinfonce.nn.MultiHeadSelfAttention;
import dev.softinfonce.nn.Params;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.family.TFloating;

/**
 * A BERT / RoBERTa encoder built from ops, with Hugging Face state-dict variable names
 * ({@code embeddings.word_embeddings.weight}, {@code encoder.layer.3.attention.self.query.weight}, ...,
 * {@code pooler.dense.weight}), optionally under a prefix ({@code query.}, {@code estimator.simcse.}).
 *
 * <p>The constructor creates the variables once; {@link #hiddenStates} and {@link #encode} build the
 * forward pass and may be called several times (a shared tower encodes queries and code with the same
 * variables). Dense kernels are stored {@code [out, in]} as in PyTorch (see {@link Dense}).
 *
 * <p>Position ids: BERT uses {@code 0..L-1}; RoBERTa numbers real tokens from {@code pad_token_id + 1}
 * and gives padding {@code pad_token_id}, computed from {@code ids != pad_token_id} like HF's
 * {@code create_position_ids_from_input_ids}. Token type ids are all 0 (single segment). The
 * attention mask is additive on the attention logits.
 *
 * @param <T> float32 for training; float64 is used by the gradient check
 */
public final class TransformerEncoder<T extends TFloating> {

  private final Ops tf;
  private final ModelConfig cfg;
  private final Class<T> dtype;
  private final Class<? extends TFloating> compute; // the layers' matmul type (ComputeType)
  private final Params<T> params;
  private final Dropout<T> dropout;
  private final Embedding<T> wordEmbeddings;
  private final Embedding<T> positionEmbeddings;
  private final Embedding<T> tokenTypeEmbeddings; // null when type_vocab_size = 0
  private final LayerNorm<T> embeddingNorm;
  private final List<Layer<T>> layers = new ArrayList<>();
  private final Dense<T> pooler; // null unless pooling = pooler

  private record Layer<T extends TFloating>(MultiHeadSelfAttention<T> attention, Dense<T> attentionOutput,
      LayerNorm<T> attentionNorm, FeedForward<T> feedForward, LayerNorm<T> outputNorm) {}

  /**
   * Creates the variables.
   *
   * @param prefix prepended to every variable name ("" for a plain HF-compatible checkpoint)
   * @param training whether dropout is active
   * @param seed seeds initialisation and dropout
   */
  public TransformerEncoder(Ops tf, ModelConfig cfg, Class<T> dtype, String prefix, boolean training, long seed) {
    this(tf, cfg, dtype, prefix, training, seed, Precision.FP32);
  }

  /**
   * Creates the variables (always of type {@code dtype}); {@code precision} chooses the type the layers'
   * matmuls compute in ({@link ComputeType}): embeddings, layer norms, the attention softmax and the pooled
   * output stay in {@code dtype}.
   */
  public TransformerEncoder(Ops tf, ModelConfig cfg, Class<T> dtype, String prefix, boolean training, long seed,
      Precision precision) {
    this.tf = tf;
    this.compute = ComputeType.of(precision, dtype);
    this.cfg = cfg;
    this.dtype = dtype;
    this.params = new Params<>(tf, dtype, prefix, seed);
    this.dropout = new Dropout<>(tf, dtype, training, seed);
    int d = cfg.hiddenSize();
    wordEmbeddings = new Embedding<>(params, "embeddings.word_embeddings", cfg.vocabSize(), d);
    positionEmbeddings = new Embedding<>(params, "embeddings.position_embeddings", cfg.maxPositions(), d);
    tokenTypeEmbeddings = cfg.typeVocabSize() > 0
        ? new Embedding<>(params, "embeddings.token_type_embeddings", cfg.typeVocabSize(), d) : null;
    embeddingNorm = new LayerNorm<>(params, "embeddings.LayerNorm", d, cfg.layerNormEps());
    for (int i = 0; i < cfg.numLayers(); i++) {
      String l = "encoder.layer." + i + ".";
      layers.add(new Layer<>(
          new MultiHeadSelfAttention<>(params, l + "attention.self", d, cfg.numHeads()),
          new Dense<>(params, l + "attention.output.dense", d, d),
          new LayerNorm<>(params, l + "attention.output.LayerNorm", d, cfg.layerNormEps()),
          new FeedForward<>(params, l, d, cfg.intermediateSize()),
          new LayerNorm<>(params, l + "output.LayerNorm", d, cfg.layerNormEps())));
    }
    pooler = cfg.pooling() == ModelConfig.Pooling.POOLER ? new Dense<>(params, "pooler.dense", d, d) : null;
  }

  /** A view of {@code of} that shares every variable and layer but applies no dropout. */
  private TransformerEncoder(TransformerEncoder<T> of, Precision precision) {
    this.tf = of.tf;
    this.compute = ComputeType.of(precision, of.dtype);
    this.cfg = of.cfg;
    this.dtype = of.dtype;
    this.params = of.params;
    this.dropout = new Dropout<>(of.tf, of.dtype, false, 0);
    this.wordEmbeddings = of.wordEmbeddings;
    this.positionEmbeddings = of.positionEmbeddings;
    this.tokenTypeEmbeddings = of.tokenTypeEmbeddings;
    this.embeddingNorm = of.embeddingNorm;
    this.layers.addAll(of.layers);
    this.pooler = of.pooler;
  }

  /**
   * This encoder without dropout, over the same variables: validation inside the training session reads
   * the trainee's current weights through it, with no copy and no second graph. {@code precision} is its
   * compute ({@code eval.precision}), which may differ from the trainee's.
   */
  public TransformerEncoder<T> withoutDropout(Precision precision) {
    return new TransformerEncoder<>(this, precision);
  }

  /** Last hidden states {@code [B, L, D]} for {@code ids [B, L]} and {@code mask [B, L]} (1 = real token). */
  public Operand<T> hiddenStates(Operand<TInt32> ids, Operand<TInt32> mask) {
    int d = cfg.hiddenSize();
    Operand<TInt32> shape = tf.shape(ids); // [2]
    Operand<TInt32> batch = tf.gather(shape, tf.constant(0), tf.constant(0)); // scalar B
    Operand<TInt32> length = tf.gather(shape, tf.constant(1), tf.constant(0)); // scalar L

    Operand<T> x = wordEmbeddings.lookup(ids); // [B, L, D]
    x = tf.math.add(x, positionEmbeddings.lookup(positionIds(ids, length))); // [B, L, D] (BERT: [L, D] broadcast)
    if (tokenTypeEmbeddings != null) {
      x = tf.math.add(x, tokenTypeEmbeddings.lookup(tf.constant(0))); // + [D]: every token is segment 0
    }
    x = embeddingNorm.apply(x);
    x = dropout.apply(x, cfg.hiddenDropout());
    Operand<T> h = tf.reshape(x, tf.constant(new int[] {-1, d})); // [N, D], N = B·L
    Operand<T> bias = MultiHeadSelfAttention.maskBias(tf, mask, dtype); // [B, 1, 1, L]
    for (Layer<T> layer : layers) {
      h = layer(layer, h, batch, length, bias, compute);
    }
    return tf.reshape(h, tf.stack(List.of(batch, length, tf.constant(d)))); // [B, L, D]
  }

  /**
   * One post-LN layer. The residual stream {@code h} stays in {@code T}; each sublayer reads it cast to
   * the compute type {@code C}; its output gets dropout in {@code C} and is cast back for the residual and
   * layer norm.
   */
  private <C extends TFloating> Operand<T> layer(Layer<T> layer, Operand<T> h, Operand<TInt32> batch,
      Operand<TInt32> length, Operand<T> bias, Class<C> c) {
    Operand<C> ctx = layer.attention().apply(ComputeType.cast(tf, h, c), batch, length, bias, dropout,
        cfg.attentionDropout()); // [N, D]
    // [N, D] rows are B examples of L tokens: dropout is addressed by example (see Dropout)
    Operand<T> a = ComputeType.cast(tf,
        dropout.apply(layer.attentionOutput().apply(ctx), cfg.hiddenDropout(), batch), dtype); // [N, D]
    h = layer.attentionNorm().apply(tf.math.add(a, h)); // [N, D]
    Operand<T> f = ComputeType.cast(tf,
        dropout.apply(layer.feedForward().apply(ComputeType.cast(tf, h, c)), cfg.hiddenDropout(), batch), dtype); // [N, D]
    return layer.outputNorm().apply(tf.math.add(f, h)); // [N, D]
  }

  /** One embedding per sequence {@code [B, D]}, pooled as {@code model.pooling} says. */
  public Operand<T> encode(Operand<TInt32> ids, Operand<TInt32> mask) {
    return pool(hiddenStates(ids, mask), mask);
  }

  /** Pools hidden states {@code [B, L, D]} into {@code [B, D]}. */
  public Operand<T> pool(Operand<T> hidden, Operand<TInt32> mask) {
    return switch (cfg.pooling()) {
      case CLS -> Pooling.cls(tf, hidden);
      case MEAN -> Pooling.mean(tf, hidden, mask, dtype);
      case POOLER -> tf.math.tanh(pooler.apply(Pooling.cls(tf, hidden))); // [B, D]
    };
  }

  /** Position ids: {@code [L]} for BERT (broadcast over the batch), {@code [B, L]} for RoBERTa. */
  private Operand<TInt32> positionIds(Operand<TInt32> ids, Operand<TInt32> length) {
    if (cfg.variant() == ModelConfig.Variant.BERT) {
      return tf.range(tf.constant(0), length, tf.constant(1)); // [L]
    }
    Operand<TInt32> real = tf.dtypes.cast(tf.math.notEqual(ids, tf.constant(cfg.padTokenId())), TInt32.class); // [B, L]
    Operand<TInt32> count = tf.math.mul(tf.math.cumsum(real, tf.constant(1)), real); // [B, L]
    return tf.math.add(count, tf.constant(cfg.padTokenId())); // [B, L]
  }

  /** The trainable variables, full name → variable, in creation order. */
  public Map<String, Variable<T>> variables() {
    return params.variables();
  }

  /** The variables as a map of wildcard type, convenient for optimizers and checkpoint code. */
  public Map<String, Variable<?>> variablesUntyped() {
    return new LinkedHashMap<>(params.variables());
  }

  public ModelConfig config() {
    return cfg;
  }

  public String prefix() {
    return params.prefix();
  }
}
