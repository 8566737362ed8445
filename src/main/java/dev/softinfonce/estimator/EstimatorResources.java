package dev.softinfonce.estimator;

import java.util.Objects;
import java.util.Set;

/**
 * What the estimators need beyond {@code EstimatorConfig}: constants computed from the training data
 * and the frozen models the caller has built. Only the parts the configured estimator uses must be set:
 *
 * <table>
 *   <caption>needed per estimator</caption>
 *   <tr><th>estimator.name</th><th>needs</th></tr>
 *   <tr><td>uniform, self</td><td>nothing</td></tr>
 *   <tr><td>bm25</td><td>{@link Builder#averageDocumentLength}, {@link Builder#ignoredTokenIds}</td></tr>
 *   <tr><td>simcse</td><td>{@link Builder#sentenceEncoder}</td></tr>
 *   <tr><td>trained, online</td><td>{@link Builder#queryEncoder}, {@link Builder#codeEncoder},
 *       optionally {@link Builder#scorer}</td></tr>
 *   <tr><td>trained, cached</td><td>{@link Builder#embeddingCache}, optionally {@link Builder#scorer}</td></tr>
 * </table>
 */
public final class EstimatorResources {
  private final Double averageDocumentLength;
  private final Set<Integer> ignoredTokenIds;
  private final TextEncoder sentenceEncoder;
  private final TextEncoder queryEncoder;
  private final TextEncoder codeEncoder;
  private final EmbeddingCache embeddingCache;
  private final PairScorer scorer;

  private EstimatorResources(Builder b) {
    this.averageDocumentLength = b.averageDocumentLength;
    this.ignoredTokenIds = b.ignoredTokenIds;
    this.sentenceEncoder = b.sentenceEncoder;
    this.queryEncoder = b.queryEncoder;
    this.codeEncoder = b.codeEncoder;
    this.embeddingCache = b.embeddingCache;
    this.scorer = b.scorer;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** No resources: enough for {@code uniform} and {@code self}. */
  public static EstimatorResources none() {
    return builder().build();
  }

  Double averageDocumentLength() {
    return averageDocumentLength;
  }

  Set<Integer> ignoredTokenIds() {
    return ignoredTokenIds;
  }

  TextEncoder sentenceEncoder() {
    return sentenceEncoder;
  }

  TextEncoder queryEncoder() {
    return queryEncoder;
  }

  TextEncoder codeEncoder() {
    return codeEncoder;
  }

  EmbeddingCache embeddingCache() {
    return embeddingCache;
  }

  PairScorer scorer() {
    return scorer != null ? scorer : PairScorer.dot();
  }

  /** Builder; every setter is optional, {@link Estimators#create} says what is missing. */
  public static final class Builder {
    private Double averageDocumentLength;
    private Set<Integer> ignoredTokenIds;
    private TextEncoder sentenceEncoder;
    private TextEncoder queryEncoder;
    private TextEncoder codeEncoder;
    private EmbeddingCache embeddingCache;
    private PairScorer scorer;

    private Builder() {}

    /** BM25 avgdl of the training documents ({@link dev.softinfonce.corpus.DocumentLengths#average()}). */
    public Builder averageDocumentLength(double avgdl) {
      this.averageDocumentLength = avgdl;
      return this;
    }

    /** BM25: special token ids that are not terms (the tokenizer's {@code specialIds()} plus pad). */
    public Builder ignoredTokenIds(Set<Integer> ids) {
      this.ignoredTokenIds = Set.copyOf(Objects.requireNonNull(ids, "ids"));
      return this;
    }

    /** SimCSE: the frozen sentence encoder. */
    public Builder sentenceEncoder(TextEncoder encoder) {
      this.sentenceEncoder = Objects.requireNonNull(encoder, "encoder");
      return this;
    }

    /** Trained (online): the frozen model's query tower. */
    public Builder queryEncoder(TextEncoder encoder) {
      this.queryEncoder = Objects.requireNonNull(encoder, "encoder");
      return this;
    }

    /** Trained (online): the frozen model's code tower. */
    public Builder codeEncoder(TextEncoder encoder) {
      this.codeEncoder = Objects.requireNonNull(encoder, "encoder");
      return this;
    }

    /** Trained (cached): the table variables, created by {@link EmbeddingCache#create}. */
    public Builder embeddingCache(EmbeddingCache cache) {
      this.embeddingCache = Objects.requireNonNull(cache, "cache");
      return this;
    }

    /** Trained: the frozen model's similarity head; default {@link PairScorer#dot()}. */
    public Builder scorer(PairScorer scorer) {
      this.scorer = Objects.requireNonNull(scorer, "scorer");
      return this;
    }

    public EstimatorResources build() {
      return new EstimatorResources(this);
    }
  }
}
