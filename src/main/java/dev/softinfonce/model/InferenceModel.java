package dev.softinfonce.model;

import dev.softinfonce.config.ExperimentConfig;
import dev.softinfonce.config.ModelConfig;
import dev.softinfonce.config.Precision;
import dev.softinfonce.text.TokenizedBatch;
import dev.softinfonce.text.Tokenizer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntConsumer;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.StdArrays;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * A trained (or imported) bi-encoder loaded from a checkpoint folder into its own inference graph — no
 * dropout, no optimizer, no estimator — to embed texts from Java: evaluation, the cached trained-model
 * estimator and export all start here.
 *
 * <p>A checkpoint folder holds {@code config.yaml} (the resolved config; its {@code model:} section is
 * used), the variables (prefix {@code variables/variables} as written by {@code model import}, or
 * {@code variables} as written by the trainer) and {@code tokenizer.json} (in the folder or, for a
 * trainer checkpoint, in its run folder one level up).
 */
public final class InferenceModel implements TextEmbedder {
  private final ModelConfig cfg;
  private final Graph graph;
  private final Session session;
  private final Tokenizer queryTokenizer;
  private final Tokenizer codeTokenizer;
  private final Path tokenizerFile;
  private final Placeholder<TInt32> ids;
  private final Placeholder<TInt32> mask;
  private final Operand<TFloat32> queryEmbedding;
  private final Operand<TFloat32> codeEmbedding;
  private final int batchSize;

  private InferenceModel(Path dir, int batchSize, int threads, Precision precision) {
    this.batchSize = batchSize;
    this.cfg = ExperimentConfig.load(dir.resolve(PretrainedCheckpoint.CONFIG), List.of()).model();
    this.tokenizerFile = findTokenizer(dir);
    this.graph = new Graph();
    Session s = null;
    Tokenizer q = null;
    Tokenizer c = null;
    try {
      Ops tf = Ops.create(graph);
      ids = tf.withName("input_ids").placeholder(TInt32.class, Placeholder.shape(Shape.of(-1, -1)));
      mask = tf.withName("attention_mask").placeholder(TInt32.class, Placeholder.shape(Shape.of(-1, -1)));
      DualEncoder enc = new DualEncoder(tf, cfg, false, 0, "", precision);
      queryEmbedding = enc.encodeQuery(ids, mask); // [B, D]
      codeEmbedding = enc.encodeCode(ids, mask); // [B, D]
      s = new Session(graph, sessionConfig(threads));
      PretrainedCheckpoint.restore(s, tf, enc.variables(), variablesPrefix(dir), "");
      q = Tokenizer.load(tokenizerFile, cfg.maxQueryLength());
      c = q.withMaxLength(cfg.maxCodeLength()); // one native tokenizer for both towers
    } catch (RuntimeException e) {
      // Session before graph: Graph.close waits for every session on it to close, forever.
      closeAll(c, q, s);
      graph.close();
      throw e;
    }
    this.session = s;
    this.queryTokenizer = q;
    this.codeTokenizer = c;
  }

  private static void closeAll(AutoCloseable... resources) {
    for (AutoCloseable r : resources) {
      if (r != null) {
        try {
          r.close();
        } catch (Exception suppressed) {
          // already failing; the first error is the one reported
        }
      }
    }
  }

  /** Loads a checkpoint folder (trainer checkpoint or {@code model import} output) with float32 compute. */
  public static InferenceModel load(Path dir, int batchSize, int threads) {
    return load(dir, batchSize, threads, Precision.FP32);
  }

  /** Loads a checkpoint folder; {@code precision} is the encoder's compute (embeddings are float32 either way). */
  public static InferenceModel load(Path dir, int batchSize, int threads, Precision precision) {
    if (!Files.isRegularFile(dir.resolve(PretrainedCheckpoint.CONFIG))) {
      throw new IllegalArgumentException(dir + " is not a checkpoint folder: no " + PretrainedCheckpoint.CONFIG);
    }
    dev.softinfonce.integrity.Manifest.verify(dir, dev.softinfonce.integrity.Manifest.FILE);
    return new InferenceModel(dir, batchSize, threads, precision);
  }

  /** TF session options with {@code threads} intra-op threads. */
  public static ConfigProto sessionConfig(int threads) {
    return ConfigProto.newBuilder().setIntraOpParallelismThreads(threads).setInterOpParallelismThreads(1).build();
  }

  /** The variables prefix inside a checkpoint folder: {@code variables/variables} or {@code variables}. */
  public static Path variablesPrefix(Path dir) {
    Path imported = dir.resolve(PretrainedCheckpoint.VARIABLES);
    return Files.isRegularFile(Path.of(imported + ".index")) ? imported : dir.resolve("variables");
  }

  /** The tokenizer.json of a checkpoint: in the folder, else in its parent (a trainer's run folder). */
  public static Path findTokenizer(Path dir) {
    for (Path p : new Path[] {dir.resolve(PretrainedCheckpoint.TOKENIZER),
        dir.toAbsolutePath().getParent().resolve(PretrainedCheckpoint.TOKENIZER)}) {
      if (Files.isRegularFile(p)) {
        return p;
      }
    }
    throw new IllegalArgumentException("no tokenizer.json in " + dir + " or its parent folder");
  }

  public ModelConfig config() {
    return cfg;
  }

  public Path tokenizerFile() {
    return tokenizerFile;
  }

  /** Query embeddings, one row per text. */
  public float[][] encodeQueries(List<String> texts, IntConsumer progress) {
    return encode(texts, queryTokenizer, queryEmbedding, progress);
  }

  /** Code embeddings, one row per text. */
  public float[][] encodeCodes(List<String> texts, IntConsumer progress) {
    return encode(texts, codeTokenizer, codeEmbedding, progress);
  }

  private float[][] encode(List<String> texts, Tokenizer tok, Operand<TFloat32> out, IntConsumer progress) {
    float[][] result = new float[texts.size()][];
    for (int from = 0; from < texts.size(); from += batchSize) {
      List<String> chunk = texts.subList(from, Math.min(texts.size(), from + batchSize));
      float[][] e = run(tok.encode(new ArrayList<>(chunk)), out);
      System.arraycopy(e, 0, result, from, e.length);
      if (progress != null) {
        progress.accept(chunk.size());
      }
    }
    return result;
  }

  private float[][] run(TokenizedBatch batch, Operand<TFloat32> out) {
    try (TInt32 idT = TInt32.tensorOf(StdArrays.ndCopyOf(batch.ids()));
         TInt32 maskT = TInt32.tensorOf(StdArrays.ndCopyOf(batch.mask()));
         Result r = session.runner().feed(ids, idT).feed(mask, maskT).fetch(out).run()) {
      TFloat32 t = (TFloat32) r.get(0); // [B, D]
      float[][] e = new float[(int) t.shape().get(0)][(int) t.shape().get(1)];
      StdArrays.copyFrom(t, e);
      return e;
    }
  }

  @Override
  public void close() {
    queryTokenizer.close();
    codeTokenizer.close();
    session.close();
    graph.close();
  }
}
