package dev.softinfonce.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.softinfonce.config.DataConfig.BadRecordPolicy;
import dev.softinfonce.config.DataConfig.CodeField;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CosqaReaderTest {
  private static final ObjectMapper M = new ObjectMapper();
  private static final ReadOptions FAIL = ReadOptions.defaults();
  private static final ReadOptions SKIP = FAIL.withOnBadRecord(BadRecordPolicy.SKIP);
  private static final ReadOptions RAW_CODE = new ReadOptions(CodeField.CODE, BadRecordPolicy.FAIL);

  @TempDir Path tmp;

  @Test
  void detectsTheThreeLayouts() {
    assertEquals(SourceFormat.JSONL, SourceFormat.detect(TestData.RUBY_TEST));
    assertEquals(SourceFormat.COSQA_JSON, SourceFormat.detect(TestData.COSQA_DEV));
    assertEquals(SourceFormat.COSQA_CODE_MAP, SourceFormat.detect(TestData.COSQA_POOL));
  }

  @Test
  void readsTheDevQueries() throws IOException {
    JsonNode json = M.readTree(TestData.COSQA_DEV.toFile());
    List<Example> q = ExampleReader.readAll(TestData.COSQA_DEV, ReadMode.QUERIES, FAIL);
    assertEquals(500, q.size());
    assertEquals(json.size(), q.size());
    for (int i = 0; i < q.size(); i++) {
      JsonNode r = json.get(i);
      assertEquals(r.get("doc").asText(), q.get(i).query());
      assertEquals(r.get("code_tokens").asText(), q.get(i).code());
      assertEquals(Long.toString(r.get("retrieval_idx").asLong()), q.get(i).url());
      assertEquals("python", q.get(i).language());
    }
    assertEquals(TestData.COSQA_DEV + ":2", q.get(0).source()); // the first '{' is on line 2
  }

  @Test
  void readsThePool() throws IOException {
    @SuppressWarnings("unchecked")
    java.util.Map<String, Integer> map = M.readValue(TestData.COSQA_POOL.toFile(), java.util.LinkedHashMap.class);
    Codebase pool = Codebase.load(TestData.COSQA_POOL, FAIL);
    assertEquals(6267, pool.size());
    assertEquals(map.size(), pool.size());
    int i = 0;
    for (var e : map.entrySet()) {
      assertEquals(e.getKey(), pool.code(i));
      assertEquals(e.getValue().toString(), pool.url(i));
      i++;
    }
    assertEquals(0, pool.report().skippedBad());
  }

  @Test
  void querySetMatchesGoldByRetrievalIdx() {
    QuerySet set = QuerySet.load(TestData.COSQA_DEV, TestData.COSQA_POOL, RAW_CODE);
    assertEquals(500, set.size());
    assertEquals(6267, set.codebase().size());
    for (int i = 0; i < set.size(); i++) {
      Example q = set.queries().get(i);
      assertEquals(q.url(), set.codebase().url(set.gold(i)));
      // independent check: the pool's code at the gold index is the query's own code
      assertEquals(q.code(), set.codebase().code(set.gold(i)));
    }
  }

  @Test
  void negativeLabelsAreDroppedFromPairs() throws IOException {
    ArrayNode arr = (ArrayNode) M.readTree(TestData.COSQA_DEV.toFile());
    ((ObjectNode) arr.get(3)).put("label", 0);
    ((ObjectNode) arr.get(8)).put("label", 0);
    Path p = write("labels.json", arr);
    try (ExampleReader r = ExampleReader.open(p, ReadMode.PAIRS, FAIL)) {
      assertEquals(498, r.toList().size());
      assertEquals(2, r.report().droppedNegativeLabel());
    }
  }

  @Test
  void fieldErrorsNameFileLineAndFieldAndCanBeSkipped() throws IOException {
    ArrayNode arr = (ArrayNode) M.readTree(TestData.COSQA_DEV.toFile());
    ((ObjectNode) arr.get(0)).remove("retrieval_idx");
    ((ObjectNode) arr.get(1)).put("doc", 3);
    Path p = write("bad.json", arr);
    DataFormatException e = assertThrows(DataFormatException.class,
        () -> ExampleReader.readAll(p, ReadMode.QUERIES, FAIL));
    assertEquals(p + ":" + openingLine(p, 0) + ": field 'retrieval_idx': missing", e.getMessage());
    try (ExampleReader r = ExampleReader.open(p, ReadMode.QUERIES, SKIP)) {
      assertEquals(498, r.toList().size());
      assertEquals(2, r.report().skippedBad());
      assertEquals(p + ":" + openingLine(p, 1) + ": field 'doc': expected a string, got number",
          r.report().firstSkipped().get(1));
    }
  }

  @Test
  void malformedArrayCannotBeSkipped() throws IOException {
    String text = Files.readString(TestData.COSQA_DEV);
    Path p = tmp.resolve("cut.json");
    Files.writeString(p, text.substring(0, text.length() / 2));
    DataFormatException e = assertThrows(DataFormatException.class,
        () -> ExampleReader.readAll(p, ReadMode.QUERIES, SKIP));
    assertTrue(e.getMessage().startsWith(p + ":"), e.getMessage());
    assertTrue(e.getMessage().contains("malformed JSON") && e.getMessage().contains("cannot skip"), e.getMessage());
  }

  @Test
  void poolValueOfWrongTypeNamesTheEntry() throws IOException {
    Path p = tmp.resolve("code_idx_map.txt");
    Files.writeString(p, "{\n \"def a(): pass\": 0,\n \"def b(): pass\": \"1\",\n \"def c(): pass\": 2\n}\n");
    assertEquals(p + ":3: field 'index': expected an integer, got string",
        assertThrows(DataFormatException.class, () -> Codebase.load(p, FAIL)).getMessage());
    Codebase pool = Codebase.load(p, SKIP);
    assertEquals(List.of("0", "2"), pool.urls());
    assertEquals(1, pool.report().skippedBad());
  }

  @Test
  void poolIsOnlyACodebase() {
    assertThrows(IllegalArgumentException.class,
        () -> ExampleReader.readAll(TestData.COSQA_POOL, ReadMode.PAIRS, FAIL));
  }

  /** The line of record {@code i}'s opening brace, found by scanning the text (independent of Jackson). */
  private static long openingLine(Path p, int i) throws IOException {
    List<String> lines = Files.readAllLines(p);
    int seen = -1;
    for (int l = 0; l < lines.size(); l++) {
      if (lines.get(l).trim().endsWith("{") && ++seen == i) {
        return l + 1;
      }
    }
    throw new AssertionError("no record " + i);
  }

  private Path write(String name, JsonNode json) throws IOException {
    File f = tmp.resolve(name).toFile();
    M.writerWithDefaultPrettyPrinter().writeValue(f, json);
    return f.toPath();
  }

  @Test
  void labelsOutsideZeroOneNegativeIndicesAndCollidingPoolIndicesAreErrors(@org.junit.jupiter.api.io.TempDir Path dir)
      throws IOException {
    Path q = dir.resolve("cosqa-retrieval-x.json");
    Files.writeString(q, "[\n{\"idx\": \"a\", \"doc\": \"read a file\", \"code\": \"def f(): pass\", \"code_tokens\": [\"def\"], \"label\": 2,"
        + " \"retrieval_idx\": 1}\n]\n");
    DataFormatException e = assertThrows(DataFormatException.class, () -> ExampleReader.readAll(q, ReadMode.QUERIES, FAIL));
    assertTrue(e.getMessage().contains(q + ":2") && e.getMessage().contains("label") && e.getMessage().contains("must be 0 or 1, got 2"),
        e.getMessage());
    Files.writeString(q, "[\n{\"idx\": \"a\", \"doc\": \"read a file\", \"code\": \"def f(): pass\", \"code_tokens\": [\"def\"], \"label\": 1,"
        + " \"retrieval_idx\": -5}\n]\n");
    e = assertThrows(DataFormatException.class, () -> ExampleReader.readAll(q, ReadMode.QUERIES, FAIL));
    assertTrue(e.getMessage().contains("retrieval_idx") && e.getMessage().contains("must be >= 0, got -5"), e.getMessage());
    Path pool = dir.resolve("code_idx_map.txt");
    Files.writeString(pool, "{\"def a(): pass\": 0,\n\"def b(): pass\": 1,\n\"def c(): pass\": 0}\n");
    e = assertThrows(DataFormatException.class, () -> Codebase.load(pool, FAIL));
    assertTrue(e.getMessage().contains(pool + ":3") && e.getMessage().contains("index 0 is already used by the code at line 1"),
        e.getMessage());
  }
}
