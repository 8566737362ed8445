package dev.softinfonce.estimator;

/**
 * The batch tensors a {@link RelevanceEstimator} may read. Each estimator declares the ones it needs in
 * {@link RelevanceEstimator#inputs()}, so the caller feeds only those (a SimCSE estimator, for example,
 * needs the docstrings tokenised with its own tokenizer; BM25 needs the trainee's token ids).
 */
public enum EstimatorInput {
  /** Query ids and mask {@code [B, Lq]}: the rows i of {@code sim}. */
  QUERY("query ids/mask [B,Lq]"),
  /** Docstring ids and mask {@code [B, Ld]} of the examples j (in the reference code: the query itself). */
  DOCSTRING("docstring ids/mask [B,Ld]"),
  /** Code ids and mask {@code [B, Lc]} of the examples j. */
  CODE("code ids/mask [B,Lc]"),
  /** Training-set row index of each example {@code [B]} int32 (for cached embedding tables). */
  EXAMPLE_INDEX("example indices [B]"),
  /** The live model's score matrix {@code [B, B]} (for the {@code self} variant). */
  LIVE_SCORES("live scores [B,B]");

  private final String description;

  EstimatorInput(String description) {
    this.description = description;
  }

  /** A short human-readable description with shape, used in error messages. */
  public String description() {
    return description;
  }
}
