package dev.softinfonce.serve;

import static dev.softinfonce.export.ServingContract.ASSETS_EXTRA;
import static dev.softinfonce.export.ServingContract.SERVING_INFO;
import static dev.softinfonce.export.ServingContract.TOKENIZER;

import dev.softinfonce.data.CodeTokens;
import dev.softinfonce.export.ExportException;
import dev.softinfonce.export.ServingInfo;
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
  private final ServingTokenizer query;
  private final ServingTokenizer code;

  private ExportTokenizers(Path versionDir, ServingInfo info, ServingTokenizer query, ServingTokenizer code) {
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
    ServingTokenizer q = new ServingTokenizer(assets.resolve(TOKENIZER), info.maxQueryLength(), info.padTokenId());
    try {
      return new ExportTokenizers(dir, info, q,
          new ServingTokenizer(assets.resolve(TOKENIZER), info.maxCodeLength(), info.padTokenId()));
    } catch (RuntimeException e) {
      q.close();
      throw e;
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
  public ServingTokenizer.Tokens queries(List<String> texts) {
    return query.encode(texts);
  }

  /** Code ids and masks from raw code (pre-processed as in training), truncated to {@code max_code_length}. */
  public ServingTokenizer.Tokens codes(List<String> rawCode) {
    return code.encode(rawCode.stream().map(c -> trainedCodeText(info, c)).toList());
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
