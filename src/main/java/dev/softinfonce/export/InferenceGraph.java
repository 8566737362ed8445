package dev.softinfonce.export;

import static dev.softinfonce.export.ServingContract.*;

import dev.softinfonce.config.ModelConfig;
import dev.softinfonce.config.Precision;
import dev.softinfonce.model.DualEncoder;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.Signature;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * The serving graph of a {@link DualEncoder}: built with {@code training = false} (no dropout), no
 * optimizer, no estimator, with named placeholders and the four signatures of {@link ServingContract}.
 * Only builds ops; the exporter restores the variables and saves.
 *
 * <p>{@code encode_query} and {@code encode_code} share the placeholders {@code input_ids} and
 * {@code attention_mask}; {@code score} has its own four placeholders so that one request can carry Q
 * queries and C codes of different lengths.
 */
public final class InferenceGraph {
  private final DualEncoder encoder;
  private final Placeholder<TInt32> ids; // [B, L]
  private final Placeholder<TInt32> mask; // [B, L]
  private final Operand<TFloat32> queryEmbedding; // [B, D]
  private final Operand<TFloat32> codeEmbedding; // [B, D]
  private final Placeholder<TInt32> queryIds; // [Q, Lq]
  private final Placeholder<TInt32> queryMask; // [Q, Lq]
  private final Placeholder<TInt32> codeIds; // [C, Lc]
  private final Placeholder<TInt32> codeMask; // [C, Lc]
  private final Operand<TFloat32> scores; // [Q, C]

  /** Builds the encoder's variables and the forward passes in {@code tf}'s graph, in float32. */
  public InferenceGraph(Ops tf, ModelConfig cfg) {
    this(tf, cfg, Precision.FP32);
  }

  /**
   * As {@link #InferenceGraph(Ops, ModelConfig)} with the encoder computing in {@code precision}: with
   * bf16 the matmuls run in bfloat16, while variables, inputs, outputs (embeddings, scores) and the
   * signatures stay exactly those of a float32 export.
   */
  public InferenceGraph(Ops tf, ModelConfig cfg, Precision precision) {
    encoder = new DualEncoder(tf, cfg, false, 0L, "", precision);
    ids = tokens(tf, INPUT_IDS);
    mask = tokens(tf, ATTENTION_MASK);
    queryEmbedding = tf.withName("query_embedding").identity(encoder.encodeQuery(ids, mask)); // [B, D]
    codeEmbedding = tf.withName("code_embedding").identity(encoder.encodeCode(ids, mask)); // [B, D]
    queryIds = tokens(tf, QUERY_INPUT_IDS);
    queryMask = tokens(tf, QUERY_ATTENTION_MASK);
    codeIds = tokens(tf, CODE_INPUT_IDS);
    codeMask = tokens(tf, CODE_ATTENTION_MASK);
    Operand<TFloat32> q = encoder.encodeQuery(queryIds, queryMask); // [Q, D]
    Operand<TFloat32> c = encoder.encodeCode(codeIds, codeMask); // [C, D]
    scores = tf.withName("scores").identity(encoder.scores(q, c)); // [Q, C]
  }

  private static Placeholder<TInt32> tokens(Ops tf, String name) {
    return tf.withName(name).placeholder(TInt32.class, Placeholder.shape(Shape.of(-1, -1)));
  }

  /** The four signatures, in the order {@code encode_query, encode_code, serving_default, score}. */
  public List<Signature> signatures() {
    return List.of(encode(SIG_ENCODE_QUERY, queryEmbedding), encode(SIG_ENCODE_CODE, codeEmbedding),
        encode(SIG_DEFAULT, queryEmbedding),
        Signature.builder().key(SIG_SCORE).methodName(METHOD_PREDICT)
            .input(QUERY_INPUT_IDS, queryIds).input(QUERY_ATTENTION_MASK, queryMask)
            .input(CODE_INPUT_IDS, codeIds).input(CODE_ATTENTION_MASK, codeMask)
            .output(OUTPUT_SCORES, scores).build());
  }

  // Signature.builder(name) would also set methodName = name: set both explicitly (tfjava-notes §3).
  private Signature encode(String key, Operand<TFloat32> out) {
    return Signature.builder().key(key).methodName(METHOD_PREDICT)
        .input(INPUT_IDS, ids).input(ATTENTION_MASK, mask).output(OUTPUT_EMBEDDING, out).build();
  }

  public DualEncoder encoder() {
    return encoder;
  }

  public Placeholder<TInt32> inputIds() {
    return ids;
  }

  public Placeholder<TInt32> attentionMask() {
    return mask;
  }

  /** {@code [B, D]} query embeddings of {@link #inputIds()}. */
  public Operand<TFloat32> queryEmbedding() {
    return queryEmbedding;
  }

  /** {@code [B, D]} code embeddings of {@link #inputIds()}. */
  public Operand<TFloat32> codeEmbedding() {
    return codeEmbedding;
  }

  public Placeholder<TInt32> queryInputIds() {
    return queryIds;
  }

  public Placeholder<TInt32> queryAttentionMask() {
    return queryMask;
  }

  public Placeholder<TInt32> codeInputIds() {
    return codeIds;
  }

  public Placeholder<TInt32> codeAttentionMask() {
    return codeMask;
  }

  /** {@code [Q, C]} scores of the {@code score} signature's inputs. */
  public Operand<TFloat32> scores() {
    return scores;
  }
}
