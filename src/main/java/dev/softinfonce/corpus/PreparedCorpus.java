package dev.softinfonce.corpus;

import dev.softinfonce.data.Batcher;
import dev.softinfonce.data.Example;
import dev.softinfonce.text.TokenizedBatch;
import dev.softinfonce.text.Tokenizer;
import java.util.List;
import java.util.Set;

/**
 * The training examples of one run, read once and prepared once: token ids per tower (unpadded), the
 * {@link Batcher} (order, duplicate-free batches, code hashes) and what the objective and estimators
 * need per step. A step only gathers and pads ({@link #batch}); nothing is re-read, re-tokenized or
 * re-hashed.
 *
 * <pre>
 * examples ─► query ids (query tokenizer)   ─┐
 *          ─► code ids (code tokenizer)     ─┼► batch(indices) ─► ids, masks [B, L], same_code [B, B]
 *          ─► Batcher (code hashes, order)  ─┘
 * </pre>
 */
public final class PreparedCorpus {
  /** One step's feed: the examples' indices, their padded ids and masks, and the same-code mask. */
  public record Batch(Batcher.Batch order, TokenizedBatch query, TokenizedBatch code, boolean[][] sameCode) {
    public int[] indices() {
      return order.indices();
    }
  }

  private final List<Example> examples;
  private final TokenizedCorpus queries;
  private final TokenizedCorpus codes; // null when the run reads no code (simcse)
  private final Batcher batcher;

  private PreparedCorpus(List<Example> examples, TokenizedCorpus queries, TokenizedCorpus codes, Batcher batcher) {
    this.examples = examples;
    this.queries = queries;
    this.codes = codes;
    this.batcher = batcher;
  }

  /**
   * Tokenizes every example once.
   *
   * @param codeTokenizer null when the run reads no code (a SimCSE run reads docstrings only)
   */
  public static PreparedCorpus prepare(List<Example> examples, Tokenizer queryTokenizer, Tokenizer codeTokenizer,
      int batchSize, long seed) {
    TokenizedCorpus q = TokenizedCorpus.of(examples, Example::query, queryTokenizer);
    TokenizedCorpus c = codeTokenizer == null ? null : TokenizedCorpus.of(examples, Example::code, codeTokenizer);
    return new PreparedCorpus(List.copyOf(examples), q, c, Batcher.of(examples, batchSize, seed));
  }

  public List<Example> examples() {
    return examples;
  }

  public int size() {
    return examples.size();
  }

  public Batcher batcher() {
    return batcher;
  }

  public TokenizedCorpus queries() {
    return queries;
  }

  /** Code ids, or null when the run reads no code. */
  public TokenizedCorpus codes() {
    return codes;
  }

  /** The feed of one batch of the {@link #batcher()}. */
  public Batch batch(Batcher.Batch order) {
    int[] idx = order.indices();
    return new Batch(order, queries.batch(idx), codes == null ? null : codes.batch(idx), batcher.sameCode(idx));
  }

  /**
   * BM25's average document length over the training docstrings (or code, {@code ofCode}), from the
   * unpadded ids: the mean count of non-special tokens.
   */
  public double averageDocumentLength(boolean ofCode, Set<Integer> specialIds) {
    TokenizedCorpus docs = ofCode && codes != null ? codes : queries;
    return new DocumentLengths(specialIds).add(docs.rows(), null).average();
  }
}
