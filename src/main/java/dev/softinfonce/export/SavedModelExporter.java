package dev.softinfonce.export;

import static dev.softinfonce.export.ServingContract.*;

import dev.softinfonce.config.ExperimentConfig;
import dev.softinfonce.config.ModelConfig;
import dev.softinfonce.config.Precision;
import dev.softinfonce.model.Similarity;
import dev.softinfonce.model.PretrainedCheckpoint;
import dev.softinfonce.files.FolderPaths;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tensorflow.Graph;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * Turns a checkpoint folder ({@link CheckpointDir}) into a TF Serving SavedModel at
 * {@code <base>/<version>/}: a fresh {@link InferenceGraph} (no dropout, optimizer or estimator), the
 * checkpoint restored into it by variable name, the four signatures of {@link ServingContract}, and
 * {@code assets.extra/} with {@code tokenizer.json}, {@code config.yaml} and {@code serving.yaml}.
 *
 * <p>Atomic: everything is written into {@code <base>/.tmp-export-<version>-<nanos>/}, reloaded with
 * {@link SavedModelBundle#load} (the C++ loader TF Serving uses) and checked against the in-memory
 * graph, then renamed to {@code <base>/<version>}. Any failure deletes the temp folder, so no
 * half-written version folder is ever visible (TF Serving ignores non-numeric folders anyway). An
 * existing version folder is never overwritten. Temp folders of killed exports are removed by the next
 * export into the same base once untouched for {@link dev.softinfonce.files.StaleTemps#STALE_AFTER}.
 */
public final class SavedModelExporter {
  private static final Logger LOG = LoggerFactory.getLogger(SavedModelExporter.class);
  private static final String TMP = ".tmp-export-";
  /** The exact names of this exporter's temp folders: {@code .tmp-export-<version>-<nanos>}. */
  private static final java.util.regex.Pattern OUR_TEMPS = java.util.regex.Pattern.compile("\\.tmp-export-\\d+-\\d+");
  /** The self-check tolerance between the reloaded SavedModel and the in-memory graph. */
  static final float SELF_CHECK_TOLERANCE = 1e-5f;

  /** Test hook run after the temp folder is complete and checked, before the rename. */
  Runnable beforeCommit = () -> {};

  /**
   * What was exported.
   *
   * @param versionDir {@code <base>/<version>}
   * @param version the integer version
   * @param info the contents of {@code assets.extra/serving.yaml}
   * @param selfCheckMaxAbsDiff max |reloaded − in-memory| over a probe batch (embeddings and scores)
   */
  public record Exported(Path versionDir, int version, ServingInfo info, double selfCheckMaxAbsDiff) {}

  /**
   * Exports {@code checkpoint} to {@code base/<version>} with the compute precision of the checkpoint's
   * {@code export.precision}.
   *
   * @param version the version folder, or {@code null} for one more than the highest existing (1 if none)
   */
  public Exported export(Path checkpoint, Path base, Integer version) {
    return export(checkpoint, base, version, null);
  }

  /**
   * As {@link #export(Path, Path, Integer)}; {@code precision} (null: the checkpoint's
   * {@code export.precision}) is the serving graph's compute.
   */
  public Exported export(Path checkpoint, Path base, Integer version, Precision precision) {
    CheckpointDir ck = CheckpointDir.resolve(checkpoint);
    Precision compute = precision != null ? precision : ck.config().export().precision();
    int v = version != null ? version : nextVersion(base);
    if (v < 1) {
      throw new ExportException("--version must be a positive integer, got " + v);
    }
    Path target = base.resolve(Integer.toString(v));
    if (Files.exists(target)) {
      throw new ExportException(target + " already exists; choose another --version (TF Serving serves the highest)");
    }
    Path tmp = base.resolve(TMP + v + "-" + System.nanoTime());
    try {
      Files.createDirectories(base);
      for (Path stale : dev.softinfonce.files.StaleTemps.remove(base, OUR_TEMPS)) { // left by a killed export
        LOG.info("removed {}, left by an export that did not finish", stale);
      }
      ServingInfo info;
      double diff;
      try (Graph g = new Graph(); Session s = new Session(g)) {
        Ops tf = Ops.create(g);
        InferenceGraph graph = new InferenceGraph(tf, ck.config().model(), compute);
        restore(s, tf, graph, ck);
        info = servingInfo(ck, s, graph, target);
        SavedModelBundle.exporter(tmp.toString()).withTags(TAG).withSession(s)
            .withSignatures(graph.signatures().toArray(new org.tensorflow.Signature[0])).export();
        writeAssets(tmp, ck, info, compute, base, v);
        dev.softinfonce.integrity.Manifest.write(tmp, MANIFEST, java.util.List.of());
        diff = selfCheck(tmp, s, graph, ck.config().model());
      }
      beforeCommit.run();
      commit(tmp, target);
      LOG.info("exported {} to {} (self-check max abs diff {})", checkpoint, target, diff);
      return new Exported(target, v, info, diff);
    } catch (IOException e) {
      deleteQuietly(tmp);
      throw new UncheckedIOException("export to " + target + " failed: " + dev.softinfonce.files.IoErrors.describe(e), e);
    } catch (org.tensorflow.exceptions.TensorFlowException e) {
      deleteQuietly(tmp);
      throw new ExportException("export to " + target + " failed: " + firstLine(e), e);
    } catch (RuntimeException | Error e) {
      deleteQuietly(tmp);
      throw e;
    }
  }

  /** One more than the highest integer folder in {@code base}, or 1. */
  public static int nextVersion(Path base) {
    if (!Files.isDirectory(base)) {
      return 1;
    }
    try (Stream<Path> s = Files.list(base)) {
      return s.map(p -> p.getFileName().toString()).filter(n -> n.matches("\\d{1,9}"))
          .mapToInt(Integer::parseInt).max().orElse(0) + 1;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + base + ": " + e.getMessage(), e);
    }
  }

  /**
   * Restores by variable name with {@code Session.restore}; if names differ (separate towers from a
   * tower-less imported checkpoint) falls back to {@link PretrainedCheckpoint#restore}, which maps
   * {@code query.x}/{@code code.x} to {@code x} and lists what is missing.
   */
  private static void restore(Session s, Ops tf, InferenceGraph graph, CheckpointDir ck) {
    try {
      s.restore(ck.variablesPrefix().toString());
      return;
    } catch (RuntimeException e) { // TF maps statuses to TensorFlowException or IllegalArgumentException subclasses
      LOG.info("plain restore of {} failed ({}); trying name mapping", ck.variablesPrefix(), firstLine(e));
    }
    try {
      PretrainedCheckpoint.restore(s, tf, graph.encoder().variables(), ck.variablesPrefix(), "");
    } catch (dev.softinfonce.integrity.IntegrityException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new ExportException("checkpoint " + ck.dir() + " does not fit the model in " + ck.configFile() + ": "
          + firstLine(e), e);
    }
  }

  /** What {@code serving.yaml} says; {@code checkpoint} relative to {@code versionDir}, where the export lands. */
  private static ServingInfo servingInfo(CheckpointDir ck, Session s, InferenceGraph graph, Path versionDir) {
    ModelConfig m = ck.config().model();
    Similarity similarity = graph.encoder().similarity();
    return new ServingInfo(ServingInfo.FORMAT_VERSION, m.hiddenSize(), m.maxQueryLength(), m.maxCodeLength(),
        m.padTokenId(), m.pooling().name().toLowerCase(java.util.Locale.ROOT), similarity.cosine(),
        similarity.name(), similarity.temperature(), similarity.scale(s, graph.encoder()),
        ck.config().data().codeField().name().toLowerCase(java.util.Locale.ROOT),
        FolderPaths.relativeTo(versionDir, ck.dir().toString()));
  }

  private static void writeAssets(Path dir, CheckpointDir ck, ServingInfo info, Precision compute, Path base,
      int version)
      throws IOException {
    Path assets = Files.createDirectories(dir.resolve(ASSETS_EXTRA));
    Files.copy(ck.tokenizer(), assets.resolve(TOKENIZER));
    // paths relative to assets.extra (the model folder travels): the tokenizer beside it, data as trained
    var shipped = ck.config().toBuilder().set("model.tokenizer", assets.resolve(TOKENIZER).toString())
        .set("model.init_from", "").set("export.precision", compute);
    dev.softinfonce.files.Outputs.write(assets.resolve(CONFIG),
        shipped.build().toYaml(assets).getBytes(java.nio.charset.StandardCharsets.UTF_8));
    info.write(assets.resolve(SERVING_INFO));
    String name = base.toAbsolutePath().normalize().getFileName().toString();
    dev.softinfonce.files.Outputs.write(assets.resolve(ModelCard.FILE), ModelCard.render(ck, info, name, version,
        compute).getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }

  /**
   * Reloads the written SavedModel and compares {@code encode_query}, {@code encode_code} and
   * {@code score} on a probe batch with the in-memory graph. Fails the export beyond
   * {@link #SELF_CHECK_TOLERANCE}.
   */
  private static double selfCheck(Path dir, Session s, InferenceGraph graph, ModelConfig m) {
    int b = 2;
    int len = Math.min(6, m.maxQueryLength());
    int[] ids = new int[b * len];
    int[] mask = new int[b * len];
    for (int i = 0; i < ids.length; i++) {
      ids[i] = (7 * i + 3) % m.vocabSize();
      mask[i] = i % len < len - (i / len) * 2 ? 1 : 0; // row 1 has two padded positions
    }
    double worst = 0;
    try (TInt32 tIds = TInt32.tensorOf(Shape.of(b, len), DataBuffers.of(ids));
        TInt32 tMask = TInt32.tensorOf(Shape.of(b, len), DataBuffers.of(mask));
        SavedModelBundle bundle = SavedModelBundle.load(dir.toString(), TAG);
        Result mem = s.runner().feed(graph.inputIds(), tIds).feed(graph.attentionMask(), tMask)
            .feed(graph.queryInputIds(), tIds).feed(graph.queryAttentionMask(), tMask)
            .feed(graph.codeInputIds(), tIds).feed(graph.codeAttentionMask(), tMask)
            .fetch(graph.queryEmbedding()).fetch(graph.codeEmbedding()).fetch(graph.scores()).run();
        Result q = bundle.function(SIG_ENCODE_QUERY).call(Map.of(INPUT_IDS, tIds, ATTENTION_MASK, tMask));
        Result c = bundle.function(SIG_ENCODE_CODE).call(Map.of(INPUT_IDS, tIds, ATTENTION_MASK, tMask));
        Result sc = bundle.function(SIG_SCORE).call(Map.<String, Tensor>of(QUERY_INPUT_IDS, tIds,
            QUERY_ATTENTION_MASK, tMask, CODE_INPUT_IDS, tIds, CODE_ATTENTION_MASK, tMask))) {
      worst = Math.max(worst, maxAbsDiff((TFloat32) mem.get(0), (TFloat32) q.get(OUTPUT_EMBEDDING).orElseThrow()));
      worst = Math.max(worst, maxAbsDiff((TFloat32) mem.get(1), (TFloat32) c.get(OUTPUT_EMBEDDING).orElseThrow()));
      worst = Math.max(worst, maxAbsDiff((TFloat32) mem.get(2), (TFloat32) sc.get(OUTPUT_SCORES).orElseThrow()));
    }
    if (!(worst <= SELF_CHECK_TOLERANCE)) {
      throw new ExportException("export self-check failed: the reloaded SavedModel in " + dir
          + " differs from the restored graph by " + worst);
    }
    return worst;
  }

  /** Max |a − b| over two float tensors of the same shape. */
  static double maxAbsDiff(TFloat32 a, TFloat32 b) {
    if (!a.shape().equals(b.shape())) {
      throw new ExportException("shape mismatch " + a.shape() + " vs " + b.shape());
    }
    float[] x = new float[(int) a.shape().size()];
    float[] y = new float[x.length];
    a.copyTo(DataBuffers.of(x, false, false));
    b.copyTo(DataBuffers.of(y, false, false));
    double worst = 0;
    for (int i = 0; i < x.length; i++) {
      worst = Math.max(worst, Math.abs((double) x[i] - y[i]));
    }
    return worst;
  }

  private static void commit(Path tmp, Path target) throws IOException {
    try {
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
    } catch (AtomicMoveNotSupportedException e) {
      throw new IOException("cannot rename " + tmp + " to " + target + " atomically: " + e.getMessage(), e);
    }
  }

  private static void deleteQuietly(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      LOG.warn("could not remove {}: {}", dir, e.getMessage());
    }
  }

  private static String firstLine(Throwable e) {
    String m = String.valueOf(e.getMessage());
    int nl = m.indexOf('\n');
    return nl < 0 ? m : m.substring(0, nl);
  }
}
