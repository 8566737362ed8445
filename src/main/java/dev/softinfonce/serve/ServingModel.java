package dev.softinfonce.serve;

import static dev.softinfonce.export.ServingContract.*;

import dev.softinfonce.export.ExportException;
import dev.softinfonce.export.ServingInfo;
import dev.softinfonce.integrity.Manifest;
import dev.softinfonce.integrity.Verification;
import dev.softinfonce.text.EncodedBatch;
import dev.softinfonce.text.Tokenizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.IntConsumer;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.SessionFunction;
import org.tensorflow.Signature;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * An exported SavedModel opened for encoding from Java: the bundle (loaded with
 * {@link SavedModelBundle#load}, TF Serving's loader), its {@code assets.extra/serving.yaml} and two
 * tokenizers on {@code assets.extra/tokenizer.json} (query and code max lengths). Encodes through the
 * {@code encode_query} / {@code encode_code} signatures, in batches.
 *
 * <p>Thread-safe: TF sessions accept concurrent runs, and tokenization is serialised.
 */
public final class ServingModel implements AutoCloseable {
  private final Path dir;
  private final SavedModelBundle bundle;
  private final ServingInfo info;
  private final Tokenizer queryTokenizer;
  private final Tokenizer codeTokenizer;
  private final SessionFunction encodeQuery;
  private final SessionFunction encodeCode;
  private Manifest manifest; // recorded at export, or computed on first use for an export from before manifests
  private final Map<String, SessionFunction> functions = new java.util.concurrent.ConcurrentHashMap<>();

  /** Embeddings {@code [B][D]} of a batch, and which inputs were truncated to the model's max length. */
  public record Embeddings(float[][] vectors, boolean[] truncated, int[] tokenCounts) {}

  private ServingModel(Path dir, SavedModelBundle bundle, ServingInfo info, Tokenizer q, Tokenizer c,
      Manifest manifest) {
    this.dir = dir;
    this.manifest = manifest;
    this.bundle = bundle;
    this.info = info;
    this.queryTokenizer = q;
    this.codeTokenizer = c;
    this.encodeQuery = bundle.function(SIG_ENCODE_QUERY);
    this.encodeCode = bundle.function(SIG_ENCODE_CODE);
  }

  /**
   * Opens an export. {@code dir} is a version folder ({@code savedmodels/NAME/1}) or a model base
   * folder ({@code savedmodels/NAME}), in which case the highest integer version is used, as TF Serving
   * does. Fails with a {@link SearchException} naming the folder when it is not a SavedModel, lacks the
   * signatures, or lacks {@code assets.extra/tokenizer.json} or {@code serving.yaml}.
   */
  public static ServingModel open(Path dir) {
    Path versionDir = resolveVersion(dir);
    java.util.Optional<Manifest> manifest = Manifest.read(versionDir, MANIFEST);
    if (manifest.isPresent() && Verification.enabled()) {
      manifest.get().check(versionDir); // before TF or the tokenizer read a byte of it
    }
    Path assets = versionDir.resolve(ASSETS_EXTRA);
    ServingInfo info;
    try {
      info = ServingInfo.read(assets.resolve(SERVING_INFO));
    } catch (ExportException e) {
      throw new SearchException(e.getMessage(), e);
    }
    Path tokenizer = assets.resolve(TOKENIZER);
    if (!Files.isRegularFile(tokenizer)) {
      throw new SearchException(versionDir + ": tokenizer missing: expected " + tokenizer
          + " (re-export the model; softinfonce export copies it there)");
    }
    Tokenizer q = null;
    Tokenizer c = null;
    SavedModelBundle bundle = null;
    try {
      q = ExportTokenizers.queryTokenizer(tokenizer, info);
      c = q.withMaxLength(info.maxCodeLength()); // one native handle for both towers
      try {
        bundle = SavedModelBundle.load(versionDir.toString(), TAG);
      } catch (RuntimeException | Error e) { // a damaged saved_model.pb can also fail protobuf parsing
        throw new SearchException(versionDir + ": cannot load SavedModel with tag '" + TAG + "': "
            + firstLine(e.getMessage()), e);
      }
      Set<String> keys = bundle.signatures().stream().map(Signature::key).collect(Collectors.toSet());
      for (String need : List.of(SIG_ENCODE_QUERY, SIG_ENCODE_CODE)) {
        if (!keys.contains(need)) {
          throw new SearchException(versionDir + ": SavedModel has no signature '" + need + "' (has " + keys
              + "); export it with softinfonce export");
        }
      }
      return new ServingModel(versionDir, bundle, info, q, c, manifest.orElse(null));
    } catch (RuntimeException e) {
      if (bundle != null) {
        bundle.close();
      }
      if (q != null) {
        q.close();
      }
      if (c != null) {
        c.close();
      }
      throw e;
    }
  }

  /** The version folder holding {@code saved_model.pb}. */
  static Path resolveVersion(Path dir) {
    if (!Files.isDirectory(dir)) {
      throw new SearchException(dir + ": no such model folder");
    }
    if (Files.isRegularFile(dir.resolve(SAVED_MODEL_PB))) {
      return dir;
    }
    List<Path> versions;
    try (Stream<Path> s = Files.list(dir)) {
      versions = s.filter(p -> p.getFileName().toString().matches("\\d{1,18}")
              && Files.isRegularFile(p.resolve(SAVED_MODEL_PB)))
          .sorted(Comparator.comparingLong(p -> Long.parseLong(p.getFileName().toString()))).toList();
    } catch (IOException e) {
      throw new SearchException(dir + ": cannot list: " + e.getMessage(), e);
    }
    if (versions.isEmpty()) {
      throw new SearchException(dir + ": not a SavedModel (no " + SAVED_MODEL_PB
          + ", and no numbered version folder containing one)");
    }
    return versions.get(versions.size() - 1);
  }

  /** Encodes queries (one batch) with {@code encode_query}; over-long queries are truncated and flagged. */
  public Embeddings encodeQueries(List<String> queries) {
    return run(encodeQuery, queryTokenizer.encodeReporting(queries));
  }

  /** Encodes one batch of code with {@code encode_code}. */
  public Embeddings encodeCodes(List<String> codes) {
    return run(encodeCode, codeTokenizer.encodeReporting(codes));
  }

  /**
   * Encodes many texts with {@code encode_code} in batches of {@code batchSize}, grouping texts of
   * similar token length to waste little padding; results are in input order.
   *
   * @param progress called with the number of texts finished after each batch
   */
  public float[][] encodeAllCodes(List<String> codes, int batchSize, IntConsumer progress) {
    if (batchSize < 1) {
      throw new SearchException("batch size must be >= 1, got " + batchSize);
    }
    int n = codes.size();
    int[] lengths = new int[n];
    for (int start = 0; start < n; start += 1024) { // token counts only, to sort by length
      List<String> chunk = codes.subList(start, Math.min(n, start + 1024));
      int[] l = codeTokenizer.encodeReporting(chunk).lengths();
      System.arraycopy(l, 0, lengths, start, l.length);
    }
    Integer[] order = IntStream.range(0, n).boxed().toArray(Integer[]::new);
    java.util.Arrays.sort(order, Comparator.comparingInt(i -> lengths[i]));
    float[][] out = new float[n][];
    for (int start = 0; start < n; start += batchSize) {
      int end = Math.min(n, start + batchSize);
      List<String> batch = new ArrayList<>(end - start);
      for (int i = start; i < end; i++) {
        batch.add(codes.get(order[i]));
      }
      float[][] v = encodeCodes(batch).vectors();
      for (int i = start; i < end; i++) {
        out[order[i]] = v[i - start];
      }
      progress.accept(end - start);
    }
    return out;
  }

  private Embeddings run(SessionFunction f, EncodedBatch t) {
    if (t.ids().length == 0) { // nothing to encode: no TF call with a [0, 0] batch
      return new Embeddings(new float[0][], new boolean[0], new int[0]);
    }
    try (TInt32 ids = matrix(t.ids()); TInt32 mask = matrix(t.mask());
        Result r = f.call(Map.<String, Tensor>of(INPUT_IDS, ids, ATTENTION_MASK, mask))) {
      TFloat32 e = (TFloat32) r.get(OUTPUT_EMBEDDING).orElseThrow(); // [B, D]
      int b = (int) e.shape().get(0);
      int d = (int) e.shape().get(1);
      float[] flat = new float[b * d];
      e.copyTo(DataBuffers.of(flat, false, false));
      float[][] rows = new float[b][];
      for (int i = 0; i < b; i++) {
        rows[i] = java.util.Arrays.copyOfRange(flat, i * d, (i + 1) * d);
      }
      return new Embeddings(rows, t.truncated(), t.lengths());
    }
  }

  private static TInt32 matrix(int[][] rows) {
    int b = rows.length;
    int l = rows[0].length;
    int[] flat = new int[b * l];
    for (int i = 0; i < b; i++) {
      System.arraycopy(rows[i], 0, flat, i * l, l);
    }
    return TInt32.tensorOf(Shape.of(b, l), DataBuffers.of(flat, false, false));
  }

  /** The identity of the model's graph and weights: one SHA-256 over {@code saved_model.pb} and {@code variables/}. */
  public String modelFingerprint() {
    return manifest().fingerprint(SAVED_MODEL_PB, "variables/");
  }

  /** SHA-256 of {@code assets.extra/tokenizer.json}. */
  public String tokenizerSha256() {
    Manifest.Entry e = manifest().files().get(ASSETS_EXTRA + "/" + TOKENIZER);
    return e != null ? e.sha256() : Manifest.sha256(dir.resolve(ASSETS_EXTRA).resolve(TOKENIZER));
  }

  private synchronized Manifest manifest() {
    if (manifest == null) {
      manifest = Manifest.of(dir, MANIFEST, List.of());
    }
    return manifest;
  }

  /** The SavedModel's signature defs by key, as stored in its MetaGraph (what TF Serving's metadata shows). */
  public Map<String, org.tensorflow.proto.SignatureDef> signatureDefs() {
    return bundle.metaGraphDef().getSignatureDefMap();
  }

  /**
   * Runs signature {@code key} on named input tensors (the caller closes the result). TF errors (bad
   * shapes, ids out of range) come back as {@code org.tensorflow.exceptions} runtime exceptions.
   */
  public Result call(String key, Map<String, Tensor> inputs) {
    return functions.computeIfAbsent(key, bundle::function).call(inputs);
  }

  /** The version folder that was loaded. */
  public Path dir() {
    return dir;
  }

  /** {@code assets.extra/serving.yaml}: dimension, max lengths, score scale, code field. */
  public ServingInfo info() {
    return info;
  }

  @Override
  public void close() {
    bundle.close();
    queryTokenizer.close();
    codeTokenizer.close();
  }

  private static String firstLine(String m) {
    if (m == null) {
      return "";
    }
    int nl = m.indexOf('\n');
    return nl < 0 ? m : m.substring(0, nl);
  }
}
