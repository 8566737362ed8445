package dev.softinfonce.serve;

import static org.junit.jupiter.api.Assertions.*;

import dev.softinfonce.export.ServingContract;
import dev.softinfonce.files.FileTreesTestSupport;
import dev.softinfonce.text.Tokenizer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/** Index building, the index file format and search, against the model's own {@code score} signature. */
class CodeSearcherTest {
  @TempDir static Path root;
  static Path model;
  static Path codebase;

  @BeforeAll
  static void setUp() throws Exception {
    model = TinyExport.export(root);
    codebase = TinyExport.codebase(root.resolve("codebase.jsonl"));
  }

  private static CodeIndex build() {
    try (ServingModel m = ServingModel.open(model)) {
      return CodeSearcher.buildIndex(m, codebase, null, 3, IndexProgress.NONE);
    }
  }

  @Test
  void indexRoundTripsThroughItsFile() throws Exception {
    CodeIndex index = build();
    assertEquals(TinyExport.CODES.size(), index.size());
    assertEquals("https://example.org/c0", index.url(0));
    assertEquals("def read_file ( path )\n  File . read ( path )\nend", index.preview(0), "preview from the code field");
    assertEquals(model.toAbsolutePath().normalize().toString(), index.header().model());
    assertEquals("code_tokens", index.header().codeField());
    Path file = root.resolve("roundtrip.idx");
    index.save(file);
    CodeIndex back = CodeIndex.load(file);
    assertEquals(index.header(), back.header());
    for (int i = 0; i < index.size(); i++) {
      assertEquals(index.url(i), back.url(i));
      assertEquals(index.preview(i), back.preview(i));
      assertArrayEquals(index.vector(i), back.vector(i));
    }
    byte[] head = java.util.Arrays.copyOf(Files.readAllBytes(file), 12);
    assertArrayEquals(new byte[] {'S', 'O', 'F', 'T', 'I', 'D', 'X', 0, 0, 0, 0, 2}, head, "magic + version 2");
  }

  @Test
  void batchedIndexEqualsOneByOneEncoding() {
    CodeIndex index = build();
    try (ServingModel m = ServingModel.open(model)) {
      // code_tokens joined by spaces is what Codebase gives the encoder
      for (int i = 0; i < TinyExport.CODES.size(); i++) {
        String joined = String.join(" ", TinyExport.CODES.get(i).split("\\s+"));
        float[] one = m.encodeCodes(List.of(joined)).vectors()[0];
        float[] batched = index.vector(i);
        for (int j = 0; j < one.length; j++) {
          assertEquals(one[j], batched[j], 1e-5, "entry " + i + " dim " + j + " (padding must not change it)");
        }
      }
    }
  }

  @Test
  void rankingAndScoresEqualTheScoreSignature() throws Exception {
    Path file = root.resolve("rank.idx");
    build().save(file);
    List<String> queries = List.of("read a file", "parse json data", "sort the array");
    try (CodeSearcher searcher = CodeSearcher.open(file);
        SavedModelBundle b = SavedModelBundle.load(model.toString(), "serve");
        Tokenizer qt = Tokenizer.builder(model.resolve("assets.extra/tokenizer.json")).maxLength(16).padId(0).build();
        Tokenizer ct = qt.withMaxLength(32)) {
      List<String> codes = new ArrayList<>();
      for (String c : TinyExport.CODES) {
        codes.add(String.join(" ", c.split("\\s+")));
      }
      var q = qt.encode(queries);
      var c = ct.encode(codes);
      try (TInt32 qi = tensor(q.ids()); TInt32 qm = tensor(q.mask()); TInt32 ci = tensor(c.ids());
          TInt32 cm = tensor(c.mask());
          Result r = b.function(ServingContract.SIG_SCORE).call(Map.of("query_input_ids", qi,
              "query_attention_mask", qm, "code_input_ids", ci, "code_attention_mask", cm))) {
        TFloat32 s = (TFloat32) r.get("scores").orElseThrow(); // [Q, C]
        for (int qn = 0; qn < queries.size(); qn++) {
          final int row = qn;
          List<Integer> expected = new ArrayList<>();
          for (int j = 0; j < codes.size(); j++) {
            expected.add(j);
          }
          expected.sort(Comparator.<Integer>comparingDouble(j -> -s.getFloat(row, j)).thenComparing(j -> j));
          SearchResponse resp = searcher.search(queries.get(qn), 5);
          assertEquals(5, resp.hits().size());
          assertFalse(resp.truncated());
          for (int rank = 0; rank < 5; rank++) {
            SearchHit h = resp.hits().get(rank);
            int j = expected.get(rank);
            assertEquals(rank + 1, h.rank());
            assertEquals("https://example.org/c" + j, h.url(), "query '" + queries.get(qn) + "' rank " + (rank + 1));
            assertEquals(s.getFloat(row, j), h.score(), 1e-4);
          }
        }
      }
    }
  }

  static TInt32 tensor(int[][] rows) {
    int[] flat = new int[rows.length * rows[0].length];
    for (int i = 0; i < rows.length; i++) {
      System.arraycopy(rows[i], 0, flat, i * rows[0].length, rows[0].length);
    }
    return TInt32.tensorOf(Shape.of(rows.length, rows[0].length), DataBuffers.of(flat));
  }

  @Test
  void queriesAreValidatedAndLongOnesTruncated() throws Exception {
    Path file = root.resolve("q.idx");
    build().save(file);
    try (CodeSearcher searcher = CodeSearcher.open(file)) {
      assertTrue(assertThrows(SearchException.class, () -> searcher.search("", 3)).getMessage().contains("empty query"));
      assertTrue(assertThrows(SearchException.class, () -> searcher.search("  \t\n", 3)).getMessage().contains("empty query"));
      String huge = "read ".repeat(3000);
      assertTrue(assertThrows(SearchException.class, () -> searcher.search(huge, 3)).getMessage()
          .contains("query too long: 15000 characters"));
      assertTrue(assertThrows(SearchException.class, () -> searcher.search("read", 0)).getMessage()
          .contains("k must be between 1 and 1000"));
      SearchResponse longQ = searcher.search("read a file into string ".repeat(10), 3);
      assertTrue(longQ.truncated());
      assertEquals(16, longQ.queryTokens(), "truncated to model.max_query_length incl. [CLS]/[SEP]");
      SearchResponse shortQ = searcher.search("read a file", 100);
      assertFalse(shortQ.truncated());
      assertEquals(5, shortQ.queryTokens());
      assertEquals(TinyExport.CODES.size(), shortQ.hits().size(), "k larger than the index returns everything");
      assertEquals(0, searcher.model().encodeQueries(List.of()).vectors().length);
      assertEquals(0, searcher.model().encodeAllCodes(List.of(), 8, n -> {}).length);
      // truncation keeps the first tokens: the long query's embedding equals its first 14 words' embedding
      String words14 = String.join(" ", java.util.Collections.nCopies(10, "read a file into string")).split(" ").length > 14
          ? String.join(" ", java.util.Arrays.copyOf("read a file into string ".repeat(10).trim().split(" "), 14)) : "";
      float[] a = searcher.model().encodeQueries(List.of("read a file into string ".repeat(10))).vectors()[0];
      float[] b = searcher.model().encodeQueries(List.of(words14)).vectors()[0];
      assertArrayEquals(a, b, 1e-6f);
    }
  }

  @Test
  void badIndexFilesAreRejectedByName() throws Exception {
    Path good = root.resolve("good.idx");
    build().save(good);
    byte[] bytes = Files.readAllBytes(good);

    Path missing = root.resolve("missing.idx");
    assertTrue(assertThrows(SearchException.class, () -> CodeIndex.load(missing)).getMessage()
        .contains(missing + ": no such index file"));

    Path text = Files.writeString(root.resolve("text.idx"), "{\"not\": \"an index\"}\n");
    assertTrue(assertThrows(SearchException.class, () -> CodeIndex.load(text)).getMessage()
        .contains(text + ": not a softinfonce index (wrong magic header"));

    Path empty = Files.write(root.resolve("empty.idx"), new byte[0]);
    assertTrue(assertThrows(SearchException.class, () -> CodeIndex.load(empty)).getMessage().contains("wrong magic"));

    byte[] v3 = bytes.clone();
    v3[11] = 3;
    Path future = Files.write(root.resolve("v3.idx"), v3);
    assertTrue(assertThrows(SearchException.class, () -> CodeIndex.load(future)).getMessage()
        .contains("index format version 3 is not supported"));

    Path cut = Files.write(root.resolve("cut.idx"), java.util.Arrays.copyOf(bytes, bytes.length - 10));
    assertTrue(assertThrows(SearchException.class, () -> CodeIndex.load(cut)).getMessage()
        .contains(cut + ": damaged: SHA-256 checksum mismatch"));

    byte[] longer = java.util.Arrays.copyOf(bytes, bytes.length + 3);
    Path trailing = Files.write(root.resolve("trailing.idx"), longer);
    assertTrue(assertThrows(SearchException.class, () -> CodeIndex.load(trailing)).getMessage()
        .contains(trailing + ": damaged: SHA-256 checksum mismatch"));

    // without the checksum (--no-verify), the structure checks still name the problem
    dev.softinfonce.integrity.Verification.setEnabled(false);
    try {
      String m = assertThrows(SearchException.class, () -> CodeIndex.load(cut)).getMessage();
      assertTrue(m.contains(cut + ": index file is truncated"), m);
      m = assertThrows(SearchException.class, () -> CodeIndex.load(trailing)).getMessage();
      assertTrue(m.contains("trailing bytes"), m);
    } finally {
      dev.softinfonce.integrity.Verification.setEnabled(true);
    }
  }

  @Test
  void staleTempFilesOfKilledIndexWritesAreRemovedByTheNextWrite() throws Exception {
    Path folder = Files.createDirectories(root.resolve("stale"));
    Path stale = Files.writeString(folder.resolve(".tmp-index-123.part"), "half an index");
    Files.setLastModifiedTime(stale, java.nio.file.attribute.FileTime.from(
        java.time.Instant.now().minus(CodeIndex.STALE_AFTER).minusSeconds(60)));
    Path live = Files.writeString(folder.resolve(".tmp-index-456.part"), "a writer still at work");
    Path other = Files.writeString(folder.resolve("notes.part"), "not ours");
    build().save(folder.resolve("a.idx"));
    assertTrue(!Files.exists(stale), "stale temp file left");
    assertTrue(Files.exists(live) && Files.exists(other), "a fresh temp file or someone else's file was removed");
  }

  @Test
  void badModelFoldersAreRejectedByName() throws Exception {
    Path nothing = root.resolve("no-model");
    assertTrue(assertThrows(SearchException.class, () -> ServingModel.open(nothing)).getMessage()
        .contains(nothing + ": no such model folder"));

    Path notSm = Files.createDirectories(root.resolve("not-a-savedmodel"));
    Files.writeString(notSm.resolve("README"), "hello");
    assertTrue(assertThrows(SearchException.class, () -> ServingModel.open(notSm)).getMessage()
        .contains(notSm + ": not a SavedModel (no saved_model.pb"));

    Path garbage = copyExport("garbage-pb");
    Files.writeString(garbage.resolve("saved_model.pb"), "not a protobuf");
    String msg = assertThrows(SearchException.class, () -> ServingModel.open(garbage)).getMessage();
    assertTrue(msg.contains(garbage + ": cannot load SavedModel"), msg);

    Path noTok = copyExport("no-tokenizer");
    Files.delete(noTok.resolve("assets.extra/tokenizer.json"));
    msg = assertThrows(SearchException.class, () -> ServingModel.open(noTok)).getMessage();
    assertTrue(msg.contains("tokenizer missing: expected " + noTok.resolve("assets.extra/tokenizer.json")), msg);

    Path noInfo = copyExport("no-serving-yaml");
    Files.delete(noInfo.resolve("assets.extra/serving.yaml"));
    msg = assertThrows(SearchException.class, () -> ServingModel.open(noInfo)).getMessage();
    assertTrue(msg.contains(noInfo.resolve("assets.extra/serving.yaml") + ": missing"), msg);

    // a model base folder resolves to its highest version, like TF Serving
    try (ServingModel m = ServingModel.open(model.getParent())) {
      assertEquals(model, m.dir());
    }
  }

  private static Path copyExport(String name) throws Exception {
    Path dst = root.resolve(name).resolve("1");
    FileTreesTestSupport.copy(model, dst);
    Files.delete(dst.resolve(dev.softinfonce.export.ServingContract.MANIFEST)); // edited by hand below
    return dst;
  }
}
