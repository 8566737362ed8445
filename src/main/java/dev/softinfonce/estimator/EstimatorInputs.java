package dev.softinfonce.estimator;

import java.util.Objects;
import org.tensorflow.Operand;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * The batch operands an estimator may read (see {@link EstimatorInput}); unset ones are {@code null}.
 *
 * <p>All ids are int32 in the vocabulary of the estimator that reads them: BM25 reads the trainee
 * tokenizer's ids (as the reference code does), a SimCSE estimator reads ids of its own tokenizer.
 * Rows are aligned: row j of {@code docstring*}, {@code code*} and {@code exampleIndex} all describe
 * example j of the batch.
 *
 * @param queryIds {@code [B, Lq]}
 * @param queryMask {@code [B, Lq]}, 1 = token, 0 = padding
 * @param docstringIds {@code [B, Ld]}; the builder defaults it to the query (the reference code's BM25 and
 *     SimCSE compare query i with the query of example j, which is its docstring)
 * @param docstringMask {@code [B, Ld]}
 * @param codeIds {@code [B, Lc]}
 * @param codeMask {@code [B, Lc]}
 * @param exampleIndex {@code [B]} row of each example in the training set
 * @param liveScores {@code [B, B]} the trainee's own scores (only for {@link SelfEstimator})
 */
public record EstimatorInputs(
    Operand<TInt32> queryIds,
    Operand<TInt32> queryMask,
    Operand<TInt32> docstringIds,
    Operand<TInt32> docstringMask,
    Operand<TInt32> codeIds,
    Operand<TInt32> codeMask,
    Operand<TInt32> exampleIndex,
    Operand<TFloat32> liveScores) {

  public EstimatorInputs {
    requirePair(queryIds, queryMask, "query");
    requirePair(docstringIds, docstringMask, "docstring");
    requirePair(codeIds, codeMask, "code");
    requireRank(queryIds, 2, "query ids");
    requireRank(queryMask, 2, "query mask");
    requireRank(docstringIds, 2, "docstring ids");
    requireRank(docstringMask, 2, "docstring mask");
    requireRank(codeIds, 2, "code ids");
    requireRank(codeMask, 2, "code mask");
    requireRank(exampleIndex, 1, "example index");
    requireRank(liveScores, 2, "live scores");
  }

  /** Rejects a statically known wrong rank now, instead of failing inside a native kernel later. */
  private static void requireRank(Operand<?> x, int rank, String what) {
    if (x != null) {
      int known = x.shape().numDimensions(); // -1 when the rank is unknown
      if (known >= 0 && known != rank) {
        throw new IllegalArgumentException("EstimatorInputs: " + what + " must have rank " + rank
            + ", got shape " + x.shape());
      }
    }
  }

  private static void requirePair(Object ids, Object mask, String what) {
    if ((ids == null) != (mask == null)) {
      throw new IllegalArgumentException(
          "EstimatorInputs: " + what + " ids and mask must be given together");
    }
  }

  /** A builder; every part is optional, the docstring defaults to the query. */
  public static Builder builder() {
    return new Builder();
  }

  /** Whether the operands for {@code input} are present. */
  public boolean has(EstimatorInput input) {
    return switch (input) {
      case QUERY -> queryIds != null;
      case DOCSTRING -> docstringIds != null;
      case CODE -> codeIds != null;
      case EXAMPLE_INDEX -> exampleIndex != null;
      case LIVE_SCORES -> liveScores != null;
    };
  }

  /**
   * Checks that every input {@code estimator} declares is present.
   *
   * @throws IllegalArgumentException naming the estimator and the missing input
   */
  public void requireAll(RelevanceEstimator estimator) {
    for (EstimatorInput input : estimator.inputs()) {
      if (!has(input)) {
        throw new IllegalArgumentException("estimator " + estimator.name() + " needs "
            + input.description() + " but the EstimatorInputs given to it have none");
      }
    }
  }

  /** Builder for {@link EstimatorInputs}. */
  public static final class Builder {
    private Operand<TInt32> queryIds;
    private Operand<TInt32> queryMask;
    private Operand<TInt32> docstringIds;
    private Operand<TInt32> docstringMask;
    private Operand<TInt32> codeIds;
    private Operand<TInt32> codeMask;
    private Operand<TInt32> exampleIndex;
    private Operand<TFloat32> liveScores;

    private Builder() {}

    /** Query ids and mask {@code [B, Lq]}. */
    public Builder query(Operand<TInt32> ids, Operand<TInt32> mask) {
      this.queryIds = Objects.requireNonNull(ids, "query ids");
      this.queryMask = Objects.requireNonNull(mask, "query mask");
      return this;
    }

    /** Docstring ids and mask {@code [B, Ld]}; if never called, the query is used. */
    public Builder docstring(Operand<TInt32> ids, Operand<TInt32> mask) {
      this.docstringIds = Objects.requireNonNull(ids, "docstring ids");
      this.docstringMask = Objects.requireNonNull(mask, "docstring mask");
      return this;
    }

    /** Code ids and mask {@code [B, Lc]}. */
    public Builder code(Operand<TInt32> ids, Operand<TInt32> mask) {
      this.codeIds = Objects.requireNonNull(ids, "code ids");
      this.codeMask = Objects.requireNonNull(mask, "code mask");
      return this;
    }

    /** Training-set indices {@code [B]} of the batch's examples. */
    public Builder exampleIndex(Operand<TInt32> index) {
      this.exampleIndex = Objects.requireNonNull(index, "example index");
      return this;
    }

    /** The live model's scores {@code [B, B]}. */
    public Builder liveScores(Operand<TFloat32> scores) {
      this.liveScores = Objects.requireNonNull(scores, "live scores");
      return this;
    }

    public EstimatorInputs build() {
      Operand<TInt32> dIds = docstringIds != null ? docstringIds : queryIds;
      Operand<TInt32> dMask = docstringIds != null ? docstringMask : queryMask;
      return new EstimatorInputs(queryIds, queryMask, dIds, dMask, codeIds, codeMask, exampleIndex,
          liveScores);
    }
  }
}
