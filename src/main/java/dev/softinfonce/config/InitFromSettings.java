package dev.softinfonce.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a {@code model.init_from} start brings into a config, read without loading any weights: the
 * architecture (which the weights fix, so it always wins) and the settings the start was trained with
 * (pooling, normalisation, temperature, lengths, dropout), which apply unless the config sets them.
 *
 * <p>Sources: a named start's known settings ({@link PretrainedStart}); a folder's {@code config.yaml}
 * (an imported start, a trainer checkpoint); a Hugging Face folder's {@code config.json} with, when
 * present, sentence-transformers' {@code modules.json}, {@code 1_Pooling/config.json} ({@code Pooling}
 * mode), {@code Normalize} module and {@code sentence_bert_config.json} ({@code max_seq_length}). A
 * folder that does not exist yet (or a training run folder) brings nothing here; the trainer applies its
 * architecture once it is resolved.
 */
final class InitFromSettings {
  /** Keys the weights fix. */
  static final Set<String> ARCHITECTURE = Set.of("variant", "vocab_size", "hidden_size", "num_layers", "num_heads",
      "intermediate_size", "max_positions", "type_vocab_size", "layer_norm_eps", "pad_token_id");
  /** Keys the start suggests; the config's own value wins. */
  static final List<String> SETTINGS = List.of("pooling", "normalize", "temperature", "max_query_length",
      "max_code_length", "hidden_dropout", "attention_dropout", "shared_towers");
  /** sentence-transformers' MultipleNegativesRankingLoss scale 20: the head a normalised start was trained with. */
  static final String NORMALISED_TEMPERATURE = "0.05";
  /** Query length for a start whose sequence limit says only how long code may be. */
  static final int QUERY_LENGTH = 64;

  private InitFromSettings() {}

  /** {@code model.*} key (without the section) to YAML scalar; empty when nothing is known yet. */
  static Map<String, String> of(String initFrom) {
    if (PretrainedStart.isNamed(initFrom)) {
      return PretrainedStart.of(initFrom).model();
    }
    Path dir = Path.of(initFrom);
    if (Files.isRegularFile(dir.resolve("config.yaml"))) {
      return fromModelConfig(new ConfigParser().file(dir.resolve("config.yaml")).buildWithoutInitFrom().model());
    }
    if (Files.isRegularFile(dir.resolve("config.json"))) {
      return huggingFace(dir);
    }
    return Map.of();
  }

  private static Map<String, String> fromModelConfig(ModelConfig m) {
    Map<String, String> out = new LinkedHashMap<>();
    for (var rc : ModelConfig.class.getRecordComponents()) {
      String key = ConfigParser.snake(rc.getName());
      if (ARCHITECTURE.contains(key) || SETTINGS.contains(key)) {
        try {
          Object v = rc.getAccessor().invoke(m);
          out.put(key, v instanceof Enum<?> e ? ConfigParser.yamlName(e) : String.valueOf(v));
        } catch (ReflectiveOperationException e) {
          throw new IllegalStateException(e);
        }
      }
    }
    return out;
  }

  /** A Hugging Face model folder (BERT/RoBERTa {@code config.json}, optionally a sentence-transformers layout). */
  static Map<String, String> huggingFace(Path dir) {
    Map<String, String> out = new LinkedHashMap<>();
    JsonNode hf = json(dir.resolve("config.json"));
    String type = hf.path("model_type").asText("bert");
    if (!type.equals("bert") && !type.contains("roberta")) {
      throw new ConfigException("model.init_from", "model.init_from " + dir + ": config.json model_type '" + type
          + "' is not a BERT or RoBERTa encoder");
    }
    out.put("variant", type.contains("roberta") ? "roberta" : "bert");
    copy(hf, "vocab_size", out, "vocab_size");
    copy(hf, "hidden_size", out, "hidden_size");
    copy(hf, "num_hidden_layers", out, "num_layers");
    copy(hf, "num_attention_heads", out, "num_heads");
    copy(hf, "intermediate_size", out, "intermediate_size");
    copy(hf, "max_position_embeddings", out, "max_positions");
    copy(hf, "type_vocab_size", out, "type_vocab_size");
    copy(hf, "layer_norm_eps", out, "layer_norm_eps");
    copy(hf, "pad_token_id", out, "pad_token_id");
    copy(hf, "hidden_dropout_prob", out, "hidden_dropout");
    copy(hf, "attention_probs_dropout_prob", out, "attention_dropout");
    Path modules = dir.resolve("modules.json");
    if (Files.isRegularFile(modules)) {
      for (JsonNode module : json(modules)) {
        String kind = module.path("type").asText("");
        if (kind.endsWith(".Pooling")) {
          JsonNode pool = json(dir.resolve(module.path("path").asText("1_Pooling")).resolve("config.json"));
          out.put("pooling", pooling(pool, dir));
        } else if (kind.endsWith(".Normalize")) {
          out.put("normalize", "true");
          out.put("temperature", NORMALISED_TEMPERATURE);
        }
      }
    }
    Path st = dir.resolve("sentence_bert_config.json");
    if (Files.isRegularFile(st) && json(st).has("max_seq_length")) {
      int len = json(st).get("max_seq_length").asInt();
      int positions = hf.path("max_position_embeddings").asInt(len);
      if (out.get("variant").equals("roberta")) {
        positions -= hf.path("pad_token_id").asInt(1) + 1; // RoBERTa's positions start after padding_idx
      }
      len = Math.min(len, positions);
      out.put("max_code_length", String.valueOf(len));
      out.put("max_query_length", String.valueOf(Math.min(QUERY_LENGTH, len)));
    }
    return out;
  }

  private static String pooling(JsonNode pool, Path dir) {
    if (pool.path("pooling_mode_mean_tokens").asBoolean(false)) {
      return "mean";
    }
    if (pool.path("pooling_mode_cls_token").asBoolean(false)) {
      return "cls";
    }
    throw new ConfigException("model.init_from", "model.init_from " + dir + ": the sentence-transformers Pooling"
        + " module uses a mode other than mean or cls tokens (" + pool + "); only mean and cls are supported");
  }

  private static void copy(JsonNode hf, String field, Map<String, String> out, String key) {
    JsonNode v = hf.get(field);
    if (v != null && !v.isNull()) {
      out.put(key, v.asText());
    }
  }

  private static JsonNode json(Path file) {
    try {
      return new ObjectMapper().readTree(file.toFile());
    } catch (IOException e) {
      throw new ConfigException("model.init_from", "model.init_from: cannot read " + file + ": " + e.getMessage());
    }
  }
}
