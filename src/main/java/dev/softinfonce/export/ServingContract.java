package dev.softinfonce.export;

/**
 * The names a SavedModel export promises to its clients (TF Serving, {@code serve.CodeSearcher}, the
 * README): tag, signature keys, method name, input/output names and the files in {@code assets.extra/}.
 * One place, so the exporter, the Java searcher and the tests cannot drift apart.
 *
 * <pre>
 * signature        inputs (int32 [-1,-1])                                   output
 * encode_query     input_ids, attention_mask                                embedding float32 [-1,D]
 * encode_code      input_ids, attention_mask                                embedding float32 [-1,D]
 * serving_default  = encode_query
 * score            query_input_ids, query_attention_mask,                   scores    float32 [-1,-1] = [Q,C]
 *                  code_input_ids, code_attention_mask
 * </pre>
 */
public final class ServingContract {
  private ServingContract() {}

  /** The MetaGraph tag TF Serving loads by default. */
  public static final String TAG = "serve";
  /** The Predict API's method name (TF Serving checks it only with --enable_signature_method_name_check). */
  public static final String METHOD_PREDICT = "tensorflow/serving/predict";

  public static final String SIG_ENCODE_QUERY = "encode_query";
  public static final String SIG_ENCODE_CODE = "encode_code";
  public static final String SIG_DEFAULT = "serving_default";
  public static final String SIG_SCORE = "score";

  public static final String INPUT_IDS = "input_ids";
  public static final String ATTENTION_MASK = "attention_mask";
  public static final String QUERY_INPUT_IDS = "query_input_ids";
  public static final String QUERY_ATTENTION_MASK = "query_attention_mask";
  public static final String CODE_INPUT_IDS = "code_input_ids";
  public static final String CODE_ATTENTION_MASK = "code_attention_mask";
  public static final String OUTPUT_EMBEDDING = "embedding";
  public static final String OUTPUT_SCORES = "scores";

  /** Folder of a SavedModel that TF Serving ignores and clients read: tokenizer and config. */
  public static final String ASSETS_EXTRA = "assets.extra";
  /** {@code assets.extra/tokenizer.json}: the HF tokenizer the model was trained with. */
  public static final String TOKENIZER = "tokenizer.json";
  /** {@code assets.extra/config.yaml}: the resolved experiment config ({@code ExperimentConfig.load} reads it). */
  public static final String CONFIG = "config.yaml";
  /** {@code assets.extra/serving.yaml}: what a client needs besides the tokenizer (see {@link ServingInfo}). */
  public static final String SERVING_INFO = "serving.yaml";
  /**
   * {@code assets.extra/manifest.json}: sizes and SHA-256 of every file of the version folder
   * ({@link dev.softinfonce.integrity.Manifest}), verified by every load.
   */
  public static final String MANIFEST = ASSETS_EXTRA + "/manifest.json";
  /** The graph file of a SavedModel. */
  public static final String SAVED_MODEL_PB = "saved_model.pb";
}
