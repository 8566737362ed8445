package dev.softinfonce.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.softinfonce.config.ExperimentConfig;
import dev.softinfonce.config.ModelConfig;
import dev.softinfonce.config.PretrainedStart;
import dev.softinfonce.javacorpus.SourcesJarResolver;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.Graph;
import org.tensorflow.Session;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * Named starts resolve from the local Maven repository (the MiniLM jar the tests already depend on) with
 * no network, import once with the start's settings and are reused; a Hugging Face folder imports with
 * its own settings and reproduces its weights.
 */
public class PretrainedStartsTest {
  @TempDir Path tmp;

  /** A repository nobody listens on: any download attempt fails the test. */
  static final String NO_NETWORK = "http://127.0.0.1:9/maven2";

  static PretrainedStarts offline(Path cache, List<String> log) {
    return new PretrainedStarts(new SourcesJarResolver(Path.of(System.getProperty("user.home"), ".m2", "repository"),
        NO_NETWORK, log::add), cache, log::add);
  }

  @Test
  void theNamedMiniLmStartImportsOnceFromTheLocalRepositoryWithItsSettings() throws Exception {
    List<String> log = new ArrayList<>();
    PretrainedStarts starts = offline(tmp.resolve("cache"), log);
    PretrainedStarts.Listing before = starts.list().get(0);
    assertEquals("all-minilm-l6-v2", before.start().name());
    assertTrue(before.jarCached(), "the test dependency is in ~/.m2");
    assertTrue(!before.imported());

    Path dir = starts.resolve("pretrained:all-minilm-l6-v2");
    assertEquals(tmp.resolve("cache/pretrained/all-minilm-l6-v2"), dir);
    ModelConfig m = PretrainedCheckpoint.readConfig(dir);
    assertEquals(PretrainedStart.named("all-minilm-l6-v2").modelConfig().hiddenSize(), m.hiddenSize());
    assertEquals(384, m.hiddenSize());
    assertEquals(12, m.numHeads());
    assertTrue(m.normalize());
    assertEquals(0.05, m.temperature(), 0);
    assertEquals(256, m.maxCodeLength());
    assertEquals(ModelConfig.Pooling.MEAN, m.pooling());
    assertTrue(Files.isRegularFile(dir.resolve("tokenizer.json")));
    assertEquals(1, log.stream().filter(l -> l.contains("imported")).count(), log.toString());
    try (InferenceModel model = InferenceModel.load(dir, 4, 2)) {
      float[][] q = model.encodeQueries(List.of("read a file", "sort a list"), null);
      double norm = 0;
      for (float x : q[0]) {
        norm += x * x;
      }
      assertEquals(1.0, norm, 1e-4, "normalised embeddings");
    }
    assertTrue(starts.list().get(0).imported());

    log.clear();
    assertEquals(dir, starts.resolve("pretrained:all-minilm-l6-v2"));
    assertTrue(log.isEmpty(), "second use: no import, no download: " + log);
  }

  /** Writes a random tiny BERT as a sentence-transformers style Hugging Face folder; returns its weights. */
  public static Map<String, NamedTensor> writeHuggingFaceFolder(Path dir, ModelConfig cfg, Path tokenizer)
      throws Exception {
    Files.createDirectories(dir);
    Map<String, NamedTensor> w = new LinkedHashMap<>();
    try (Graph g = new Graph(); Session s = new Session(g)) {
      TransformerEncoder<TFloat32> enc = new TransformerEncoder<>(Ops.create(g), cfg, TFloat32.class, "", false, 7L);
      s.initialize();
      for (var e : enc.variables().entrySet()) {
        try (var r = s.runner().fetch(e.getValue()).run()) {
          TFloat32 t = (TFloat32) r.get(0);
          float[] v = new float[(int) t.shape().size()];
          t.copyTo(DataBuffers.of(v, false, false));
          w.put(e.getKey(), new NamedTensor(e.getKey(), t.shape().asArray(), v));
        }
      }
    }
    Map<String, NamedTensor> hfNames = new LinkedHashMap<>();
    w.forEach((n, t) -> hfNames.put("bert." + n, t.renamed("bert." + n)));
    Safetensors.write(dir.resolve("model.safetensors"), hfNames, "F32");
    Files.writeString(dir.resolve("config.json"), String.format("{\"model_type\": \"bert\", \"vocab_size\": %d,"
        + " \"hidden_size\": %d, \"num_hidden_layers\": %d, \"num_attention_heads\": %d, \"intermediate_size\": %d,"
        + " \"max_position_embeddings\": %d, \"hidden_act\": \"gelu\", \"pad_token_id\": 0}", cfg.vocabSize(),
        cfg.hiddenSize(), cfg.numLayers(), cfg.numHeads(), cfg.intermediateSize(), cfg.maxPositions()));
    Files.writeString(dir.resolve("modules.json"), "[{\"idx\": 1, \"name\": \"1\", \"path\": \"1_Pooling\","
        + " \"type\": \"sentence_transformers.models.Pooling\"}, {\"idx\": 2, \"name\": \"2\", \"path\": \"2_Normalize\","
        + " \"type\": \"sentence_transformers.models.Normalize\"}]");
    Files.createDirectories(dir.resolve("1_Pooling"));
    Files.writeString(dir.resolve("1_Pooling/config.json"), "{\"pooling_mode_cls_token\": true}");
    Files.writeString(dir.resolve("sentence_bert_config.json"), "{\"max_seq_length\": 24}");
    Files.copy(tokenizer, dir.resolve("tokenizer.json"));
    return w;
  }

  static ModelConfig tinyBert(int vocab) {
    return ExperimentConfig.builder().set("model.vocab_size", vocab).set("model.hidden_size", 16)
        .set("model.num_layers", 1).set("model.num_heads", 2).set("model.intermediate_size", 32)
        .set("model.max_positions", 32).set("model.max_query_length", 16).set("model.max_code_length", 16)
        .build().model();
  }

  @Test
  void aHuggingFaceFolderImportsWithItsOwnSettingsAndWeights() throws Exception {
    Path tok = tmp.resolve("tok.json");
    try (var in = PretrainedStartsTest.class.getClassLoader().getResourceAsStream("all-minilm-l6-v2-tokenizer.json")) {
      Files.copy(in, tok);
    }
    Map<String, NamedTensor> w = writeHuggingFaceFolder(tmp.resolve("hf"), tinyBert(30522), tok);
    List<String> log = new ArrayList<>();
    PretrainedStarts starts = offline(tmp.resolve("cache"), log);
    Path dir = starts.resolve(tmp.resolve("hf").toString());
    assertTrue(dir.startsWith(tmp.resolve("cache/hf")), dir.toString());
    ModelConfig m = PretrainedCheckpoint.readConfig(dir);
    assertEquals(ModelConfig.Pooling.CLS, m.pooling());
    assertTrue(m.normalize());
    assertEquals(24, m.maxCodeLength());
    assertEquals(16, m.hiddenSize());
    try (Graph g = new Graph(); Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      TransformerEncoder<TFloat32> enc = new TransformerEncoder<>(tf, m, TFloat32.class, "", false, 99L);
      PretrainedCheckpoint.restore(s, tf, enc.variables(), InferenceModel.variablesPrefix(dir), "");
      for (var e : enc.variables().entrySet()) {
        try (var r = s.runner().fetch(e.getValue()).run()) {
          TFloat32 t = (TFloat32) r.get(0);
          float[] v = new float[(int) t.shape().size()];
          t.copyTo(DataBuffers.of(v, false, false));
          assertArrayEquals(w.get(e.getKey()).data(), v, 0f, e.getKey());
        }
      }
    }
    log.clear();
    assertEquals(dir, starts.resolve(tmp.resolve("hf").toString()));
    assertTrue(log.isEmpty(), log.toString());
  }
}
