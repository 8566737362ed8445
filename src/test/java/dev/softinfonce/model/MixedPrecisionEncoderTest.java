package dev.softinfonce.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.softinfonce.config.ExperimentConfig;
import dev.softinfonce.config.ModelConfig;
import dev.softinfonce.config.Precision;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.Graph;
import org.tensorflow.GraphOperation;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.StdArrays;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * bf16 (mixed) forward pass against the float32 one on the same weights: the float32 graph's variables
 * are saved and restored into the bf16 graph, and both encode the same padded batch.
 *
 * <p>Tolerance: bfloat16 keeps 8 mantissa bits (relative rounding 2⁻⁹ ≈ 0.2 %) per matmul operand; after
 * two layers the layer-normed, mean-pooled embeddings (entries of order 1) agree to a max abs difference
 * of 0.05 and a cosine of at least 0.999 per row. The score matrix, computed in float32 from those
 * embeddings, agrees to 1 % of its largest entry.
 */
class MixedPrecisionEncoderTest {
  static final double MAX_ABS_DIFF = 0.05;
  static final double MIN_COSINE = 0.999;

  static ModelConfig tinyModel(String pooling) {
    return ExperimentConfig.builder()
        .set("model.vocab_size", 60).set("model.hidden_size", 32).set("model.num_layers", 2)
        .set("model.num_heads", 4).set("model.intermediate_size", 64).set("model.max_positions", 16)
        .set("model.max_query_length", 12).set("model.max_code_length", 12).set("model.pooling", pooling)
        .build().model();
  }

  static int[][][] batch(long seed, int b, int len, int vocab) {
    Random rnd = new Random(seed);
    int[][] ids = new int[b][len];
    int[][] mask = new int[b][len];
    for (int i = 0; i < b; i++) {
      int real = len / 2 + rnd.nextInt(len / 2 + 1); // some rows padded
      for (int j = 0; j < real; j++) {
        ids[i][j] = 1 + rnd.nextInt(vocab - 1);
        mask[i][j] = 1;
      }
    }
    return new int[][][] {ids, mask};
  }

  /** {query embeddings [B, D], code embeddings [B, D], scores [B, B]} of one precision. */
  static float[][][] forward(ModelConfig cfg, Precision p, Path weights, boolean save, int[][][] in) {
    try (Graph g = new Graph(); Session s = new Session(g);
        TInt32 ids = TInt32.tensorOf(StdArrays.ndCopyOf(in[0])); TInt32 mask = TInt32.tensorOf(StdArrays.ndCopyOf(in[1]))) {
      Ops tf = Ops.create(g);
      DualEncoder enc = new DualEncoder(tf, cfg, false, 5L, "", p);
      Operand<TFloat32> q = enc.encodeQuery(tf.constant(ids), tf.constant(mask)); // [B, D]
      Operand<TFloat32> c = enc.encodeCode(tf.constant(ids), tf.constant(mask)); // [B, D]
      Operand<TFloat32> sc = enc.scores(q, c); // [B, B]
      if (save) {
        s.initialize();
        s.save(weights.toString());
      } else {
        s.restore(weights.toString());
      }
      try (Result r = s.runner().fetch(q).fetch(c).fetch(sc).run()) {
        float[][][] out = new float[3][][];
        for (int i = 0; i < 3; i++) {
          TFloat32 t = (TFloat32) r.get(i);
          out[i] = new float[(int) t.shape().get(0)][(int) t.shape().get(1)];
          StdArrays.copyFrom(t, out[i]);
        }
        return out;
      }
    }
  }

  @Test
  void bf16ForwardMatchesFloat32OnTheSameWeights(@TempDir Path dir) throws Exception {
    for (String pooling : new String[] {"mean", "cls"}) {
      ModelConfig cfg = tinyModel(pooling);
      int[][][] in = batch(11, 6, 12, cfg.vocabSize());
      Path w = Files.createDirectories(dir.resolve(pooling)).resolve("w");
      float[][][] f32 = forward(cfg, Precision.FP32, w, true, in);
      float[][][] b16 = forward(cfg, Precision.BF16, w, false, in);
      for (int k = 0; k < 2; k++) {
        double worst = 0;
        double changed = 0;
        for (int i = 0; i < f32[k].length; i++) {
          double dot = 0;
          double na = 0;
          double nb = 0;
          for (int j = 0; j < f32[k][i].length; j++) {
            worst = Math.max(worst, Math.abs(f32[k][i][j] - b16[k][i][j]));
            changed = Math.max(changed, f32[k][i][j] == b16[k][i][j] ? 0 : 1);
            dot += f32[k][i][j] * b16[k][i][j];
            na += f32[k][i][j] * f32[k][i][j];
            nb += b16[k][i][j] * b16[k][i][j];
          }
          double cos = dot / Math.sqrt(na * nb);
          assertTrue(cos >= MIN_COSINE, pooling + " row " + i + ": cosine " + cos);
        }
        assertTrue(worst <= MAX_ABS_DIFF, pooling + ": max abs diff " + worst);
        assertEquals(1.0, changed, pooling + ": bf16 gave bit-identical embeddings, so it did not compute in bf16");
      }
      double scale = 0;
      double worstScore = 0;
      for (int i = 0; i < f32[2].length; i++) {
        for (int j = 0; j < f32[2][i].length; j++) {
          scale = Math.max(scale, Math.abs(f32[2][i][j]));
          worstScore = Math.max(worstScore, Math.abs(f32[2][i][j] - b16[2][i][j]));
        }
      }
      assertTrue(worstScore <= 0.01 * scale, pooling + ": score diff " + worstScore + " of max " + scale);
    }
  }

  @Test
  void bf16GraphKeepsVariablesAndOutputsFloat32AndComputesMatmulsInBf16() {
    ModelConfig cfg = tinyModel("mean");
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      DualEncoder enc = new DualEncoder(tf, cfg, true, 5L, "", Precision.BF16);
      Operand<TFloat32> q = enc.encodeQuery(tf.constant(new int[][] {{1, 2}}), tf.constant(new int[][] {{1, 1}}));
      assertEquals(TFloat32.class, q.type());
      int bf16MatMuls = 0;
      int f32MatMuls = 0;
      for (Iterator<GraphOperation> it = g.operations(); it.hasNext(); ) {
        GraphOperation op = it.next();
        String t = op.type();
        if (t.equals("VariableV2")) {
          assertEquals(org.tensorflow.proto.DataType.DT_FLOAT_REF, op.output(0).dataType(), op.name());
        }
        if (t.equals("MatMul") || t.startsWith("BatchMatMul") || t.equals("Einsum")) {
          if (op.output(0).dataType() == org.tensorflow.proto.DataType.DT_BFLOAT16) {
            bf16MatMuls++;
          } else {
            f32MatMuls++;
          }
        }
        if (t.equals("Softmax") || t.equals("Rsqrt")) {
          assertEquals(org.tensorflow.proto.DataType.DT_FLOAT, op.output(0).dataType(), op.name() + " must stay fp32");
        }
      }
      // Per layer: q, k, v, attention output, two feed-forward denses, QKᵀ and AV (Einsum, see MultiHeadSelfAttention).
      assertEquals(8 * cfg.numLayers(), bf16MatMuls);
      assertEquals(0, f32MatMuls);
    }
  }
}
