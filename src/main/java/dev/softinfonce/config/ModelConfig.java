package dev.softinfonce.config;

/**
 * The bi-encoder: a BERT/RoBERTa transformer per tower, pooling, similarity head and tokenization.
 * Field names follow Hugging Face's {@code config.json} where a counterpart exists.
 */
public record ModelConfig(
    @Field(value = "bert", help = "bert | roberta (roberta offsets positions past padding_idx)") Variant variant,
    @Field(value = "", nullable = true, help = "tokenizer.json path; empty = train one on the corpus", path = true) String tokenizer,
    @Field(value = "8000", min = 2, help = "vocabulary size") int vocabSize,
    @Field(value = "128", min = 1, help = "hidden size D") int hiddenSize,
    @Field(value = "2", min = 1, help = "transformer layers") int numLayers,
    @Field(value = "4", min = 1, help = "attention heads") int numHeads,
    @Field(value = "512", min = 1, help = "feed-forward size") int intermediateSize,
    @Field(value = "512", min = 1, help = "position embeddings") int maxPositions,
    @Field(value = "2", min = 0, help = "token type vocabulary (0 = none)") int typeVocabSize,
    @Field(value = "1e-12", min = 0, minExclusive = true, help = "layer norm epsilon") double layerNormEps,
    @Field(value = "0.1", min = 0, max = 0.95, help = "dropout on hidden states") double hiddenDropout,
    @Field(value = "0.1", min = 0, max = 0.95, help = "dropout on attention probabilities") double attentionDropout,
    @Field(value = "0", min = 0, help = "padding token id (RoBERTa: 1)") int padTokenId,
    @Field(value = "mean", help = "cls | mean | pooler") Pooling pooling,
    @Field(value = "true", help = "one encoder for query and code (the paper's setting)") boolean sharedTowers,
    @Field(value = "false", help = "L2-normalise embeddings (cosine similarity)") boolean normalize,
    @Field(value = "1.0", min = 0, minExclusive = true, help = "similarity temperature tau: s = q.c / tau") double temperature,
    @Field(value = "false", help = "learn tau (as log 1/tau)") boolean learnTemperature,
    @Field(value = "32", min = 2, help = "query tokens incl. special tokens") int maxQueryLength,
    @Field(value = "96", min = 2, help = "code tokens incl. special tokens") int maxCodeLength,
    @Field(value = "", nullable = true, help = "start from an imported or trained checkpoint dir", path = true) String initFrom) {

  /** Architecture family: affects position ids only. */
  public enum Variant { BERT, ROBERTA }

  /** How a sequence of hidden states becomes one embedding. */
  public enum Pooling { CLS, MEAN, POOLER }

  /** Size of one attention head. */
  public int headSize() {
    return hiddenSize / numHeads;
  }

  void validate(ConfigParser.Checker check) {
    check.require(hiddenSize % numHeads == 0, "model.num_heads",
        "hidden_size " + hiddenSize + " must be divisible by num_heads " + numHeads);
    check.require(maxQueryLength <= maxPositions, "model.max_query_length",
        "must not exceed max_positions " + maxPositions);
    check.require(maxCodeLength <= maxPositions, "model.max_code_length",
        "must not exceed max_positions " + maxPositions);
    check.require(padTokenId < vocabSize, "model.pad_token_id", "must be below vocab_size " + vocabSize);
  }
}
