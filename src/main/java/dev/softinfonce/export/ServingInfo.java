package dev.softinfonce.export;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What a client of an exported model needs besides the tokenizer, written as
 * {@code assets.extra/serving.yaml}: how to tokenize (max lengths, pad id), what the embedding is
 * (dimension, pooling, normalised or not) and how scores are formed ({@code score = q·c * score_scale},
 * where {@code score_scale} is {@code 1/temperature}, or {@code exp(logit_scale)} read from the
 * checkpoint when the temperature was learnt).
 *
 * @param formatVersion version of this file's schema (currently 1)
 * @param embeddingDim D, the width of {@code embedding}
 * @param maxQueryLength query tokens including special tokens; longer queries are truncated
 * @param maxCodeLength code tokens including special tokens; longer code is truncated
 * @param padTokenId the id used to pad {@code input_ids} (its mask is 0)
 * @param pooling cls | mean | pooler
 * @param normalize whether embeddings are L2-normalised (then the dot product is a cosine)
 * @param similarity {@code dot} or {@code cosine}
 * @param temperature the configured τ
 * @param scoreScale the factor applied to {@code q·c} by the {@code score} signature
 * @param codeField which record field the code tower was trained on (code_tokens | code | original_string)
 * @param checkpoint the checkpoint folder the export was made from, relative to the version folder
 *     (provenance: the export needs nothing from it)
 */
public record ServingInfo(
    int formatVersion,
    int embeddingDim,
    int maxQueryLength,
    int maxCodeLength,
    int padTokenId,
    String pooling,
    boolean normalize,
    String similarity,
    double temperature,
    double scoreScale,
    String codeField,
    String checkpoint) {

  public static final int FORMAT_VERSION = 1;

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
      .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
      .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  /** Writes this record as YAML (snake_case keys). */
  public void write(Path file) throws IOException {
    Files.writeString(file, "# written by softinfonce export; read by serve.CodeSearcher and TF Serving clients\n"
        + YAML.writeValueAsString(this));
  }

  /** Reads {@code file}; fails naming the file when it is missing or malformed. */
  public static ServingInfo read(Path file) {
    if (!Files.isRegularFile(file)) {
      throw new ExportException(file + ": missing (not a softinfonce export, or assets.extra was removed)");
    }
    try {
      ServingInfo info = YAML.readValue(file.toFile(), ServingInfo.class);
      if (info.formatVersion() != FORMAT_VERSION) {
        throw new ExportException(file + ": format_version " + info.formatVersion() + " is not supported (expected "
            + FORMAT_VERSION + ")");
      }
      if (info.embeddingDim() < 1 || info.maxQueryLength() < 2 || info.maxCodeLength() < 2) {
        throw new ExportException(file + ": embedding_dim, max_query_length and max_code_length must be positive");
      }
      return info;
    } catch (IOException e) {
      throw new ExportException(file + ": cannot read: " + e.getMessage(), e);
    }
  }
}
