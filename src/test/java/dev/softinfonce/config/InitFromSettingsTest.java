package dev.softinfonce.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A {@code model.init_from} start brings its architecture (always) and its settings (unless set). */
class InitFromSettingsTest {
  @TempDir Path tmp;

  @Test
  void aNamedStartAloneGivesTheWholeModelSection() throws Exception {
    Path f = tmp.resolve("x.yaml");
    Files.writeString(f, "model:\n  init_from: pretrained:all-minilm-l6-v2\n");
    ModelConfig m = ExperimentConfig.load(f, List.of()).model();
    assertEquals(384, m.hiddenSize());
    assertEquals(6, m.numLayers());
    assertEquals(12, m.numHeads());
    assertEquals(1536, m.intermediateSize());
    assertEquals(30522, m.vocabSize());
    assertEquals(ModelConfig.Pooling.MEAN, m.pooling());
    assertTrue(m.normalize());
    assertEquals(0.05, m.temperature(), 0);
    assertEquals(64, m.maxQueryLength());
    assertEquals(256, m.maxCodeLength());
  }

  @Test
  void givenSettingsWinButTheArchitectureIsTheStarts() throws Exception {
    Path f = tmp.resolve("x.yaml");
    Files.writeString(f, "model:\n  init_from: pretrained:all-minilm-l6-v2\n  hidden_size: 128\n"
        + "  max_code_length: 128\n  normalize: false\n");
    ModelConfig m = ExperimentConfig.load(f, List.of("model.temperature=0.1")).model();
    assertEquals(384, m.hiddenSize(), "the weights fix the architecture");
    assertEquals(128, m.maxCodeLength());
    assertFalse(m.normalize());
    assertEquals(0.1, m.temperature(), 0);
    assertEquals(64, m.maxQueryLength(), "not given: the start's");
  }

  @Test
  void anUnknownNameIsAnErrorListingTheNames() {
    ConfigException e = assertThrows(ConfigException.class, () -> ExperimentConfig.builder()
        .set("model.init_from", "pretrained:all-minilm-l6").build());
    assertTrue(e.getMessage().contains("unknown pretrained start 'all-minilm-l6'"), e.getMessage());
    assertTrue(e.getMessage().contains("did you mean 'all-minilm-l6-v2'"), e.getMessage());
  }

  @Test
  void aSentenceTransformersFolderBringsPoolingNormalisationAndLength() throws Exception {
    Path hf = Files.createDirectories(tmp.resolve("st"));
    Files.writeString(hf.resolve("config.json"), "{\"model_type\": \"roberta\", \"vocab_size\": 50, \"hidden_size\": 16,"
        + " \"num_hidden_layers\": 2, \"num_attention_heads\": 4, \"intermediate_size\": 32,"
        + " \"max_position_embeddings\": 130, \"type_vocab_size\": 1, \"layer_norm_eps\": 1e-05, \"pad_token_id\": 1,"
        + " \"hidden_dropout_prob\": 0.2, \"attention_probs_dropout_prob\": 0.0}");
    Files.writeString(hf.resolve("modules.json"), "[{\"idx\": 0, \"name\": \"0\", \"path\": \"\","
        + " \"type\": \"sentence_transformers.models.Transformer\"}, {\"idx\": 1, \"name\": \"1\", \"path\": \"1_Pooling\","
        + " \"type\": \"sentence_transformers.models.Pooling\"}, {\"idx\": 2, \"name\": \"2\", \"path\": \"2_Normalize\","
        + " \"type\": \"sentence_transformers.models.Normalize\"}]");
    Files.createDirectories(hf.resolve("1_Pooling"));
    Files.writeString(hf.resolve("1_Pooling/config.json"), "{\"word_embedding_dimension\": 16,"
        + " \"pooling_mode_cls_token\": true, \"pooling_mode_mean_tokens\": false}");
    Files.writeString(hf.resolve("sentence_bert_config.json"), "{\"max_seq_length\": 512, \"do_lower_case\": false}");
    ModelConfig m = ExperimentConfig.builder().set("model.init_from", hf.toString()).build().model();
    assertEquals(ModelConfig.Variant.ROBERTA, m.variant());
    assertEquals(16, m.hiddenSize());
    assertEquals(4, m.numHeads());
    assertEquals(130, m.maxPositions());
    assertEquals(1, m.padTokenId());
    assertEquals(1, m.typeVocabSize());
    assertEquals(1e-5, m.layerNormEps(), 0);
    assertEquals(0.2, m.hiddenDropout(), 0);
    assertEquals(0.0, m.attentionDropout(), 0);
    assertEquals(ModelConfig.Pooling.CLS, m.pooling());
    assertTrue(m.normalize());
    assertEquals(0.05, m.temperature(), 0);
    assertEquals(128, m.maxCodeLength(), "512 capped by RoBERTa's 130 - pad - 1 usable positions");
    assertEquals(64, m.maxQueryLength());
  }

  @Test
  void aPlainHuggingFaceFolderKeepsTheDefaultsForWhatItDoesNotSay() throws Exception {
    Path hf = Files.createDirectories(tmp.resolve("plain"));
    Files.writeString(hf.resolve("config.json"), "{\"model_type\": \"bert\", \"hidden_size\": 32,"
        + " \"num_attention_heads\": 2}");
    ModelConfig m = ExperimentConfig.builder().set("model.init_from", hf.toString()).build().model();
    assertEquals(32, m.hiddenSize());
    assertFalse(m.normalize());
    assertEquals(ModelConfig.Pooling.MEAN, m.pooling());
    Files.writeString(hf.resolve("config.json"), "{\"model_type\": \"t5\"}");
    ConfigException e = assertThrows(ConfigException.class,
        () -> ExperimentConfig.builder().set("model.init_from", hf.toString()).build());
    assertTrue(e.getMessage().contains("model_type 't5' is not a BERT or RoBERTa encoder"), e.getMessage());
  }
}
