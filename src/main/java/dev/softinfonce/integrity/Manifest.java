package dev.softinfonce.integrity;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.google.common.hash.Hashing;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Sizes and SHA-256 checksums of the files of an artifact folder (a checkpoint, an exported SavedModel
 * version), written beside them as JSON and verified when the artifact is loaded, so that a damaged or
 * swapped file is reported by name before TensorFlow or the tokenizer read it.
 *
 * <pre>
 * {"format": 1, "algorithm": "sha256",
 *  "files": {"variables.index": {"size": 1234, "sha256": "9f86d0..."}, "../tokenizer.json": {...}, ...}}
 * </pre>
 *
 * Paths are relative to the artifact folder, '/'-separated; {@code ../tokenizer.json} ties a trainer
 * checkpoint to the tokenizer of its run folder. The manifest lists every file of the folder (except
 * itself) at the time of writing; files added later (e.g. by a user) are ignored, files listed but
 * missing, resized or changed are errors. An artifact without a manifest (written by an older version)
 * loads unverified.
 *
 * @param files relative path → size and checksum, sorted by path
 */
public record Manifest(Map<String, Entry> files) {
  /** Where a checkpoint keeps its manifest (inside the folder it describes). */
  public static final String FILE = "manifest.json";
  public static final int FORMAT = 1;
  public static final String ALGORITHM = "sha256";
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
      .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
      .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  /** One file: its size in bytes and the lower-case hex SHA-256 of its content. */
  public record Entry(long size, String sha256) {}

  /** The JSON document. */
  record Document(int format, String algorithm, Map<String, Entry> files) {}

  public Manifest {
    files = Map.copyOf(new TreeMap<>(files));
  }

  /**
   * The manifest of every regular file under {@code dir} (except {@code location}), plus {@code extra}
   * files given relative to {@code dir} (e.g. {@code ../tokenizer.json}).
   */
  public static Manifest of(Path dir, String location, List<String> extra) {
    Map<String, Entry> files = new TreeMap<>();
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.filter(Files::isRegularFile).toList()) {
        String rel = relative(dir, p);
        if (!rel.equals(location)) {
          files.put(rel, entry(p));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + dir + ": " + e.getMessage(), e);
    }
    for (String x : extra) {
      files.put(x, entry(dir.resolve(x)));
    }
    return new Manifest(files);
  }

  /**
   * Computes the manifest of {@code dir} and writes it to {@code dir/location} (temp file, then rename,
   * so a reader never sees half a manifest).
   */
  public static Manifest write(Path dir, String location, List<String> extra) {
    Manifest m = of(dir, location, extra);
    Path file = dir.resolve(location);
    try {
      Files.createDirectories(file.getParent());
      Path tmp = file.resolveSibling(file.getFileName() + ".part");
      dev.softinfonce.files.Outputs.write(tmp, JSON.writeValueAsBytes(new Document(FORMAT, ALGORITHM,
          new TreeMap<>(m.files()))));
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file + ": " + dev.softinfonce.files.IoErrors.reason(e), e);
    }
    return m;
  }

  /** Reads {@code dir/location}; empty if there is none (an artifact from before manifests). */
  public static java.util.Optional<Manifest> read(Path dir, String location) {
    Path file = dir.resolve(location);
    if (!Files.exists(file)) {
      return java.util.Optional.empty();
    }
    try {
      Document d = JSON.readValue(file.toFile(), Document.class);
      if (d.format() != FORMAT || !ALGORITHM.equals(d.algorithm()) || d.files() == null) {
        throw new IntegrityException(file + ": not a manifest this version reads (format " + d.format()
            + ", algorithm " + d.algorithm() + ")");
      }
      return java.util.Optional.of(new Manifest(d.files()));
    } catch (IOException e) {
      throw new IntegrityException(file + ": damaged manifest: " + firstLine(e.getMessage()), e);
    }
  }

  /**
   * Verifies {@code dir} against its manifest at {@code location} when {@link Verification} is on:
   * every listed file must exist with the recorded size and checksum.
   *
   * @return true if a manifest was found and verified, false if there is none or verification is off
   * @throws IntegrityException naming the first file that differs and how
   */
  public static boolean verify(Path dir, String location) {
    if (!Verification.enabled()) {
      return false;
    }
    java.util.Optional<Manifest> m = read(dir, location);
    if (m.isEmpty()) {
      return false;
    }
    m.get().check(dir);
    return true;
  }

  /** Checks every file of this manifest under {@code dir}; throws on the first difference. */
  public void check(Path dir) {
    for (var e : files.entrySet()) {
      Path p = dir.resolve(e.getKey()).normalize();
      if (!Files.isRegularFile(p)) {
        throw new IntegrityException(p + ": missing (listed in the manifest of " + dir + ")");
      }
      long size = size(p);
      if (size != e.getValue().size()) {
        throw new IntegrityException(p + ": damaged: " + size + " bytes, the manifest of " + dir + " records "
            + e.getValue().size() + " (truncated or overwritten since it was written; use --no-verify to load it"
            + " anyway)");
      }
      String sha = sha256(p);
      if (!sha.equals(e.getValue().sha256())) {
        throw new IntegrityException(p + ": damaged: SHA-256 checksum mismatch (" + shortHash(sha) + " on disk, "
            + shortHash(e.getValue().sha256()) + " in the manifest of " + dir + "); the file changed since it was"
            + " written (use --no-verify to load it anyway)");
      }
    }
  }

  /**
   * One SHA-256 over the entries whose path starts with one of {@code prefixes} (all if none): the
   * identity of, e.g., a model's weights, recorded by an index to refuse another model.
   */
  public String fingerprint(String... prefixes) {
    StringBuilder sb = new StringBuilder();
    for (var e : files.entrySet()) {
      if (prefixes.length == 0 || Stream.of(prefixes).anyMatch(e.getKey()::startsWith)) {
        sb.append(e.getKey()).append(' ').append(e.getValue().size()).append(' ').append(e.getValue().sha256())
            .append('\n');
      }
    }
    return Hashing.sha256().hashString(sb, StandardCharsets.UTF_8).toString();
  }

  /** Lower-case hex SHA-256 of a file's content. */
  public static String sha256(Path file) {
    try {
      return com.google.common.io.Files.asByteSource(file.toFile()).hash(Hashing.sha256()).toString();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  /** The first 12 hex digits, enough to tell two checksums apart in a message. */
  public static String shortHash(String hex) {
    return hex == null ? "none" : hex.substring(0, Math.min(12, hex.length()));
  }

  private static Entry entry(Path p) {
    return new Entry(size(p), sha256(p));
  }

  private static long size(Path p) {
    try {
      return Files.size(p);
    } catch (NoSuchFileException e) {
      throw new IntegrityException(p + ": missing");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + p + ": " + e.getMessage(), e);
    }
  }

  private static String relative(Path dir, Path p) {
    List<String> parts = new ArrayList<>();
    for (Path x : dir.relativize(p)) {
      parts.add(x.toString());
    }
    return String.join("/", parts);
  }

  private static String firstLine(String m) {
    String s = String.valueOf(m);
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }
}
