package dev.softinfonce.export;

import static dev.softinfonce.export.ServingContract.*;
import static org.junit.jupiter.api.Assertions.*;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import dev.softinfonce.config.ExperimentConfig;
import dev.softinfonce.config.ModelConfig;
import dev.softinfonce.export.TinyCheckpoints.Layout;
import dev.softinfonce.model.DualEncoder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.MetaGraphDef;
import org.tensorflow.proto.SavedModel;
import org.tensorflow.proto.SignatureDef;
import org.tensorflow.proto.TensorInfo;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * Export parity: the SavedModel reloaded by the C++ loader ({@link SavedModelBundle#load}, as TF
 * Serving does) gives the same embeddings and scores as an independently built graph restored from the
 * checkpoint; the written {@code saved_model.pb} carries the contract of {@link ServingContract}.
 */
class SavedModelExporterTest {
  static final List<String> QUERIES = List.of("read a file into string", "parse json", "sort the array of hash");
  static final List<String> CODES = List.of("def read ( path ) open ( path ) . read end",
      "public static void main ( ) { }", "def get_name self . name end", "json parse data");

  @TempDir Path tmp;

  /** Token ids and mask, padded with 0 to the longest row, from the test tokenizer via DJL directly. */
  static int[][][] tokenize(List<String> texts, int maxLength) throws Exception {
    try (HuggingFaceTokenizer tok = HuggingFaceTokenizer.builder()
        .optTokenizerPath(TinyCheckpoints.tokenizer(Files.createTempDirectory("tok").resolve("tokenizer.json")))
        .optMaxLength(maxLength).optTruncation(true).optPadding(false).build()) {
      Encoding[] enc = tok.batchEncode(texts);
      int len = 0;
      for (Encoding e : enc) {
        len = Math.max(len, e.getIds().length);
      }
      int[][] ids = new int[enc.length][len];
      int[][] mask = new int[enc.length][len];
      for (int i = 0; i < enc.length; i++) {
        for (int j = 0; j < enc[i].getIds().length; j++) {
          ids[i][j] = (int) enc[i].getIds()[j];
          mask[i][j] = 1;
        }
      }
      return new int[][][] {ids, mask};
    }
  }

  static TInt32 tensor(int[][] rows) {
    int b = rows.length;
    int l = rows[0].length;
    int[] flat = new int[b * l];
    for (int i = 0; i < b; i++) {
      System.arraycopy(rows[i], 0, flat, i * l, l);
    }
    return TInt32.tensorOf(Shape.of(b, l), DataBuffers.of(flat));
  }

  static float[][] matrix(Tensor t) {
    TFloat32 f = (TFloat32) t;
    int r = (int) f.shape().get(0);
    int c = (int) f.shape().get(1);
    float[][] m = new float[r][c];
    for (int i = 0; i < r; i++) {
      for (int j = 0; j < c; j++) {
        m[i][j] = f.getFloat(i, j);
      }
    }
    return m;
  }

  static double maxAbsDiff(float[][] a, float[][] b) {
    assertEquals(a.length, b.length);
    double worst = 0;
    for (int i = 0; i < a.length; i++) {
      assertEquals(a[i].length, b[i].length);
      for (int j = 0; j < a[i].length; j++) {
        worst = Math.max(worst, Math.abs((double) a[i][j] - b[i][j]));
      }
    }
    return worst;
  }

  /** Reference: a graph built here from DualEncoder with another seed, restored from the checkpoint prefix. */
  static float[][][] reference(ModelConfig m, Path prefix, int[][][] q, int[][][] c) {
    try (Graph g = new Graph(); Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      DualEncoder enc = new DualEncoder(tf, m, false, 99L);
      var qi = tf.placeholder(TInt32.class, Placeholder.shape(Shape.of(-1, -1)));
      var qm = tf.placeholder(TInt32.class, Placeholder.shape(Shape.of(-1, -1)));
      var ci = tf.placeholder(TInt32.class, Placeholder.shape(Shape.of(-1, -1)));
      var cm = tf.placeholder(TInt32.class, Placeholder.shape(Shape.of(-1, -1)));
      Operand<TFloat32> qe = enc.encodeQuery(qi, qm);
      Operand<TFloat32> ce = enc.encodeCode(ci, cm);
      Operand<TFloat32> sc = enc.scores(qe, ce);
      s.restore(prefix.toString());
      try (TInt32 a = tensor(q[0]); TInt32 b = tensor(q[1]); TInt32 x = tensor(c[0]); TInt32 y = tensor(c[1]);
          Result r = s.runner().feed(qi, a).feed(qm, b).feed(ci, x).feed(cm, y).fetch(qe).fetch(ce).fetch(sc).run()) {
        return new float[][][] {matrix(r.get(0)), matrix(r.get(1)), matrix(r.get(2))};
      }
    }
  }

  private void assertParity(ExperimentConfig cfg, Layout layout, Path prefix) throws Exception {
    Path ckpt = TinyCheckpoints.write(tmp.resolve("ckpt"), layout, cfg, 7L);
    var exported = new SavedModelExporter().export(ckpt, tmp.resolve("savedmodels/tiny"), null);
    assertEquals(tmp.resolve("savedmodels/tiny/1"), exported.versionDir());
    assertTrue(exported.selfCheckMaxAbsDiff() <= 1e-6, "self check " + exported.selfCheckMaxAbsDiff());

    ModelConfig m = cfg.model();
    int[][][] q = tokenize(QUERIES, m.maxQueryLength());
    int[][][] c = tokenize(CODES, m.maxCodeLength());
    float[][][] ref = reference(m, ckpt.resolve(prefix), q, c);

    try (SavedModelBundle b = SavedModelBundle.load(exported.versionDir().toString(), TAG);
        TInt32 qi = tensor(q[0]); TInt32 qm = tensor(q[1]); TInt32 ci = tensor(c[0]); TInt32 cm = tensor(c[1]);
        Result rq = b.function(SIG_ENCODE_QUERY).call(Map.of(INPUT_IDS, qi, ATTENTION_MASK, qm));
        Result rd = b.function(SIG_DEFAULT).call(Map.of(INPUT_IDS, qi, ATTENTION_MASK, qm));
        Result rc = b.function(SIG_ENCODE_CODE).call(Map.of(INPUT_IDS, ci, ATTENTION_MASK, cm));
        Result rs = b.function(SIG_SCORE).call(Map.of(QUERY_INPUT_IDS, qi, QUERY_ATTENTION_MASK, qm,
            CODE_INPUT_IDS, ci, CODE_ATTENTION_MASK, cm))) {
      float[][] qe = matrix(rq.get(OUTPUT_EMBEDDING).orElseThrow());
      float[][] ce = matrix(rc.get(OUTPUT_EMBEDDING).orElseThrow());
      float[][] sc = matrix(rs.get(OUTPUT_SCORES).orElseThrow());
      assertEquals(m.hiddenSize(), qe[0].length);
      assertTrue(maxAbsDiff(ref[0], qe) <= 1e-6, "encode_query diff " + maxAbsDiff(ref[0], qe));
      assertTrue(maxAbsDiff(ref[0], matrix(rd.get(OUTPUT_EMBEDDING).orElseThrow())) <= 1e-6, "serving_default");
      assertTrue(maxAbsDiff(ref[1], ce) <= 1e-6, "encode_code diff " + maxAbsDiff(ref[1], ce));
      assertTrue(maxAbsDiff(ref[2], sc) <= 1e-5, "score diff " + maxAbsDiff(ref[2], sc));
      // scores from the embeddings, in plain Java, with the scale written to serving.yaml
      double scale = exported.info().scoreScale();
      float[][] javaScores = new float[qe.length][ce.length];
      for (int i = 0; i < qe.length; i++) {
        for (int j = 0; j < ce.length; j++) {
          double dot = 0;
          for (int k = 0; k < qe[i].length; k++) {
            dot += (double) qe[i][k] * ce[j][k];
          }
          javaScores[i][j] = (float) (dot * scale);
        }
      }
      assertTrue(maxAbsDiff(javaScores, sc) <= 1e-4 * Math.max(1, scale), "java scores " + maxAbsDiff(javaScores, sc));
      if (m.normalize()) {
        for (float[] row : qe) {
          double n = 0;
          for (float v : row) {
            n += v * v;
          }
          assertEquals(1.0, Math.sqrt(n), 1e-5);
        }
      }
    }
  }

  @Test
  void trainerCheckpointSharedTowersParity() throws Exception {
    assertParity(TinyCheckpoints.config(), Layout.TRAINER, Path.of("variables"));
  }

  @Test
  void importedLayoutSeparateTowersLearntTemperatureParity() throws Exception {
    ExperimentConfig cfg = TinyCheckpoints.config("model.shared_towers=false", "model.normalize=true",
        "model.learn_temperature=true", "model.temperature=0.05", "model.pooling=cls");
    assertParity(cfg, Layout.IMPORTED, Path.of("variables/variables"));
    ServingInfo info = ServingInfo.read(tmp.resolve("savedmodels/tiny/1/assets.extra/serving.yaml"));
    assertEquals(Math.exp(2.5), info.scoreScale(), 1e-4, "exp(logit_scale) restored from the checkpoint");
    assertEquals("cosine", info.similarity());
  }

  @Test
  void towerLessCheckpointFillsBothSeparateTowers() throws Exception {
    // imported weights have no query./code. prefix; a config with separate towers starts both from them
    Path ckpt = TinyCheckpoints.write(tmp.resolve("ckpt"), Layout.IMPORTED, TinyCheckpoints.config(), 9L);
    Files.delete(ckpt.resolve("manifest.json")); // edited by hand below
    Files.writeString(ckpt.resolve("config.yaml"), TinyCheckpoints.config("model.shared_towers=false").toYaml());
    Path dir = new SavedModelExporter().export(ckpt, tmp.resolve("sm"), null).versionDir();
    int[][][] q = tokenize(QUERIES, 16);
    float[][][] ref = reference(TinyCheckpoints.config().model(), ckpt.resolve("variables/variables"), q, q);
    try (SavedModelBundle b = SavedModelBundle.load(dir.toString(), TAG);
        TInt32 ids = tensor(q[0]); TInt32 mask = tensor(q[1]);
        Result rq = b.function(SIG_ENCODE_QUERY).call(Map.of(INPUT_IDS, ids, ATTENTION_MASK, mask));
        Result rc = b.function(SIG_ENCODE_CODE).call(Map.of(INPUT_IDS, ids, ATTENTION_MASK, mask))) {
      assertTrue(maxAbsDiff(ref[0], matrix(rq.get(OUTPUT_EMBEDDING).orElseThrow())) <= 1e-6, "query tower");
      assertTrue(maxAbsDiff(ref[0], matrix(rc.get(OUTPUT_EMBEDDING).orElseThrow())) <= 1e-6, "code tower");
    }
  }

  @Test
  void savedModelProtoCarriesTheContract() throws Exception {
    Path ckpt = TinyCheckpoints.write(tmp.resolve("ckpt"), Layout.TRAINER, TinyCheckpoints.config(), 3L);
    Path dir = new SavedModelExporter().export(ckpt, tmp.resolve("sm"), 4).versionDir();
    assertEquals(tmp.resolve("sm/4"), dir);
    SavedModel sm = SavedModel.parseFrom(Files.readAllBytes(dir.resolve(SAVED_MODEL_PB)));
    assertEquals(1, sm.getMetaGraphsCount());
    MetaGraphDef mg = sm.getMetaGraphs(0);
    assertEquals(List.of("serve"), mg.getMetaInfoDef().getTagsList());
    assertEquals(Set.of("encode_query", "encode_code", "serving_default", "score"), mg.getSignatureDefMap().keySet());
    for (String key : List.of("encode_query", "encode_code", "serving_default")) {
      SignatureDef sig = mg.getSignatureDefOrThrow(key);
      assertEquals("tensorflow/serving/predict", sig.getMethodName(), key);
      assertEquals(Set.of("input_ids", "attention_mask"), sig.getInputsMap().keySet(), key);
      assertTokens(sig.getInputsOrThrow("input_ids"), "input_ids:0");
      assertTokens(sig.getInputsOrThrow("attention_mask"), "attention_mask:0");
      assertEquals(Set.of("embedding"), sig.getOutputsMap().keySet(), key);
      TensorInfo out = sig.getOutputsOrThrow("embedding");
      assertEquals(DataType.DT_FLOAT, out.getDtype());
      assertEquals(2, out.getTensorShape().getDimCount());
      assertEquals(-1, out.getTensorShape().getDim(0).getSize());
      assertEquals(32, out.getTensorShape().getDim(1).getSize());
    }
    assertEquals(mg.getSignatureDefOrThrow("encode_query").getOutputsOrThrow("embedding").getName(),
        mg.getSignatureDefOrThrow("serving_default").getOutputsOrThrow("embedding").getName());
    assertNotEquals(mg.getSignatureDefOrThrow("encode_query").getOutputsOrThrow("embedding").getName(),
        mg.getSignatureDefOrThrow("encode_code").getOutputsOrThrow("embedding").getName());
    SignatureDef score = mg.getSignatureDefOrThrow("score");
    assertEquals("tensorflow/serving/predict", score.getMethodName());
    assertEquals(Set.of("query_input_ids", "query_attention_mask", "code_input_ids", "code_attention_mask"),
        score.getInputsMap().keySet());
    for (var e : score.getInputsMap().entrySet()) {
      assertTokens(e.getValue(), e.getKey() + ":0");
    }
    TensorInfo scores = score.getOutputsOrThrow("scores");
    assertEquals(DataType.DT_FLOAT, scores.getDtype());
    assertEquals(2, scores.getTensorShape().getDimCount());
    // variables and assets
    assertTrue(Files.isRegularFile(dir.resolve("variables/variables.index")));
    assertFalse(mg.getSaverDef().getRestoreOpName().isEmpty());
    // the serving graph has no training ops (optimizer slots, dropout RNG, gradients)
    for (var node : mg.getGraphDef().getNodeList()) {
      assertFalse(node.getOp().startsWith("RandomUniform"), "dropout op in serving graph: " + node.getName());
      assertFalse(node.getOp().startsWith("Apply"), "optimizer op in serving graph: " + node.getName());
      assertFalse(node.getName().contains("gradients"), "gradient op in serving graph: " + node.getName());
    }
  }

  @Test
  void bf16ExportKeepsTheFloat32ContractAndComputesInBf16() throws Exception {
    Path ckpt = TinyCheckpoints.write(tmp.resolve("ckpt"), Layout.TRAINER, TinyCheckpoints.config(), 3L);
    Path f32 = new SavedModelExporter().export(ckpt, tmp.resolve("sm"), 1).versionDir();
    var exported = new SavedModelExporter().export(ckpt, tmp.resolve("sm"), 2, dev.softinfonce.config.Precision.BF16);
    Path b16 = exported.versionDir();
    assertTrue(exported.selfCheckMaxAbsDiff() <= 1e-6, "self check " + exported.selfCheckMaxAbsDiff());
    MetaGraphDef a = SavedModel.parseFrom(Files.readAllBytes(f32.resolve(SAVED_MODEL_PB))).getMetaGraphs(0);
    MetaGraphDef b = SavedModel.parseFrom(Files.readAllBytes(b16.resolve(SAVED_MODEL_PB))).getMetaGraphs(0);
    assertEquals(a.getSignatureDefMap(), b.getSignatureDefMap(), "same signatures: names, dtypes, shapes");
    int bf16MatMuls = 0;
    for (var node : b.getGraphDef().getNodeList()) {
      if (node.getOp().equals("VariableV2")) {
        assertEquals(DataType.DT_FLOAT, node.getAttrOrThrow("dtype").getType(), node.getName());
      }
      if ((node.getOp().equals("MatMul") || node.getOp().startsWith("BatchMatMul"))
          && node.getAttrOrThrow(node.getAttrMap().containsKey("T") ? "T" : "Ta").getType() == DataType.DT_BFLOAT16) {
        bf16MatMuls++;
      }
    }
    assertTrue(bf16MatMuls >= 16, "bf16 matmuls in the serving graph: " + bf16MatMuls);
    assertTrue(Files.readString(b16.resolve("assets.extra/config.yaml")).contains("precision: bf16"));
    int[][][] q = tokenize(QUERIES, 16);
    try (SavedModelBundle x = SavedModelBundle.load(f32.toString(), TAG);
        SavedModelBundle y = SavedModelBundle.load(b16.toString(), TAG);
        TInt32 ids = tensor(q[0]); TInt32 mask = tensor(q[1]);
        Result rx = x.function(SIG_ENCODE_QUERY).call(Map.of(INPUT_IDS, ids, ATTENTION_MASK, mask));
        Result ry = y.function(SIG_ENCODE_QUERY).call(Map.of(INPUT_IDS, ids, ATTENTION_MASK, mask))) {
      float[][] ex = matrix(rx.get(OUTPUT_EMBEDDING).orElseThrow());
      float[][] ey = matrix(ry.get(OUTPUT_EMBEDDING).orElseThrow());
      double diff = maxAbsDiff(ex, ey);
      // the tolerance of MixedPrecisionEncoderTest: bf16 rounding, not a different model
      assertTrue(diff > 0 && diff <= 0.05, "bf16 vs fp32 SavedModel embedding diff " + diff);
    }
  }

  private static void assertTokens(TensorInfo t, String name) {
    assertEquals(name, t.getName());
    assertEquals(DataType.DT_INT32, t.getDtype());
    assertEquals(2, t.getTensorShape().getDimCount());
    assertEquals(-1, t.getTensorShape().getDim(0).getSize());
    assertEquals(-1, t.getTensorShape().getDim(1).getSize());
  }

  @Test
  void assetsHoldTokenizerAndResolvedConfig() throws Exception {
    ExperimentConfig cfg = TinyCheckpoints.config("model.normalize=true", "data.code_field=code");
    Path ckpt = TinyCheckpoints.write(tmp.resolve("ckpt"), Layout.TRAINER, cfg, 5L);
    Path dir = new SavedModelExporter().export(ckpt, tmp.resolve("sm"), null).versionDir();
    Path assets = dir.resolve("assets.extra");
    assertArrayEquals(Files.readAllBytes(ckpt.resolve("tokenizer.json")), Files.readAllBytes(assets.resolve("tokenizer.json")));
    ExperimentConfig shipped = ExperimentConfig.load(assets.resolve("config.yaml"), List.of());
    assertEquals(cfg.model().hiddenSize(), shipped.model().hiddenSize());
    assertEquals(16, shipped.model().maxQueryLength());
    assertEquals(32, shipped.model().maxCodeLength());
    assertTrue(shipped.model().normalize());
    assertEquals(assets.resolve("tokenizer.json").toString(), shipped.model().tokenizer(), "relative to assets.extra");
    assertTrue(Files.readString(assets.resolve("config.yaml")).contains("  tokenizer: tokenizer.json\n"));
    ServingInfo info = ServingInfo.read(assets.resolve("serving.yaml"));
    assertEquals(new ServingInfo(1, 32, 16, 32, 0, "mean", true, "cosine", 1.0, 1.0, "code",
        "../../ckpt"), info); // relative to the version folder: no absolute path in assets.extra
  }

  @Test
  void exportIsAtomicAndNeverOverwrites() throws Exception {
    Path ckpt = TinyCheckpoints.write(tmp.resolve("ckpt"), Layout.TRAINER, TinyCheckpoints.config(), 1L);
    Path base = tmp.resolve("sm");
    SavedModelExporter failing = new SavedModelExporter();
    failing.beforeCommit = () -> {
      throw new IllegalStateException("simulated crash before rename");
    };
    assertThrows(IllegalStateException.class, () -> failing.export(ckpt, base, null));
    try (var s = Files.list(base)) {
      assertEquals(List.of(), s.toList(), "a failed export leaves nothing behind");
    }
    assertEquals(1, new SavedModelExporter().export(ckpt, base, null).version());
    assertEquals(2, new SavedModelExporter().export(ckpt, base, null).version());
    ExportException e = assertThrows(ExportException.class, () -> new SavedModelExporter().export(ckpt, base, 2));
    assertTrue(e.getMessage().contains(base.resolve("2") + " already exists"), e.getMessage());
  }

  @Test
  void tempFoldersOfKilledExportsAreRemovedByTheNextExportOnceStale() throws Exception {
    Path ckpt = TinyCheckpoints.write(tmp.resolve("ckpt"), Layout.TRAINER, TinyCheckpoints.config(), 1L);
    Path base = tmp.resolve("sm-killed");
    // what a kill -9 after the SavedModel was written leaves: a complete temp folder, never renamed
    SavedModelExporter killed = new SavedModelExporter();
    List<Path> left = new java.util.ArrayList<>();
    killed.beforeCommit = () -> {
      try (var s = Files.list(base)) {
        Path t = s.filter(p -> p.getFileName().toString().startsWith(".tmp-export-")).findFirst().orElseThrow();
        for (String copy : List.of(".tmp-export-1-1000", ".tmp-export-1-2000")) {
          Path to = base.resolve(copy);
          try (var w = Files.walk(t)) {
            for (Path p : w.toList()) {
              Files.copy(p, to.resolve(t.relativize(p).toString()));
            }
          }
          left.add(to);
        }
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
      throw new IllegalStateException("simulated kill");
    };
    assertThrows(IllegalStateException.class, () -> killed.export(ckpt, base, null));
    Path stale = left.get(0);
    Path fresh = left.get(1); // an export still at work
    Path notOurs = Files.createDirectories(base.resolve(".tmp-export-notes"));
    java.nio.file.attribute.FileTime old = java.nio.file.attribute.FileTime.from(java.time.Instant.now()
        .minus(dev.softinfonce.files.StaleTemps.STALE_AFTER).minusSeconds(60));
    for (Path p : List.of(stale, notOurs)) {
      try (var w = Files.walk(p)) {
        for (Path q : w.toList()) {
          Files.setLastModifiedTime(q, old);
        }
      }
    }
    Files.setLastModifiedTime(fresh, old); // the folder is old, but a file in it was written just now
    assertEquals(1, new SavedModelExporter().export(ckpt, base, null).version());
    assertTrue(!Files.exists(stale), "the stale temp folder of a killed export is removed");
    assertTrue(Files.exists(fresh) && Files.exists(notOurs), "a live export's or someone else's folder was removed");
    try (var s = Files.list(base)) {
      assertEquals(List.of("1"), s.map(p -> p.getFileName().toString()).filter(n -> !n.startsWith(".")).toList());
    }
  }

  @Test
  void badCheckpointFoldersGiveClearErrors() throws Exception {
    ExperimentConfig cfg = TinyCheckpoints.config();
    Path base = tmp.resolve("sm");
    SavedModelExporter ex = new SavedModelExporter();

    Path none = tmp.resolve("nothing");
    assertTrue(assertThrows(ExportException.class, () -> ex.export(none, base, null)).getMessage()
        .contains(none + ": no such folder"));

    Path empty = Files.createDirectories(tmp.resolve("empty"));
    assertTrue(assertThrows(ExportException.class, () -> ex.export(empty, base, null)).getMessage()
        .contains("no TF checkpoint (expected " + empty.resolve("variables.index")));

    Path run = Files.createDirectories(tmp.resolve("run/checkpoint-100"));
    String msg = assertThrows(ExportException.class, () -> ex.export(run.getParent(), base, null)).getMessage();
    assertTrue(msg.contains("training run folder") && msg.contains("checkpoint-100"), msg);

    Path noConfig = TinyCheckpoints.write(tmp.resolve("noconfig"), Layout.TRAINER, cfg, 1L);
    Files.delete(noConfig.resolve("manifest.json")); // edited by hand below
    Files.delete(noConfig.resolve("config.yaml"));
    assertTrue(assertThrows(ExportException.class, () -> ex.export(noConfig, base, null)).getMessage()
        .contains("missing " + noConfig.resolve("config.yaml")));

    Path noTok = TinyCheckpoints.write(tmp.resolve("notok"), Layout.TRAINER, cfg, 1L);
    Files.delete(noTok.resolve("manifest.json")); // edited by hand below
    Files.delete(noTok.resolve("tokenizer.json"));
    msg = assertThrows(ExportException.class, () -> ex.export(noTok, base, null)).getMessage();
    assertTrue(msg.contains("no " + noTok.resolve("tokenizer.json")), msg);

    Path mismatch = TinyCheckpoints.write(tmp.resolve("mismatch"), Layout.TRAINER, cfg, 1L);
    Files.delete(mismatch.resolve("manifest.json")); // edited by hand below
    Files.writeString(mismatch.resolve("config.yaml"), TinyCheckpoints.config("model.hidden_size=64").toYaml());
    msg = assertThrows(ExportException.class, () -> ex.export(mismatch, base, null)).getMessage();
    assertTrue(msg.contains("does not fit the model in " + mismatch.resolve("config.yaml")), msg);
    assertFalse(Files.exists(base.resolve("1")));
    try (var s = Files.list(base)) {
      assertEquals(0, s.count(), "no temp folders left behind");
    }
  }
}
