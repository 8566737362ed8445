package dev.softinfonce.serve;

import static dev.softinfonce.export.ServingContract.ASSETS_EXTRA;
import static dev.softinfonce.export.ServingContract.SERVING_INFO;
import static dev.softinfonce.export.ServingContract.TOKENIZER;

import dev.softinfonce.data.CodeTokens;
import dev.softinfonce.export.ExportException;
import dev.softinfonce.export.ServingInfo;
import dev.softinfonce.text.EncodedBatch;
import dev.softinfonce.text.Tokenizer;
import dev.softinfonce.text.TokenizerException;
import java.nio.file.Path;
import java.util.List;

/**
 * How an export wants its text tokenized, from its own {@code assets.extra/}: {@code tokenizer.json} with
 * the query and code max lengths and pad id of {@code serving.yaml}, and the code pre-processing of
 * training. The one place clients of an export get token ids from (the Java client; the server's model
 * does the same through {@link ServingModel}).
 */
public final class ExportTokenizers implements AutoCloseable {
  private final Path versionDir;
  private final ServingInfo info;
  private final Tokenizer query;
  private final Tokenizer code;

  private ExportTokenizers(Path versionDir, ServingInfo info, Tokenizer query, Tokenizer code) {
    this.versionDir = versionDir;
    this.info = info;
    this.query = query;
    this.code = code;
  }

  /** Opens the tokenizers of an export: a version folder, or a base folder (its highest version). */
  public static ExportTokenizers open(Path export) {
    Path dir = ServingModel.resolveVersion(export);
    Path assets = dir.resolve(ASSETS_EXTRA);
    ServingInfo info;
    try {
      info = ServingInfo.read(assets.resolve(SERVING_INFO));
    } catch (ExportException e) {
      throw new SearchException(e.getMessage(), e);
    }
    Tokenizer q = queryTokenizer(assets.resolve(TOKENIZER), info);
    return new ExportTokenizers(dir, info, q, q.withMaxLength(info.maxCodeLength()));
  }

  /**
   * The export's tokenizer at {@code max_query_length}, padding with the model's pad id; its code view is
   * {@code withMaxLength(info.maxCodeLength())} (one native handle for both).
   */
  static Tokenizer queryTokenizer(Path tokenizerJson, ServingInfo info) {
    try {
      return Tokenizer.builder(tokenizerJson).maxLength(info.maxQueryLength()).padId(info.padTokenId()).build();
    } catch (TokenizerException e) {
      throw new SearchException(e.getMessage() + " (an export ships its tokenizer in assets.extra/)", e);
    }
  }

  /**
   * Code as the model was trained on it: when the code tower read {@code code_tokens}, raw code is lexed
   * into such tokens and joined by spaces (what the data readers give the trainer); otherwise unchanged.
   */
  public static String trainedCodeText(ServingInfo info, String rawCode) {
    return "code_tokens".equals(info.codeField()) ? CodeTokens.joined(rawCode) : rawCode;
  }

  /** Query ids and masks, truncated to {@code max_query_length}. */
  public EncodedBatch queries(List<String> texts) {
    return query.encodeReporting(texts);
  }

  /** Code ids and masks from raw code (pre-processed as in training), truncated to {@code max_code_length}. */
  public EncodedBatch codes(List<String> rawCode) {
    return code.encodeReporting(rawCode.stream().map(c -> trainedCodeText(info, c)).toList());
  }

  /** The version folder whose assets these are. */
  public Path versionDir() {
    return versionDir;
  }

  public ServingInfo info() {
    return info;
  }

  @Override
  public void close() {
    query.close();
    code.close();
  }
}
