package dev.softinfonce.serve;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.PriorityQueue;

/**
 * Code embeddings of a codebase with their urls and code previews, searchable by the model's
 * similarity, stored in one binary file.
 *
 * <h2>File format (version 2, all integers big-endian)</h2>
 * <pre>
 * bytes  field
 * 8      magic "SOFTIDX\0" (53 4F 46 54 49 44 58 00)
 * 4      int32 format version = 2
 * 4      int32 H, then H bytes UTF-8 JSON header {@link Header}: model (SavedModel version folder that
 *        encodes queries), codebase, count N, dim D, score_scale, similarity, code_field, created,
 *        model_sha256 and tokenizer_sha256 (the model's and tokenizer's checksums)
 * N x    (int32 length + UTF-8 url, int32 length + UTF-8 preview)
 * N*D*4  float32 embeddings, row-major, big-endian
 * 32     SHA-256 of every byte before it
 * </pre>
 * A checksum that does not match, counts that do not fit the file's size (checked before anything is
 * allocated), a NaN or infinite embedding, bytes after the checksum, a short file, a wrong magic or
 * another version are rejected with a message naming the file. Files are written to a temp file
 * ({@code .tmp-index-*.part}) and renamed, so a reader never sees half; temp files of killed writers
 * are removed by the next write into the same folder.
 *
 * <p>Scores are {@code dot(q, c) * score_scale} — exactly the {@code score} signature's formula
 * (embeddings are already normalised when the model normalises).
 */
public final class CodeIndex {
  /** The 8 bytes every index file starts with. */
  public static final byte[] MAGIC = {'S', 'O', 'F', 'T', 'I', 'D', 'X', 0};
  public static final int FORMAT_VERSION = 2;
  static final int CHECKSUM_BYTES = 32;
  static final String TMP_PREFIX = ".tmp-index-";
  static final String TMP_SUFFIX = ".part";
  /** A temp file untouched this long belongs to a writer that was killed (a live one writes continuously). */
  static final java.time.Duration STALE_AFTER = dev.softinfonce.files.StaleTemps.STALE_AFTER;
  /** The exact names of {@code Files.createTempFile(dir, TMP_PREFIX, TMP_SUFFIX)}. */
  private static final java.util.regex.Pattern OUR_TEMPS = java.util.regex.Pattern.compile(
      java.util.regex.Pattern.quote(TMP_PREFIX) + "\\d+" + java.util.regex.Pattern.quote(TMP_SUFFIX));

  private static final ObjectMapper JSON = new ObjectMapper()
      .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
      .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  /**
   * The JSON header.
   *
   * @param model absolute path of the SavedModel version folder whose {@code encode_query} must be used
   * @param codebase the file the entries were read from
   * @param count N
   * @param dim D
   * @param scoreScale factor on the dot product (1/τ or exp(logit_scale))
   * @param similarity dot | cosine
   * @param codeField which record field was encoded
   * @param created ISO-8601 time of writing
   * @param modelSha256 fingerprint of the model's graph and weights ({@link ServingModel#modelFingerprint})
   * @param tokenizerSha256 SHA-256 of the model's tokenizer.json
   */
  public record Header(String model, String codebase, int count, int dim, double scoreScale, String similarity,
      String codeField, String created, String modelSha256, String tokenizerSha256) {}

  private final Header header;
  private final List<String> urls;
  private final List<String> previews;
  private final float[] embeddings; // [N * D]

  /** An index over {@code vectors[i]} (each of length {@code header.dim()}). */
  public CodeIndex(Header header, List<String> urls, List<String> previews, float[][] vectors) {
    if (urls.size() != header.count() || previews.size() != header.count() || vectors.length != header.count()) {
      throw new IllegalArgumentException("index: count " + header.count() + " but " + urls.size() + " urls, "
          + previews.size() + " previews, " + vectors.length + " vectors");
    }
    this.header = header;
    this.urls = List.copyOf(urls);
    this.previews = List.copyOf(previews);
    this.embeddings = new float[Math.multiplyExact(header.count(), header.dim())];
    for (int i = 0; i < vectors.length; i++) {
      if (vectors[i].length != header.dim()) {
        throw new IllegalArgumentException("index: vector " + i + " has " + vectors[i].length + " dims, expected "
            + header.dim());
      }
      for (float x : vectors[i]) {
        if (!Float.isFinite(x)) {
          throw new SearchException("index: the embedding of entry " + i + " (" + urls.get(i) + ") contains " + x
              + "; the model produced a non-finite vector (damaged weights?), refusing to index it");
        }
      }
      System.arraycopy(vectors[i], 0, embeddings, i * header.dim(), header.dim());
    }
  }

  private CodeIndex(Header header, List<String> urls, List<String> previews, float[] flat) {
    this.header = header;
    this.urls = urls;
    this.previews = previews;
    this.embeddings = flat;
  }

  public Header header() {
    return header;
  }

  public int size() {
    return header.count();
  }

  public String url(int i) {
    return urls.get(i);
  }

  public String preview(int i) {
    return previews.get(i);
  }

  /** A copy of embedding {@code i}. */
  public float[] vector(int i) {
    return Arrays.copyOfRange(embeddings, i * header.dim(), (i + 1) * header.dim());
  }

  /**
   * The {@code k} entries with the highest {@code dot(query, c) * score_scale}, best first; ties go to
   * the earlier entry.
   */
  public List<SearchHit> search(float[] query, int k) {
    int d = header.dim();
    if (query.length != d) {
      throw new SearchException("query embedding has " + query.length + " dims but the index has " + d
          + " (was the index built with another model?)");
    }
    int n = size();
    int keep = Math.min(k, n);
    // min-heap on (score, -index): the root is the worst kept hit
    PriorityQueue<double[]> heap = new PriorityQueue<>(keep + 1, (a, b) -> a[0] != b[0]
        ? Double.compare(a[0], b[0]) : Double.compare(b[1], a[1]));
    if (keep <= 0) {
      return List.of();
    }
    for (int i = 0; i < n; i++) {
      double dot = 0;
      int off = i * d;
      for (int j = 0; j < d; j++) {
        dot += query[j] * embeddings[off + j];
      }
      if (heap.size() < keep) {
        heap.add(new double[] {dot, i});
      } else {
        double[] worst = heap.peek();
        if (dot > worst[0]) {
          heap.poll();
          heap.add(new double[] {dot, i});
        }
      }
    }
    List<double[]> sorted = new ArrayList<>(heap);
    sorted.sort((a, b) -> a[0] != b[0] ? Double.compare(b[0], a[0]) : Double.compare(a[1], b[1]));
    List<SearchHit> hits = new ArrayList<>(sorted.size());
    for (double[] h : sorted) {
      int i = (int) h[1];
      hits.add(new SearchHit(hits.size() + 1, h[0] * header.scoreScale(), urls.get(i), previews.get(i)));
    }
    return hits;
  }

  /** Writes the index atomically (temp file in the same folder, then rename). */
  public void save(Path file) throws IOException {
    Path parent = file.toAbsolutePath().getParent();
    Files.createDirectories(parent);
    removeStaleTemps(parent);
    Path tmp = Files.createTempFile(parent, TMP_PREFIX, TMP_SUFFIX);
    try {
      try (OutputStream os = dev.softinfonce.files.Outputs.open(tmp);
          BufferedOutputStream buffered = new BufferedOutputStream(os, 1 << 16);
          com.google.common.hash.HashingOutputStream hashed = new com.google.common.hash.HashingOutputStream(
              com.google.common.hash.Hashing.sha256(), buffered);
          DataOutputStream out = new DataOutputStream(hashed)) {
        out.write(MAGIC);
        out.writeInt(FORMAT_VERSION);
        byte[] h = JSON.writeValueAsBytes(header);
        out.writeInt(h.length);
        out.write(h);
        for (int i = 0; i < size(); i++) {
          writeString(out, urls.get(i));
          writeString(out, previews.get(i));
        }
        ByteBuffer buf = ByteBuffer.allocate(4 * 4096).order(ByteOrder.BIG_ENDIAN);
        for (int i = 0; i < embeddings.length; i += 4096) {
          buf.clear();
          int len = Math.min(4096, embeddings.length - i);
          buf.asFloatBuffer().put(embeddings, i, len);
          out.write(buf.array(), 0, 4 * len);
        }
        out.flush();
        buffered.write(hashed.hash().asBytes()); // the checksum of everything before it, not itself hashed
      }
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /** Removes {@code .tmp-index-*.part} files in {@code dir} left by killed writers (untouched for {@link #STALE_AFTER}). */
  static void removeStaleTemps(Path dir) throws IOException {
    dev.softinfonce.files.StaleTemps.remove(dir, OUR_TEMPS);
  }

  private static void writeString(DataOutputStream out, String s) throws IOException {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    out.writeInt(b.length);
    out.write(b);
  }

  /** Reads an index file; every format problem is a {@link SearchException} naming the file. */
  public static CodeIndex load(Path file) {
    if (!Files.isRegularFile(file)) {
      throw new SearchException(file + (Files.isDirectory(file) ? ": is a folder, not an index file"
          : ": no such index file"));
    }
    long fileSize;
    try {
      fileSize = Files.size(file);
    } catch (IOException e) {
      throw new SearchException(file + ": cannot read index: " + e.getMessage(), e);
    }
    try (InputStream is = Files.newInputStream(file);
        DataInputStream in = new DataInputStream(new BufferedInputStream(is, 1 << 16))) {
      byte[] magic = new byte[MAGIC.length];
      int got = in.readNBytes(magic, 0, magic.length);
      if (got < magic.length || !Arrays.equals(magic, MAGIC)) {
        throw new SearchException(file + ": not a softinfonce index (wrong magic header; expected \"SOFTIDX\\0\","
            + " build one with softinfonce index)");
      }
      int version = in.readInt();
      if (version != FORMAT_VERSION) {
        throw new SearchException(file + ": index format version " + version + " is not supported (this build reads "
            + FORMAT_VERSION + "); rebuild it with softinfonce index");
      }
      if (dev.softinfonce.integrity.Verification.enabled()) {
        verifyChecksum(file, fileSize);
      }
      int hlen = in.readInt();
      long left = fileSize - MAGIC.length - 8 - CHECKSUM_BYTES; // bytes after the length field, before the checksum
      if (hlen <= 0 || hlen > (1 << 20) || hlen > left) {
        throw new SearchException(file + ": corrupt index header length " + hlen);
      }
      left -= hlen;
      Header header;
      try {
        header = JSON.readValue(in.readNBytes(hlen), Header.class);
      } catch (IOException e) {
        throw new SearchException(file + ": corrupt index header: " + e.getMessage(), e);
      }
      if (header.count() < 0 || header.dim() < 1 || header.model() == null) {
        throw new SearchException(file + ": corrupt index header (count " + header.count() + ", dim " + header.dim()
            + ", model " + header.model() + ")");
      }
      // Every entry needs at least its two length fields and D floats: a count that cannot fit the file is
      // refused before any allocation (a damaged count of 2^31-1 must not become an OutOfMemoryError).
      long floats = (long) header.count() * header.dim();
      long minimum = 8L * header.count() + 4L * floats;
      if (minimum > left) {
        throw new SearchException(file + ": index file is truncated or its header is corrupt: " + header.count()
            + " entries x " + header.dim()
            + " dims need at least " + minimum + " bytes, the file has " + left + " after its header");
      }
      if (floats > Integer.MAX_VALUE - 8) {
        throw new SearchException(file + ": index too large for one array (" + floats + " floats)");
      }
      List<String> urls = new ArrayList<>(header.count());
      List<String> previews = new ArrayList<>(header.count());
      long[] budget = {left - 4L * floats}; // bytes left for the url/preview strings
      for (int i = 0; i < header.count(); i++) {
        urls.add(readString(in, file, budget));
        previews.add(readString(in, file, budget));
      }
      float[] flat = new float[(int) floats];
      byte[] chunk = new byte[4 * 4096];
      for (int i = 0; i < flat.length; i += 4096) {
        int len = Math.min(4096, flat.length - i);
        in.readFully(chunk, 0, 4 * len);
        ByteBuffer.wrap(chunk, 0, 4 * len).order(ByteOrder.BIG_ENDIAN).asFloatBuffer().get(flat, i, len);
      }
      for (int i = 0; i < flat.length; i++) {
        if (!Float.isFinite(flat[i])) {
          throw new SearchException(file + ": corrupt index: the embedding of entry " + (i / header.dim()) + " ("
              + urls.get(i / header.dim()) + ") contains " + flat[i] + "; rebuild it with softinfonce index");
        }
      }
      in.readFully(new byte[CHECKSUM_BYTES]);
      if (in.read() != -1) {
        throw new SearchException(file + ": trailing bytes after " + header.count() + " x " + header.dim()
            + " embeddings (corrupt or not an index)");
      }
      return new CodeIndex(header, List.copyOf(urls), List.copyOf(previews), flat);
    } catch (EOFException e) {
      throw new SearchException(file + ": index file is truncated", e);
    } catch (IOException e) {
      throw new SearchException(file + ": cannot read index: " + e.getMessage(), e);
    }
  }

  /** Compares the SHA-256 of everything before the last 32 bytes with those bytes. */
  private static void verifyChecksum(Path file, long fileSize) throws IOException {
    if (fileSize < MAGIC.length + 8 + CHECKSUM_BYTES) {
      throw new SearchException(file + ": index file is truncated");
    }
    var source = com.google.common.io.Files.asByteSource(file.toFile());
    byte[] actual = source.slice(0, fileSize - CHECKSUM_BYTES).hash(com.google.common.hash.Hashing.sha256()).asBytes();
    byte[] recorded = source.slice(fileSize - CHECKSUM_BYTES, CHECKSUM_BYTES).read();
    if (!Arrays.equals(actual, recorded)) {
      throw new SearchException(file + ": damaged: SHA-256 checksum mismatch (the file changed after it was"
          + " written, or was cut short); rebuild it with softinfonce index (or --no-verify to load it anyway)");
    }
  }

  private static String readString(DataInputStream in, Path file, long[] budget) throws IOException {
    int len = in.readInt();
    budget[0] -= 4L + Math.max(len, 0);
    if (budget[0] < 0 && len >= 0) {
      throw new SearchException(file + ": index file is truncated or corrupt (a string of " + len
          + " bytes does not fit in what is left of the file)");
    }
    if (len < 0 || len > (1 << 26)) {
      throw new SearchException(file + ": corrupt index (string length " + len + ")");
    }
    byte[] b = new byte[len];
    in.readFully(b);
    return new String(b, StandardCharsets.UTF_8);
  }
}
