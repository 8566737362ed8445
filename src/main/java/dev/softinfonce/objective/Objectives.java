package dev.softinfonce.objective;

import dev.softinfonce.config.ObjectiveConfig;

/** Builds the {@link Objective} named by {@code objective.name}. */
public final class Objectives {
  private Objectives() {}

  /** The objective for a validated config section. */
  public static Objective create(ObjectiveConfig config) {
    return switch (config.name()) {
      case INFONCE -> new InfoNce(config);
      case SOFT_INFONCE -> new SoftInfoNce(config);
      case BCE -> new BceSoftLabels(config);
      case WEIGHTED_INFONCE -> new WeightedInfoNce(config);
      case KL_REGULARIZATION -> new KlRegularization(config);
      case FN_CANCEL_TOPK, FN_CANCEL_RATIO -> new FalseNegativeCancellation(config);
      case SIMCSE -> throw new IllegalArgumentException("objective.name: simcse trains a docstring encoder on two"
          + " dropout views of the same batch; it has its own graph builder, train.SimCseTrainingGraph (loss"
          + " objective.SimCseLoss), not a loss over a query-code score matrix");
    };
  }
}
