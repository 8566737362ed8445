package dev.softinfonce.config;

/**
 * The relevance estimator that scores in-batch negatives (paper §3): its scores {@code sim [B,B]}
 * feed the objective's weights and never receive gradients.
 */
public record EstimatorConfig(
    @Field(value = "uniform", help = "uniform | bm25 | simcse | trained | self") Name name,
    @Field(value = "1.2", min = 0, help = "BM25 k1") double k1,
    @Field(value = "0.75", min = 0, max = 1, help = "BM25 b") double b,
    @Field(value = "docstring", help = "BM25 scores query i against: docstring | code of example j") Bm25Field field,
    @Field(value = "", nullable = true, help = "simcse/trained: checkpoint dir of the frozen scorer", path = true) String model,
    @Field(value = "online", help = "trained: online (towers in the graph) | cached (embeddings computed once)") Mode mode) {

  /**
   * Estimator names as written in YAML, each with the {@code estimator.*} keys it reads (a key it does not
   * read is a {@link ConfigException}, see {@link ReadsKeys}). {@code self} is the reference code's
   * live-model behaviour.
   */
  public enum Name implements ReadsKeys {
    UNIFORM, BM25("k1", "b", "field"), SIMCSE("model"), TRAINED("model", "mode"), SELF;

    private final java.util.List<String> keys;

    Name(String... keys) {
      this.keys = java.util.List.of(keys);
    }

    /** The {@code estimator.*} keys this estimator reads besides {@code name}. */
    @Override
    public java.util.List<String> keys() {
      return keys;
    }
  }

  /** What BM25 treats as the document of example j. */
  public enum Bm25Field { DOCSTRING, CODE }

  /** How the trained-model estimator runs. */
  public enum Mode { ONLINE, CACHED }

  void validate(ConfigParser.Checker check) {
    check.require(!(name == Name.SIMCSE || name == Name.TRAINED) || model != null, "estimator.model",
        "is required for estimator " + ConfigParser.yamlName(name));
    check.require(mode == Mode.ONLINE || name == Name.TRAINED, "estimator.mode",
        "cached is only available for the trained estimator");
  }
}
