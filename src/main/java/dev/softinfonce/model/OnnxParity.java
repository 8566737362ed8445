package dev.softinfonce.model;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.StdArrays;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * Checks an import end to end against the reference runtime: the same texts go through onnxruntime
 * running the original {@code .onnx} file, and through our TF graph restored from the checkpoint that
 * {@link WeightImporter} + {@link PretrainedCheckpoint} write; the result is the largest absolute
 * difference between the last hidden states over all real (unpadded) tokens.
 */
public final class OnnxParity {
  private OnnxParity() {}

  /** The outcome: largest |ours − onnxruntime| over {@code tokens} real tokens of {@code texts} texts. */
  public record Result(double maxAbsDiff, int texts, int tokens, int hiddenSize, int loadedTensors) {}

  /**
   * @param workDir where the intermediate checkpoint is written (a fresh temporary directory is fine)
   * @param maxLength truncation length in tokens, special tokens included
   */
  public static Result compare(Path onnx, Path tokenizerJson, List<String> texts, int maxLength, Path workDir)
      throws IOException, OrtException {
    if (texts.isEmpty()) {
      throw new IllegalArgumentException("no texts to compare");
    }
    WeightImporter.Imported imp = WeightImporter.fromOnnx(onnx,
        WeightImporter.Options.defaults().withTokenizer(tokenizerJson));
    PretrainedCheckpoint.write(workDir, imp.config(), imp.weights(), tokenizerJson);
    return compareImported(onnx, tokenizerJson, workDir, texts, maxLength);
  }

  /** Like {@link #compare} for a directory {@code dir} already written by an import of {@code onnx}. */
  public static Result compareImported(Path onnx, Path tokenizerJson, Path dir, List<String> texts, int maxLength)
      throws IOException, OrtException {
    if (texts.isEmpty()) {
      throw new IllegalArgumentException("no texts to compare");
    }
    var cfg = PretrainedCheckpoint.readConfig(dir);
    int[][] ids;
    int[][] mask;
    try (HuggingFaceTokenizer tok = HuggingFaceTokenizer.newInstance(tokenizerJson,
        Map.of("maxLength", String.valueOf(maxLength), "truncation", "true", "padding", "false",
            "modelMaxLength", String.valueOf(Math.max(512, maxLength))))) {
      int pad = cfg.padTokenId();
      Encoding[] enc = new Encoding[texts.size()];
      int len = 0;
      for (int i = 0; i < enc.length; i++) {
        enc[i] = tok.encode(texts.get(i));
        len = Math.max(len, enc[i].getIds().length);
      }
      ids = new int[enc.length][len];
      mask = new int[enc.length][len];
      for (int i = 0; i < enc.length; i++) {
        long[] e = enc[i].getIds();
        for (int j = 0; j < len; j++) {
          ids[i][j] = j < e.length ? (int) e[j] : pad;
          mask[i][j] = j < e.length ? 1 : 0;
        }
      }
    }
    float[][][] reference = runOnnx(onnx, ids, mask);
    int[] loaded = new int[1];
    float[][][] ours = runOurs(dir, ids, mask, loaded);
    double max = 0;
    int tokens = 0;
    for (int b = 0; b < ids.length; b++) {
      for (int t = 0; t < ids[b].length; t++) {
        if (mask[b][t] == 0) {
          continue;
        }
        tokens++;
        for (int d = 0; d < ours[b][t].length; d++) {
          double diff = Math.abs(ours[b][t][d] - reference[b][t][d]);
          if (!(diff <= max)) {
            max = Double.isNaN(diff) ? Double.NaN : diff;
          }
        }
      }
    }
    return new Result(max, texts.size(), tokens, cfg.hiddenSize(), loaded[0]);
  }

  /** Last hidden states from onnxruntime; {@code token_type_ids} (all 0) is fed if the model takes it. */
  static float[][][] runOnnx(Path onnx, int[][] ids, int[][] mask) throws OrtException {
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    try (OrtSession.SessionOptions so = new OrtSession.SessionOptions()) {
      so.setIntraOpNumThreads(2);
      try (OrtSession s = env.createSession(onnx.toString(), so)) {
        long[][] lid = toLong(ids);
        long[][] lmask = toLong(mask);
        long[][] types = new long[ids.length][ids[0].length];
        Map<String, OnnxTensor> inputs = new HashMap<>();
        try {
          for (String name : s.getInputNames()) {
            long[][] v = switch (name) {
              case "input_ids" -> lid;
              case "attention_mask" -> lmask;
              case "token_type_ids" -> types;
              default -> throw new IllegalArgumentException(onnx + ": unexpected model input '" + name + "'");
            };
            inputs.put(name, OnnxTensor.createTensor(env, v));
          }
          try (OrtSession.Result r = s.run(inputs)) {
            return (float[][][]) r.get(0).getValue();
          }
        } finally {
          inputs.values().forEach(OnnxTensor::close);
        }
      }
    }
  }

  /** Last hidden states from our graph, restored from {@code dir}. */
  static float[][][] runOurs(Path dir, int[][] ids, int[][] mask, int[] loaded) {
    var cfg = PretrainedCheckpoint.readConfig(dir);
    ConfigProto proto = ConfigProto.newBuilder().setIntraOpParallelismThreads(2).setInterOpParallelismThreads(1).build();
    try (Graph g = new Graph(); Session s = new Session(g, proto);
        TInt32 tid = TInt32.tensorOf(StdArrays.ndCopyOf(ids)); TInt32 tmask = TInt32.tensorOf(StdArrays.ndCopyOf(mask))) {
      Ops tf = Ops.create(g);
      Placeholder<TInt32> pid = tf.withName("input_ids").placeholder(TInt32.class, Placeholder.shape(Shape.of(-1, -1)));
      Placeholder<TInt32> pmask = tf.withName("attention_mask").placeholder(TInt32.class, Placeholder.shape(Shape.of(-1, -1)));
      TransformerEncoder<TFloat32> enc = new TransformerEncoder<>(tf, cfg, TFloat32.class, "", false, 0L);
      Operand<TFloat32> hidden = enc.hiddenStates(pid, pmask); // [B, L, D]
      loaded[0] = PretrainedCheckpoint.restore(s, tf, enc.variables(), dir, "");
      try (org.tensorflow.Result r = s.runner().feed(pid, tid).feed(pmask, tmask).fetch(hidden).run()) {
        TFloat32 h = (TFloat32) r.get(0);
        float[][][] out = new float[ids.length][ids[0].length][cfg.hiddenSize()];
        StdArrays.copyFrom(h, out);
        return out;
      }
    }
  }

  private static long[][] toLong(int[][] a) {
    long[][] out = new long[a.length][];
    for (int i = 0; i < a.length; i++) {
      out[i] = new long[a[i].length];
      for (int j = 0; j < a[i].length; j++) {
        out[i][j] = a[i][j];
      }
    }
    return out;
  }

  /** Texts from a file, one per line (blank lines skipped). */
  public static List<String> readTexts(Path file) throws IOException {
    return Files.readAllLines(file).stream().filter(l -> !l.isBlank()).toList();
  }

  /** A default varied sample: short, long, code, punctuation, non-ASCII. */
  public static List<String> sampleTexts() {
    return List.of(
        "hi",
        "Return the index of the first matching element.",
        "def add(a, b):\n    return a + b",
        "public static int parseInt(String s) { return Integer.parseInt(s.trim()); }",
        "SELECT name, COUNT(*) FROM users WHERE age > 30 GROUP BY name;",
        "!!! ??? ... ;;; :: -- ++ == != <= >= && || {} [] ()",
        "Ünïcödé façade naïve café — déjà vu",
        "日本語のテキストをトークン化する",
        "Привет, мир! Как дела?",
        "emoji 🚀🔥 and symbols ∑ ∫ √ π",
        "read a file line by line in java",
        "How do I sort a dictionary by value in Python?",
        "x",
        "a b c d e f g h i j k l m n o p q r s t u v w x y z",
        "convert snake_case to camelCase getHTTPResponseCode",
        "fn main() { println!(\"Hello, world!\"); }",
        "   leading and trailing spaces   ",
        "numbers 1234567890 3.14159 -42 1e-9 0xFF",
        "The quick brown fox jumps over the lazy dog. ".repeat(30),
        "for (int i = 0; i < n; i++) { sum += a[i] * b[i]; } // dot product\n".repeat(8),
        "URL https://example.com/path?query=1&x=y#frag and email someone@example.org",
        "Tab\tseparated\tvalues\nand new lines\r\n");
  }
}
