package dev.softinfonce.serve;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The exported model's {@code tokenizer.json} (DJL / HF tokenizers, loaded from the local file only),
 * producing what the signatures take: {@code input_ids} and {@code attention_mask} padded with the
 * model's pad id to the longest text of a batch, special tokens added, truncated to a fixed maximum
 * length. Reports per text whether it was truncated.
 *
 * <p>Thread-safe: encoding is serialised on the instance (it costs microseconds next to the model).
 */
public final class ServingTokenizer implements AutoCloseable {
  private final HuggingFaceTokenizer tokenizer;
  private final int maxLength;
  private final int padId;

  /**
   * Ids and masks {@code [B, L]}, L = the longest text after truncation; {@code truncated[i]} says
   * whether text i had more than {@code maxLength} tokens.
   */
  public record Tokens(int[][] ids, int[][] mask, boolean[] truncated, int[] lengths) {}

  /**
   * @param tokenizerJson a {@code tokenizer.json} file
   * @param maxLength tokens per text including special tokens
   * @param padId the model's pad token id
   */
  public ServingTokenizer(Path tokenizerJson, int maxLength, int padId) {
    if (!Files.isRegularFile(tokenizerJson)) {
      throw new SearchException(tokenizerJson + ": tokenizer missing (an export ships it in assets.extra/)");
    }
    this.maxLength = maxLength;
    this.padId = padId;
    try {
      tokenizer = HuggingFaceTokenizer.newInstance(tokenizerJson, Map.of(
          "addSpecialTokens", "true", "truncation", "true", "padding", "false",
          "maxLength", Integer.toString(maxLength), "modelMaxLength", Integer.toString(Math.max(maxLength, 512))));
    } catch (IOException | RuntimeException e) {
      throw new SearchException(tokenizerJson + ": cannot load tokenizer: " + e.getMessage(), e);
    }
  }

  public int maxLength() {
    return maxLength;
  }

  /** Tokenizes {@code texts} into one padded batch (an empty list gives empty arrays). */
  public Tokens encode(List<String> texts) {
    if (texts.isEmpty()) {
      return new Tokens(new int[0][], new int[0][], new boolean[0], new int[0]);
    }
    Encoding[] enc;
    synchronized (this) {
      enc = tokenizer.batchEncode(texts);
    }
    int len = 1;
    for (Encoding e : enc) {
      len = Math.max(len, e.getIds().length);
    }
    int[][] ids = new int[enc.length][len];
    int[][] mask = new int[enc.length][len];
    boolean[] truncated = new boolean[enc.length];
    int[] lengths = new int[enc.length];
    for (int i = 0; i < enc.length; i++) {
      long[] row = enc[i].getIds();
      long[] m = enc[i].getAttentionMask();
      java.util.Arrays.fill(ids[i], padId);
      for (int j = 0; j < row.length; j++) {
        ids[i][j] = (int) row[j];
        mask[i][j] = (int) m[j];
      }
      truncated[i] = enc[i].exceedMaxLength();
      lengths[i] = row.length;
    }
    return new Tokens(ids, mask, truncated, lengths);
  }

  @Override
  public void close() {
    tokenizer.close();
  }
}
