package dev.softinfonce.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.softinfonce.config.ExperimentConfig;
import dev.softinfonce.config.ModelConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.Graph;
import org.tensorflow.Session;
import org.tensorflow.ndarray.StdArrays;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * Safetensors round trip on a small random RoBERTa: write a model's variables as a Hugging Face style
 * safetensors file (with {@code roberta.} prefix and a config.json), import, restore into a fresh graph
 * and get the original outputs back; F16 storage; refusals; and RoBERTa position ids checked against a
 * BERT encoder whose position table is shifted by {@code pad + 1} rows.
 */
class SafetensorsImportTest {
  @TempDir Path tmp;

  static final int[][] IDS = {{0, 5, 7, 9, 2, 1, 1}, {0, 11, 12, 13, 14, 15, 2}};
  static final int[][] MASK = {{1, 1, 1, 1, 1, 0, 0}, {1, 1, 1, 1, 1, 1, 1}};

  static ModelConfig tinyRoberta() {
    return ExperimentConfig.builder()
        .set("model.variant", "roberta").set("model.pooling", "pooler").set("model.pad_token_id", 1)
        .set("model.vocab_size", 30).set("model.hidden_size", 8).set("model.num_layers", 2)
        .set("model.num_heads", 2).set("model.intermediate_size", 12).set("model.max_positions", 12)
        .set("model.max_query_length", 8).set("model.max_code_length", 8).set("model.layer_norm_eps", 1e-5)
        .build().model();
  }

  /** Variable values and [hidden states, pooled] of a freshly initialised encoder. */
  record Snapshot(Map<String, NamedTensor> weights, float[][][] hidden, float[][] pooled) {}

  static Snapshot snapshot(ModelConfig cfg, long seed, Path restoreFrom) {
    try (Graph g = new Graph(); Session s = new Session(g);
        TInt32 ids = TInt32.tensorOf(StdArrays.ndCopyOf(IDS)); TInt32 mask = TInt32.tensorOf(StdArrays.ndCopyOf(MASK))) {
      Ops tf = Ops.create(g);
      TransformerEncoder<TFloat32> enc = new TransformerEncoder<>(tf, cfg, TFloat32.class, "", false, seed);
      var h = enc.hiddenStates(tf.constant(ids), tf.constant(mask));
      var p = enc.pool(h, tf.constant(mask));
      if (restoreFrom != null) {
        PretrainedCheckpoint.restore(s, tf, enc.variables(), restoreFrom, "");
      }
      Map<String, NamedTensor> w = new LinkedHashMap<>();
      for (var e : enc.variables().entrySet()) {
        try (var r = s.runner().fetch(e.getValue()).run()) {
          TFloat32 t = (TFloat32) r.get(0);
          float[] v = new float[(int) t.shape().size()];
          t.copyTo(DataBuffers.of(v, false, false));
          w.put(e.getKey(), new NamedTensor(e.getKey(), t.shape().asArray(), v));
        }
      }
      try (var r = s.runner().fetch(h).fetch(p).run()) {
        float[][][] hidden = new float[IDS.length][IDS[0].length][cfg.hiddenSize()];
        StdArrays.copyFrom((TFloat32) r.get(0), hidden);
        return new Snapshot(w, hidden, StdArrays.array2dCopyOf((TFloat32) r.get(1)));
      }
    }
  }

  private Path writeHf(Map<String, NamedTensor> weights, String dtype, boolean withConfig, Map<String, NamedTensor> extra)
      throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("hf-" + dtype + "-" + withConfig + "-" + extra.size()));
    Map<String, NamedTensor> out = new LinkedHashMap<>();
    weights.forEach((n, t) -> out.put("roberta." + n, t.renamed("roberta." + n)));
    out.putAll(extra);
    Path file = dir.resolve("model.safetensors");
    Safetensors.write(file, out, dtype);
    if (withConfig) {
      Files.writeString(dir.resolve("config.json"), "{\"model_type\": \"roberta\", \"num_attention_heads\": 2,"
          + " \"layer_norm_eps\": 1e-05, \"pad_token_id\": 1, \"hidden_act\": \"gelu\"}");
    }
    return file;
  }

  @Test
  void f32RoundTripReproducesTheModel() throws Exception {
    ModelConfig cfg = tinyRoberta();
    Snapshot original = snapshot(cfg, 5L, null);
    Map<String, NamedTensor> head = Map.of("lm_head.dense.weight", new NamedTensor("lm_head.dense.weight",
        new long[] {8, 8}, new float[64]));
    Path file = writeHf(original.weights(), "F32", true, head);
    WeightImporter.Imported imp = WeightImporter.fromSafetensors(file,
        WeightImporter.Options.defaults().withPooling(ModelConfig.Pooling.POOLER));
    assertEquals(ModelConfig.Variant.ROBERTA, imp.config().variant());
    assertEquals(2, imp.config().numHeads());
    assertEquals(1, imp.config().padTokenId());
    assertEquals(1e-5, imp.config().layerNormEps(), 1e-12);
    assertEquals(2, imp.config().numLayers());
    assertEquals(12, imp.config().intermediateSize());
    assertTrue(imp.notes().stream().anyMatch(n -> n.contains("lm_head.dense.weight")), imp.notes().toString());

    Path dir = tmp.resolve("ckpt");
    PretrainedCheckpoint.write(dir, imp.config(), imp.weights(), null);
    Snapshot restored = snapshot(PretrainedCheckpoint.readConfig(dir), 99L, dir);
    for (var e : original.weights().entrySet()) {
      assertArrayEquals(e.getValue().data(), restored.weights().get(e.getKey()).data(), 0f, e.getKey());
    }
    for (int b = 0; b < IDS.length; b++) {
      for (int t = 0; t < IDS[0].length; t++) {
        assertArrayEquals(original.hidden()[b][t], restored.hidden()[b][t], 1e-6f);
      }
      assertArrayEquals(original.pooled()[b], restored.pooled()[b], 1e-6f);
    }
    // a different seed really gives a different model (the comparison above is not vacuous)
    Snapshot other = snapshot(cfg, 99L, null);
    assertTrue(Math.abs(other.pooled()[0][0] - original.pooled()[0][0]) > 1e-6);
  }

  @Test
  void halfPrecisionFilesAreReadAsFloat32() throws Exception {
    ModelConfig cfg = tinyRoberta();
    Snapshot original = snapshot(cfg, 5L, null);
    for (String dtype : new String[] {"F16", "BF16"}) {
      Path file = writeHf(original.weights(), dtype, true, Map.of());
      WeightImporter.Imported imp = WeightImporter.fromSafetensors(file,
          WeightImporter.Options.defaults().withPooling(ModelConfig.Pooling.POOLER));
      float[] src = original.weights().get("encoder.layer.1.attention.self.key.weight").data();
      float[] got = imp.weights().get("encoder.layer.1.attention.self.key.weight").data();
      double tol = dtype.equals("F16") ? 0x1p-11 : 0x1p-8; // half an ulp, relative
      for (int i = 0; i < src.length; i++) {
        assertEquals(src[i], got[i], Math.abs(src[i]) * tol + 1e-7, dtype + " value " + i);
      }
    }
    // exact values of the formats
    assertEquals(1.0f, HalfFloats.fromHalf((short) 0x3c00));
    assertEquals(65504f, HalfFloats.fromHalf((short) 0x7bff));
    assertEquals(-2.0f, HalfFloats.fromHalf((short) 0xc000));
    assertEquals(0x1p-24f, HalfFloats.fromHalf((short) 0x0001));
    assertEquals((short) 0x3c00, HalfFloats.toHalf(1.0f));
    assertEquals((short) 0x3555, HalfFloats.toHalf(1f / 3f));
    assertEquals(1.0f, HalfFloats.fromBfloat16((short) 0x3f80));
  }

  @Test
  void unplaceableAndMissingTensorsAreListed() throws Exception {
    ModelConfig cfg = tinyRoberta();
    Snapshot original = snapshot(cfg, 5L, null);
    Map<String, NamedTensor> extra = Map.of("roberta.mystery.weight",
        new NamedTensor("roberta.mystery.weight", new long[] {2}, new float[2]));
    Path bad = writeHf(original.weights(), "F32", true, extra);
    WeightImportException e1 = assertThrows(WeightImportException.class, () -> WeightImporter.fromSafetensors(bad,
        WeightImporter.Options.defaults().withPooling(ModelConfig.Pooling.POOLER)));
    assertTrue(e1.getMessage().contains("roberta.mystery.weight"), e1.getMessage());

    Map<String, NamedTensor> partial = new LinkedHashMap<>(original.weights());
    partial.remove("encoder.layer.1.output.dense.bias");
    partial.remove("encoder.layer.0.attention.self.value.weight");
    Path missing = writeHf(partial, "F32", true, Map.of());
    WeightImportException e2 = assertThrows(WeightImportException.class, () -> WeightImporter.fromSafetensors(missing,
        WeightImporter.Options.defaults().withPooling(ModelConfig.Pooling.POOLER)));
    assertTrue(e2.getMessage().contains("encoder.layer.1.output.dense.bias"), e2.getMessage());
    assertTrue(e2.getMessage().contains("encoder.layer.0.attention.self.value.weight"), e2.getMessage());

    Path noConfig = writeHf(original.weights(), "F32", false, Map.of());
    WeightImportException e3 = assertThrows(WeightImportException.class,
        () -> WeightImporter.fromSafetensors(noConfig, WeightImporter.Options.defaults()));
    assertTrue(e3.getMessage().contains("--num-heads"), e3.getMessage());
    // with the hint it imports; pooling mean drops the pooler and says so
    WeightImporter.Imported imp = WeightImporter.fromSafetensors(noConfig,
        WeightImporter.Options.defaults().withNumHeads(2).withVariant(ModelConfig.Variant.ROBERTA, 1));
    assertTrue(imp.notes().stream().anyMatch(n -> n.startsWith("skipped pooler.dense.weight")), imp.notes().toString());
    assertTrue(!imp.weights().containsKey("pooler.dense.weight"));
  }

  @Test
  void restoreNamesVariablesTheCheckpointLacks() throws Exception {
    ModelConfig cfg = tinyRoberta();
    Snapshot original = snapshot(cfg, 5L, null);
    Path dir = tmp.resolve("ckpt2");
    PretrainedCheckpoint.write(dir, cfg, original.weights(), null);
    ModelConfig learnable = PretrainedCheckpoint.withModel(cfg, "learn_temperature", true);
    try (Graph g = new Graph(); Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      DualEncoder d = new DualEncoder(tf, learnable, false, 1L);
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> PretrainedCheckpoint.restore(s, tf, d.variables(), dir, ""));
      assertTrue(e.getMessage().contains("1 variable(s) not in the checkpoint: logit_scale"), e.getMessage());
    }
  }

  /**
   * RoBERTa numbers real tokens from pad+1: the same weights with a BERT encoder whose position table is
   * the RoBERTa table shifted up by pad+1 rows must give identical states for real tokens (right padding).
   */
  @Test
  void robertaPositionsAreBertPositionsShiftedPastPadding() throws Exception {
    ModelConfig roberta = tinyRoberta();
    Snapshot r = snapshot(roberta, 5L, null);
    int shift = roberta.padTokenId() + 1;
    Map<String, NamedTensor> shifted = new LinkedHashMap<>(r.weights());
    NamedTensor pos = r.weights().get("embeddings.position_embeddings.weight");
    int d = roberta.hiddenSize();
    int rows = (int) pos.shape()[0] - shift;
    float[] v = java.util.Arrays.copyOfRange(pos.data(), shift * d, (shift + rows) * d);
    shifted.put(pos.name(), new NamedTensor(pos.name(), new long[] {rows, d}, v));
    ModelConfig bert = ExperimentConfig.builder()
        .set("model.variant", "bert").set("model.pooling", "pooler").set("model.pad_token_id", 1)
        .set("model.vocab_size", 30).set("model.hidden_size", 8).set("model.num_layers", 2)
        .set("model.num_heads", 2).set("model.intermediate_size", 12).set("model.max_positions", rows)
        .set("model.max_query_length", 8).set("model.max_code_length", 8).set("model.layer_norm_eps", 1e-5)
        .build().model();
    Path dir = tmp.resolve("bert-shifted");
    PretrainedCheckpoint.write(dir, bert, shifted, null);
    Snapshot b = snapshot(bert, 77L, dir);
    for (int i = 0; i < IDS.length; i++) {
      for (int t = 0; t < IDS[0].length; t++) {
        if (MASK[i][t] == 1) {
          assertArrayEquals(r.hidden()[i][t], b.hidden()[i][t], 1e-5f, "sequence " + i + " token " + t);
        }
      }
    }
  }
}
