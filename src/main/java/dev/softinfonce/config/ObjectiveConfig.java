package dev.softinfonce.config;

/**
 * The contrastive objective over a batch's score matrix {@code s [B,B]} (paper Eq. 1, 3–4 and §4).
 * Symbols keep the paper's names: α ({@code alpha}), β ({@code beta}), t ({@code t}).
 *
 * <p>Soft-InfoNCE weights: {@code w_ij = max(min_weight, (β − α·p_ij) / (β − α/(N−1)))} with
 * {@code p = softmax(sim_neg / t)} over the N−1 negatives of row i. For {@code kl_regularization} the
 * loss is {@code β·CE + α·KL(p ‖ P_θ)}; note that the reference code maps its flags the other way
 * round (paper.md §4 item 3), so the paper's "CE 1.3, KL 0.7" is {@code beta: 1.3, alpha: 0.7} here.
 *
 * <p>Which keys each objective reads is declared once, on {@link Name} ({@code similarity} is read by all:
 * it shapes {@code objective eval}); a key the objective does not read is a {@link ConfigException}
 * (see {@link ReadsKeys}). {@code fn_cancel_ratio} compares against the estimator's self score sim_ii;
 * {@code simcse} reads t (the τ of cosine/τ, 0.07 in the reference). Batch-size rules ({@code β − α/(N−1) > 0}
 * for N ≥ 3, {@code top_k ≤ batch_size − 2}) are
 * checked by {@link ExperimentConfig}. The objectives live in {@code dev.softinfonce.objective}.
 *
 * <p>{@code simcse} is not a query–code objective but a training mode: unsupervised SimCSE (paper §3.2)
 * trains the query tower as a sentence encoder on the training docstrings, each batch encoded twice with
 * dropout, loss = in-batch cross-entropy over {@code cos(z1_i, z2_j) / t} ({@code objective.SimCseLoss}).
 * Code is not read. Its checkpoints are what {@code estimator.name: simcse} loads as {@code estimator.model}.
 * It requires {@code estimator.name: uniform} and rejects {@code mask_duplicates} (checked by
 * {@link ExperimentConfig}).
 */
public record ObjectiveConfig(
    @Field(value = "infonce", help = "infonce | soft_infonce | bce | weighted_infonce | kl_regularization | fn_cancel_topk | fn_cancel_ratio | simcse") Name name,
    @Field(value = "1.0", min = 0, help = "alpha: strength of the relevance term") double alpha,
    @Field(value = "1.0", min = 0, minExclusive = true, help = "beta: weight of the uniform term") double beta,
    @Field(value = "1.0", min = 0, minExclusive = true, help = "t: softmax temperature over estimator scores") double t,
    @Field(value = "0.1", min = 0, max = 1, help = "floor of every negative weight (paper: 0.1)") double minWeight,
    @Field(value = "dot", help = "dot | cosine (paper: dot)") Similarity similarity,
    @Field(value = "false", help = "add the code-to-query direction") boolean symmetric,
    @Field(value = "false", help = "drop negatives whose code is identical to the positive") boolean maskDuplicates,
    @Field(value = "1", min = 1, help = "fn_cancel_topk: negatives removed per row") int topK,
    @Field(value = "0.5", min = 0, minExclusive = true, help = "fn_cancel_ratio: drop negatives with sim >= ratio*sim_ii") double ratio) {

  /** Objective names as written in YAML and in {@code objective eval} cases. */
  public enum Name implements ReadsKeys {
    INFONCE("symmetric", "mask_duplicates"),
    SOFT_INFONCE("alpha", "beta", "t", "min_weight", "symmetric", "mask_duplicates"),
    BCE("t", "mask_duplicates"),
    WEIGHTED_INFONCE("t", "mask_duplicates"),
    KL_REGULARIZATION("alpha", "beta", "t", "mask_duplicates"),
    FN_CANCEL_TOPK("top_k", "mask_duplicates"),
    FN_CANCEL_RATIO("ratio", "mask_duplicates"),
    /** Unsupervised SimCSE training of a docstring encoder (the SimCSE estimator's model), see above. */
    SIMCSE("t");

    private final java.util.List<String> keys;

    Name(String... keys) {
      java.util.List<String> all = new java.util.ArrayList<>(java.util.List.of(keys));
      all.add("similarity"); // every objective: how `objective eval` turns embeddings into scores
      this.keys = java.util.List.copyOf(all);
    }

    /** The {@code objective.*} keys this objective reads besides {@code name}. */
    @Override
    public java.util.List<String> keys() {
      return keys;
    }

    /** Whether this objective reads estimator scores. */
    public boolean usesRelevance() {
      return this != INFONCE && this != SIMCSE;
    }
  }

  /** How query and code embeddings become scores. */
  public enum Similarity { DOT, COSINE }

  /**
   * Checks that hold for any batch size N: the Eq. 4 denominator {@code β − α/(N−1)} must be positive
   * for the smallest batch the objective sees, which is checked by {@link ExperimentConfig}.
   */
  void validate(ConfigParser.Checker check) {
    check.require(!symmetric || name == Name.INFONCE || name == Name.SOFT_INFONCE, "objective.symmetric",
        "is only defined for infonce and soft_infonce, not " + ConfigParser.yamlName(name));
    // SimCSE's temperature is objective.t (0.07 in the reference); the general default 1.0 would train a
    // different, much softer objective without a word, so it must be given.
    check.require(name != Name.SIMCSE || check.isSet("objective.t"), "objective.t",
        "must be set for simcse (the reference uses 0.07: cosine / t)");
    check.require(!maskDuplicates || name != Name.SIMCSE, "objective.mask_duplicates",
        "is not available for simcse (it compares code; SimCSE reads docstrings only)");
  }

  /** Eq. 4 denominator for batch size n; must be positive. */
  public double weightDenominator(int n) {
    return beta - alpha / (n - 1);
  }
}
