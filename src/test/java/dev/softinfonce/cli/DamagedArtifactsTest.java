package dev.softinfonce.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.softinfonce.export.SavedModelExporter;
import dev.softinfonce.export.TinyCheckpoints;
import dev.softinfonce.files.FileTreesTestSupport;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every command that loads an artifact, on every kind of damage to it: one line on stderr naming the
 * file and the cause, exit code 2, and no hang (each run under a preemptive timeout). The healthy
 * artifacts are built once for the class; each test damages a copy.
 */
class DamagedArtifactsTest {
  static final Duration BOUND = Duration.ofSeconds(60);

  @TempDir static Path root;
  static Path checkpoint;
  static Path savedModel;
  static Path index;
  static Path queries;

  @BeforeAll
  static void buildArtifacts() throws IOException {
    checkpoint = TinyCheckpoints.write(root.resolve("ckpt"), TinyCheckpoints.Layout.TRAINER, TinyCheckpoints.config(), 3L);
    savedModel = new SavedModelExporter().export(checkpoint, root.resolve("savedmodels/tiny"), 1).versionDir();
    queries = root.resolve("queries.jsonl");
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      lines.add("{\"url\": \"u" + i + "\", \"docstring_tokens\": [\"read\", \"file\", \"w" + i + "\"],"
          + " \"code_tokens\": [\"def\", \"read\", \"(\", \"p" + i + "\", \")\"]}");
    }
    Files.write(queries, lines);
    index = root.resolve("tiny.index");
    CliTestSupport.Run r = CliTestSupport.run("index", "--model", savedModel.toString(), "--codebase", queries.toString(),
        "--out", index.toString());
    assertEquals(0, r.exitCode(), r.err());
  }

  /** Runs the CLI under {@link #BOUND} and checks exit code 2 and one {@code error:} line matching {@code pattern}. */
  static void assertOneLineError(String pattern, String... args) {
    CliTestSupport.assertOneLineError(BOUND, pattern, args);
  }

  static Path copy(Path from, String name) throws IOException {
    Path to = root.resolve(name + "-" + System.nanoTime());
    FileTreesTestSupport.copy(from, to);
    return to;
  }

  static void flipByte(Path file, long at) throws IOException {
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
      long pos = at >= 0 ? at : f.length() + at;
      f.seek(pos);
      int b = f.read();
      f.seek(pos);
      f.write(b ^ 0x5A);
    }
  }

  static Path dataFile(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> p.getFileName().toString().startsWith("variables.data")).findFirst().orElseThrow();
    }
  }

  static String[] eval(Path model) {
    return new String[] {"eval", "--model", model.toString(), "--queries", queries.toString()};
  }

  static String[] export(Path ckpt) {
    return new String[] {"export", "--checkpoint", ckpt.toString(), "--out", root.resolve("out-" + System.nanoTime()).toString()};
  }

  @Test
  void checkpointDataWithAFlippedByte() throws IOException {
    Path c = copy(checkpoint, "flipped");
    flipByte(dataFile(c), 100);
    assertOneLineError("variables\\.data-00000-of-00001: damaged: SHA-256 checksum mismatch", eval(c));
    assertOneLineError("variables\\.data-00000-of-00001: damaged: SHA-256 checksum mismatch", export(c));
    // without the manifest check, TF's own CRC32C still stops it: one line, no hang (it used to hang in Graph.close)
    assertOneLineError("variables\\.index/\\.data-\\*: damaged: .*Checksum does not match", noVerify(eval(c)));
    assertOneLineError("variables\\.index/\\.data-\\*: damaged: .*Checksum does not match", noVerify(export(c)));
  }

  @Test
  void emptyCheckpointData() throws IOException {
    Path c = copy(checkpoint, "empty");
    Files.write(dataFile(c), new byte[0]);
    assertOneLineError("variables\\.data-00000-of-00001: damaged: 0 bytes, the manifest .* records \\d+", eval(c));
    assertOneLineError("variables\\.data-00000-of-00001: damaged: 0 bytes", export(c));
    assertOneLineError("variables\\.index/\\.data-\\*: damaged", noVerify(eval(c)));
    assertOneLineError("variables\\.index/\\.data-\\*: damaged", noVerify(export(c)));
  }

  @Test
  void damagedCheckpointIndex() throws IOException {
    Path c = copy(checkpoint, "index");
    flipByte(c.resolve("variables.index"), 20);
    assertOneLineError("variables\\.index: damaged: SHA-256 checksum mismatch", eval(c));
    assertOneLineError("variables\\.index: damaged: SHA-256 checksum mismatch", export(c));
    assertOneLineError("variables\\.index/\\.data-\\*: damaged", noVerify(eval(c)));
    assertOneLineError("variables\\.index/\\.data-\\*: damaged", noVerify(export(c)));
  }

  @Test
  void damagedCheckpointTokenizer() throws IOException {
    Path c = copy(checkpoint, "tok");
    Files.writeString(c.resolve("tokenizer.json"), "{\"model\": ");
    assertOneLineError("tokenizer\\.json: damaged: 10 bytes", eval(c));
    assertOneLineError("tokenizer\\.json: damaged: 10 bytes", export(c));
    assertOneLineError("not a tokenizer\\.json: .*tokenizer\\.json is not valid JSON", noVerify(eval(c)));
  }

  @Test
  void checkpointTokenizerSwappedForAnotherValidOne() throws IOException {
    Path c = copy(checkpoint, "swapped");
    Files.writeString(c.resolve("tokenizer.json"), Files.readString(c.resolve("tokenizer.json")).replace("\"read\"",
        "\"raed\""));
    assertOneLineError("tokenizer\\.json: damaged: SHA-256 checksum mismatch", eval(c));
    assertOneLineError("tokenizer\\.json: damaged: SHA-256 checksum mismatch", export(c));
  }

  @Test
  void damagedSavedModel() throws IOException {
    Path base = copy(savedModel.getParent(), "sm");
    flipByte(base.resolve("1/saved_model.pb"), 40);
    assertOneLineError("saved_model\\.pb: damaged: SHA-256 checksum mismatch", eval(base.resolve("1")));
    assertOneLineError("saved_model\\.pb: damaged: SHA-256 checksum mismatch", "index", "--model", base.toString(),
        "--codebase", queries.toString(), "--out", root.resolve("x.index").toString());
    assertOneLineError(Pattern.quote(base.resolve("1").toString()) + ": cannot load SavedModel", noVerify(eval(base.resolve("1"))));
  }

  @Test
  void damagedSavedModelVariables() throws IOException {
    Path base = copy(savedModel.getParent(), "smv");
    flipByte(dataFile(base.resolve("1/variables")), 100);
    assertOneLineError("variables\\.data-00000-of-00001: damaged: SHA-256", eval(base.resolve("1")));
    assertOneLineError("cannot load SavedModel .*Checksum does not match", noVerify(eval(base.resolve("1"))));
    assertOneLineError("cannot load SavedModel .*Checksum does not match", noVerify(new String[] {"index", "--model",
        base.toString(), "--codebase", queries.toString(), "--out", root.resolve("y.index").toString()}));
  }

  @Test
  void indexWithADamagedEmbedding() throws IOException {
    Path c = root.resolve("emb-" + System.nanoTime() + ".index");
    Files.copy(index, c);
    flipByte(c, -10);
    assertOneLineError(Pattern.quote(c.toString()) + ": damaged: SHA-256 checksum mismatch", "search", "--index",
        c.toString(), "read", "file");
    assertOneLineError(Pattern.quote(c.toString()) + ": damaged: SHA-256 checksum mismatch", "serve", "--index",
        c.toString(), "--port", "0");
  }

  @Test
  void indexWithADamagedUrl() throws IOException {
    Path c = root.resolve("url-" + System.nanoTime() + ".index");
    Files.copy(index, c);
    byte[] b = Files.readAllBytes(c);
    int at = new String(b, java.nio.charset.StandardCharsets.ISO_8859_1).indexOf("u3");
    flipByte(c, at);
    assertOneLineError(Pattern.quote(c.toString()) + ": damaged: SHA-256 checksum mismatch", "search", "--index",
        c.toString(), "read");
  }

  @Test
  void indexWithANanEmbeddingAndAValidChecksumIsRefused() throws IOException {
    Path c = root.resolve("nan-" + System.nanoTime() + ".index");
    byte[] b = Files.readAllBytes(index);
    int at = b.length - 32 - 4 * 5; // a float of the last embedding
    java.nio.ByteBuffer.wrap(b).putFloat(at, Float.NaN);
    Files.write(c, withChecksum(b));
    assertOneLineError(Pattern.quote(c.toString()) + ": corrupt index: the embedding of entry 5 \\(u5\\) contains NaN",
        "search", "--index", c.toString(), "read");
    assertOneLineError("contains NaN", "serve", "--index", c.toString(), "--port", "0");
  }

  @Test
  void indexWithAHugeCountIsRefusedWithoutAllocating() throws IOException {
    Path c = root.resolve("count-" + System.nanoTime() + ".index");
    byte[] b = Files.readAllBytes(index);
    java.nio.ByteBuffer buf = java.nio.ByteBuffer.wrap(b);
    int hlen = buf.getInt(12);
    String header = new String(b, 16, hlen, java.nio.charset.StandardCharsets.UTF_8);
    String huge = header.replaceFirst("\"count\":6", "\"count\":" + Integer.MAX_VALUE);
    assertTrue(!huge.equals(header), header);
    byte[] h = huge.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    out.write(b, 0, 12);
    out.write(java.nio.ByteBuffer.allocate(4).putInt(h.length).array());
    out.write(h);
    out.write(b, 16 + hlen, b.length - 16 - hlen);
    Files.write(c, withChecksum(out.toByteArray()));
    assertOneLineError("truncated or its header is corrupt: 2147483647 entries x 32 dims need at least \\d+ bytes, the file has",
        "search", "--index", c.toString(), "read");
  }

  @Test
  void indexBuiltWithAnotherModelOrTokenizerIsRefused() throws IOException {
    Path otherCkpt = TinyCheckpoints.write(root.resolve("other-ckpt"), TinyCheckpoints.Layout.TRAINER,
        TinyCheckpoints.config(), 4L);
    Path other = new SavedModelExporter().export(otherCkpt, root.resolve("savedmodels/other"), 1).versionDir();
    assertOneLineError("index \\(.*\\) was built with another model than .*other/1 \\(weights checksum",
        "search", "--index", index.toString(), "--model", other.toString(), "read");
    // the same weights re-exported with another (valid) tokenizer: a consistent export, a different tokenizer
    Path retok = copy(savedModel.getParent(), "retok").resolve("1");
    Path tok = retok.resolve("assets.extra/tokenizer.json");
    Files.writeString(tok, Files.readString(tok).replace("\"read\"", "\"raed\""));
    dev.softinfonce.integrity.Manifest.write(retok, dev.softinfonce.export.ServingContract.MANIFEST, List.of());
    assertOneLineError("was built with another tokenizer than", "search", "--index", index.toString(), "--model",
        retok.toString(), "read");
    // a copy of the same export elsewhere is the same model
    Path moved = copy(savedModel.getParent(), "moved").resolve("1");
    CliTestSupport.Run r = CliTestSupport.run("search", "--index", index.toString(), "--model", moved.toString(), "read");
    assertEquals(0, r.exitCode(), r.err());
  }

  /** {@code b} with its last 32 bytes replaced by the SHA-256 of the rest (a consistent file). */
  static byte[] withChecksum(byte[] b) {
    byte[] sha = com.google.common.hash.Hashing.sha256().hashBytes(b, 0, b.length - 32).asBytes();
    System.arraycopy(sha, 0, b, b.length - 32, 32);
    return b;
  }

  static String[] noVerify(String[] args) {
    String[] out = java.util.Arrays.copyOf(args, args.length + 1);
    out[args.length] = "--no-verify";
    return out;
  }

  @Test
  void aRealProcessOnADamagedCheckpointExitsWithTwoInsteadOfHanging() throws Exception {
    Path c = copy(checkpoint, "process");
    flipByte(dataFile(c), 100);
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), "dev.softinfonce.cli.Main"));
    cmd.addAll(List.of(noVerify(eval(c))));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.DISCARD);
    pb.environment().put("DJL_OFFLINE", "true");
    pb.environment().put("OPT_OUT_TRACKING", "true");
    Process p = pb.start();
    byte[] err = p.getErrorStream().readAllBytes();
    boolean ended = p.waitFor(BOUND.toSeconds(), java.util.concurrent.TimeUnit.SECONDS);
    if (!ended) {
      p.destroyForcibly();
    }
    assertTrue(ended, "eval on a damaged checkpoint did not end within " + BOUND);
    String lines = new String(err, java.nio.charset.StandardCharsets.UTF_8);
    assertEquals(2, p.exitValue(), lines);
    assertTrue(lines.lines().anyMatch(l -> l.startsWith("error: ") && l.contains("Checksum does not match")), lines);
  }
}
