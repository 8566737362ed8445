package dev.softinfonce.config;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The whole resolved configuration of a run: one immutable record per YAML section.
 *
 * <p>Three front-ends produce it through the one {@link ConfigParser}: a YAML file
 * ({@link #load(Path, List)}), {@code --set section.key=value} overrides, and the programmatic
 * {@link #builder()}. Unknown keys, wrong types and out-of-range values are {@link ConfigException}s
 * that name the key, the value and where it came from.
 */
public record ExperimentConfig(
    DataConfig data,
    ModelConfig model,
    ObjectiveConfig objective,
    EstimatorConfig estimator,
    TrainConfig train,
    EvalConfig eval,
    ExportConfig export) {

  /** Section names in YAML order, mapped to their record types. */
  static final Map<String, Class<? extends Record>> SECTIONS = sections();

  private static Map<String, Class<? extends Record>> sections() {
    Map<String, Class<? extends Record>> m = new LinkedHashMap<>();
    m.put("data", DataConfig.class);
    m.put("model", ModelConfig.class);
    m.put("objective", ObjectiveConfig.class);
    m.put("estimator", EstimatorConfig.class);
    m.put("train", TrainConfig.class);
    m.put("eval", EvalConfig.class);
    m.put("export", ExportConfig.class);
    return m;
  }

  /** Every key at its default. */
  public static ExperimentConfig defaults() {
    return builder().build();
  }

  /** Reads a YAML file and applies {@code overrides} ({@code "train.batch_size=64"}) on top. */
  public static ExperimentConfig load(Path file, List<String> overrides) {
    return new ConfigParser().file(file).overrides(overrides).build();
  }

  /** A builder whose {@code set} calls go through the same parser as YAML and {@code --set}. */
  public static ConfigParser builder() {
    return new ConfigParser();
  }

  /** A builder pre-filled with this config's values, for deriving variants. */
  public ConfigParser toBuilder() {
    return new ConfigParser().values(this);
  }

  /** The resolved config as YAML, readable back by {@link #load}. */
  public String toYaml() {
    return ConfigParser.toYaml(this);
  }

  /**
   * The resolved config as YAML to be saved as {@code folder/config.yaml} (a checkpoint, an export): its
   * paths are written relative to {@code folder}, and {@link #load} of that file resolves them against
   * wherever the folder is then, so the folder can be moved or copied to another machine.
   */
  public String toYaml(Path folder) {
    return ConfigParser.toYaml(this, folder);
  }

  void validate(ConfigParser.Checker check) {
    // an empty run folder would put checkpoints into the working directory
    check.require(!train().outputDir().isBlank(), "train.output_dir", "is empty; name the run folder (e.g. runs/NAME)");
    if (objective.name().usesRelevance() || estimator.name() == EstimatorConfig.Name.UNIFORM) {
      // fine: a relevance-weighted objective with any estimator, or uniform weights.
    } else {
      check.require(false, "estimator.name", "estimator " + ConfigParser.yamlName(estimator.name())
          + " has no effect with objective " + ConfigParser.yamlName(objective.name())
          + (objective.name() == ObjectiveConfig.Name.SIMCSE
              ? " (it trains the SimCSE estimator's docstring encoder); set estimator.name: uniform"
              : "; use soft_infonce or set estimator.name: uniform"));
    }
    if (objective.name() == ObjectiveConfig.Name.SIMCSE) {
      check.require(!model.learnTemperature(), "model.learn_temperature",
          "is not used by objective simcse, whose temperature is objective.t (cosine / t); set it to false");
    }
    if (objective.name() == ObjectiveConfig.Name.SOFT_INFONCE) {
      // N = 2 has one negative with p = 1, so Eq. 4 gives weight 1 whatever the denominator's sign.
      check.require(train.batchSize() == 2 || objective.weightDenominator(train.batchSize()) > 0, "objective.alpha",
          "beta - alpha/(batch_size-1) must be > 0 (Eq. 4 denominator; otherwise the weights rise with "
              + "relevance or divide by zero), got beta=" + objective.beta() + " alpha=" + objective.alpha()
              + " batch_size=" + train.batchSize());
    }
    if (objective.name() == ObjectiveConfig.Name.FN_CANCEL_TOPK) {
      check.require(objective.topK() <= train.batchSize() - 2, "objective.top_k",
          "must be <= batch_size - 2 so that every query keeps a negative, got top_k=" + objective.topK()
              + " batch_size=" + train.batchSize());
    }
  }
}
