package dev.softinfonce.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.softinfonce.config.DataConfig.BadRecordPolicy;
import dev.softinfonce.config.DataConfig.CodeField;
import dev.softinfonce.config.ExperimentConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CodeSearchNetReaderTest {
  private static final ObjectMapper M = new ObjectMapper();
  private static final ReadOptions FAIL = ReadOptions.defaults();
  private static final ReadOptions SKIP = FAIL.withOnBadRecord(BadRecordPolicy.SKIP);

  @TempDir Path tmp;

  @Test
  void readsPublishedRubyTestSplit() throws IOException {
    List<Example> all = ExampleReader.readAll(TestData.RUBY_TEST, ReadMode.PAIRS, FAIL);
    assertEquals(1261, all.size());
    assertEquals(TestData.lines(TestData.RUBY_TEST).size(), all.size());
    // the first record, checked field by field against Jackson's own reading of line 1
    JsonNode first = M.readTree(TestData.lines(TestData.RUBY_TEST).get(0));
    Example e = all.get(0);
    assertEquals(first.get("url").asText(), e.url());
    assertEquals(join(first.get("docstring_tokens")), e.query());
    assertEquals(join(first.get("code_tokens")), e.code());
    assertEquals("ruby", e.language());
    assertEquals(TestData.RUBY_TEST + ":1", e.source());
    assertEquals(TestData.RUBY_TEST + ":1261", all.get(1260).source());
  }

  @Test
  void codeFieldChoosesTheCodeText() throws IOException {
    JsonNode first = M.readTree(TestData.lines(TestData.RUBY_TEST).get(0));
    for (CodeField f : CodeField.values()) {
      try (ExampleReader r = ExampleReader.open(TestData.RUBY_TEST, ReadMode.PAIRS,
          new ReadOptions(f, BadRecordPolicy.FAIL))) {
        String code = r.next().code();
        String expected = switch (f) {
          case CODE_TOKENS -> join(first.get("code_tokens"));
          case CODE -> first.get("code").asText();
          case ORIGINAL_STRING -> first.get("original_string").asText();
        };
        assertEquals(expected, code, f.name());
      }
    }
  }

  @Test
  void optionsComeFromTheConfig() {
    var data = ExperimentConfig.builder().set("data.on_bad_record", "skip").set("data.code_field", "code")
        .build().data();
    assertEquals(new ReadOptions(CodeField.CODE, BadRecordPolicy.SKIP), ReadOptions.from(data));
  }

  @Test
  void lineCutInHalfFailsNamingFileAndLine() throws IOException {
    Path broken = cutLine17();
    DataFormatException e = assertThrows(DataFormatException.class,
        () -> ExampleReader.readAll(broken, ReadMode.PAIRS, FAIL));
    assertTrue(e.getMessage().startsWith(broken + ":17: malformed JSON: "), e.getMessage());
    assertEquals(17, e.line());
    assertEquals(broken, e.file());
  }

  @Test
  void skipPolicySkipsAndReportsTheBrokenLine() throws IOException {
    Path broken = cutLine17();
    try (ExampleReader r = ExampleReader.open(broken, ReadMode.PAIRS, SKIP)) {
      List<Example> all = r.toList();
      assertEquals(1260, all.size());
      assertEquals(1260, r.report().returned());
      assertEquals(1, r.report().skippedBad());
      assertEquals(1, r.report().firstSkipped().size());
      assertTrue(r.report().firstSkipped().get(0).startsWith(broken + ":17: malformed JSON"));
      assertFalse(all.stream().anyMatch(x -> x.source().endsWith(":17")));
    }
  }

  @Test
  void missingFieldIsNamed() throws IOException {
    Path p = withRecord(3, o -> o.remove("docstring_tokens"));
    DataFormatException e = assertThrows(DataFormatException.class,
        () -> ExampleReader.readAll(p, ReadMode.PAIRS, FAIL));
    assertEquals(p + ":3: field 'docstring_tokens': missing", e.getMessage());
    assertEquals("docstring_tokens", e.field());
  }

  @Test
  void wrongTypesAreNamed() throws IOException {
    Path p = withRecord(2, o -> o.put("docstring_tokens", 7));
    assertEquals(p + ":2: field 'docstring_tokens': expected an array of strings, got number",
        assertThrows(DataFormatException.class, () -> ExampleReader.readAll(p, ReadMode.PAIRS, FAIL)).getMessage());

    Path q = withRecord(4, o -> o.withArray("code_tokens").insert(3, true));
    assertEquals(q + ":4: field 'code_tokens': expected an array of strings, got boolean at index 3",
        assertThrows(DataFormatException.class, () -> ExampleReader.readAll(q, ReadMode.PAIRS, FAIL)).getMessage());

    Path u = withRecord(5, o -> o.putNull("url"));
    assertEquals(u + ":5: field 'url': missing (null)",
        assertThrows(DataFormatException.class, () -> ExampleReader.readAll(u, ReadMode.QUERIES, FAIL)).getMessage());

    Path c = withRecord(1, o -> o.putArray("code"));
    ReadOptions code = new ReadOptions(CodeField.CODE, BadRecordPolicy.FAIL);
    assertEquals(c + ":1: field 'code': expected a string, got array",
        assertThrows(DataFormatException.class, () -> ExampleReader.readAll(c, ReadMode.PAIRS, code)).getMessage());
  }

  @Test
  void skippedFieldErrorsKeepFirstFiveLocations() throws IOException {
    List<String> lines = new ArrayList<>(TestData.lines(TestData.RUBY_TEST).subList(0, 20));
    for (int i = 0; i < 7; i++) {
      ObjectNode o = (ObjectNode) M.readTree(lines.get(i * 2));
      o.remove("code_tokens");
      lines.set(i * 2, M.writeValueAsString(o));
    }
    Path p = TestData.write(tmp, "seven.jsonl", lines);
    try (ExampleReader r = ExampleReader.open(p, ReadMode.PAIRS, SKIP)) {
      assertEquals(13, r.toList().size());
      assertEquals(7, r.report().skippedBad());
      assertEquals(List.of(1, 3, 5, 7, 9), r.report().firstSkipped().stream()
          .map(s -> Integer.parseInt(s.substring(p.toString().length() + 1, s.indexOf(": "))))
          .collect(Collectors.toList()));
      assertTrue(r.report().firstSkipped().get(0).endsWith("field 'code_tokens': missing"));
    }
  }

  @Test
  void emptyDocstringOrCodeIsDroppedAndCounted() throws IOException {
    List<String> lines = new ArrayList<>(TestData.lines(TestData.RUBY_TEST).subList(0, 10));
    lines.set(2, edit(lines.get(2), o -> o.putArray("docstring_tokens")));
    lines.set(5, edit(lines.get(5), o -> o.putArray("docstring_tokens").add(" ").add("")));
    lines.set(7, edit(lines.get(7), o -> o.putArray("code_tokens")));
    Path p = TestData.write(tmp, "empty.jsonl", lines);
    try (ExampleReader r = ExampleReader.open(p, ReadMode.PAIRS, FAIL)) {
      List<Example> all = r.toList();
      assertEquals(7, all.size());
      assertEquals(2, r.report().droppedEmptyQuery());
      assertEquals(1, r.report().droppedEmptyCode());
      assertEquals(0, r.report().skippedBad());
      assertTrue(all.stream().noneMatch(e -> e.query().isBlank() || e.code().isBlank()));
    }
    // codebase entries may lack a docstring; empty code is still dropped
    try (ExampleReader r = ExampleReader.open(p, ReadMode.CODEBASE, FAIL)) {
      assertEquals(9, r.toList().size());
      assertEquals(0, r.report().droppedEmptyQuery());
      assertEquals(1, r.report().droppedEmptyCode());
    }
  }

  @Test
  void urlIsOptionalForPairsRequiredForQueriesAndCodebase() throws IOException {
    Path p = withRecord(2, o -> o.remove("url"));
    List<Example> pairs = ExampleReader.readAll(p, ReadMode.PAIRS, FAIL);
    assertEquals(p + ":2", pairs.get(1).url());
    for (ReadMode m : List.of(ReadMode.QUERIES, ReadMode.CODEBASE)) {
      assertEquals(p + ":2: field 'url': missing",
          assertThrows(DataFormatException.class, () -> ExampleReader.readAll(p, m, FAIL)).getMessage());
    }
  }

  @Test
  void codebaseEntriesNeedNoDocstringField() throws IOException {
    Path p = withRecord(1, o -> o.remove("docstring_tokens"));
    List<Example> pool = ExampleReader.readAll(p, ReadMode.CODEBASE, FAIL);
    assertEquals(5, pool.size());
    assertEquals("", pool.get(0).query());
  }

  @Test
  void nonObjectLinesAndTrailingGarbageAreMalformed() throws IOException {
    List<String> lines = new ArrayList<>(TestData.lines(TestData.RUBY_TEST).subList(0, 4));
    lines.set(1, "[1, 2]");
    lines.set(2, lines.get(2) + " {}");
    lines.add(1, "   "); // blank lines are ignored but still counted as lines
    Path p = TestData.write(tmp, "odd.jsonl", lines);
    try (ExampleReader r = ExampleReader.open(p, ReadMode.PAIRS, SKIP)) {
      assertEquals(2, r.toList().size());
      assertEquals(List.of(p + ":3: expected a JSON object, got array"), r.report().firstSkipped().subList(0, 1));
      assertTrue(r.report().firstSkipped().get(1).startsWith(p + ":4: malformed JSON: Trailing token"),
          r.report().firstSkipped().get(1));
    }
  }

  @Test
  void readsLazilyRecordByRecord() throws IOException {
    // a break at line 5 is not reached when only the first 3 examples are consumed
    List<String> lines = new ArrayList<>(TestData.lines(TestData.RUBY_TEST).subList(0, 8));
    lines.set(4, "{\"broken\": ");
    Path p = TestData.write(tmp, "late.jsonl", lines);
    try (ExampleReader r = ExampleReader.open(p, ReadMode.PAIRS, FAIL)) {
      assertEquals(3, r.stream().limit(3).count());
      assertEquals(3, r.report().returned());
      assertTrue(r.hasNext()); // line 4
      r.next();
      assertThrows(DataFormatException.class, r::hasNext);
    }
  }

  private Path cutLine17() throws IOException {
    List<String> lines = new ArrayList<>(TestData.lines(TestData.RUBY_TEST));
    String l = lines.get(16);
    lines.set(16, l.substring(0, l.length() / 2));
    return TestData.write(tmp, "test.jsonl", lines);
  }

  /** The first 5 ruby records with record {@code line} (1-based) edited. */
  private Path withRecord(int line, java.util.function.Consumer<ObjectNode> edit) throws IOException {
    List<String> lines = new ArrayList<>(TestData.lines(TestData.RUBY_TEST).subList(0, 5));
    lines.set(line - 1, edit(lines.get(line - 1), edit));
    return TestData.write(tmp, "edited.jsonl", lines);
  }

  private static String edit(String json, java.util.function.Consumer<ObjectNode> edit) throws IOException {
    ObjectNode o = (ObjectNode) M.readTree(json);
    edit.accept(o);
    return M.writeValueAsString(o);
  }

  private static String join(JsonNode tokens) {
    return StreamSupport.stream(tokens.spliterator(), false).map(JsonNode::asText)
        .collect(Collectors.joining(" "));
  }

  /** Three records; line 2 has a byte that is not UTF-8 (0xFF) inside its docstring, line 4 a BOM-less CRLF. */
  private Path withInvalidUtf8(String name) throws IOException {
    java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
    String ok = "{\"docstring_tokens\": [\"read\", \"caf\u00e9\"], \"code_tokens\": [\"x\"]}";
    b.write(("\uFEFF" + ok + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
    b.write("{\"docstring_tokens\": [\"ab".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    b.write(0xFF);
    b.write("\"], \"code_tokens\": [\"y\"]}\n\n".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    b.write((ok + "\r\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
    Path f = tmp.resolve(name);
    if (name.endsWith(".gz")) {
      try (var gz = new java.util.zip.GZIPOutputStream(java.nio.file.Files.newOutputStream(f))) {
        gz.write(b.toByteArray());
      }
    } else {
      java.nio.file.Files.write(f, b.toByteArray());
    }
    return f;
  }

  @Test
  void invalidUtf8IsAFileLineErrorThatSkipSkips() throws IOException {
    for (String name : List.of("bad.jsonl", "bad.jsonl.gz")) {
      Path f = withInvalidUtf8(name);
      DataFormatException e = assertThrows(DataFormatException.class,
          () -> ExampleReader.readAll(f, ReadMode.PAIRS, FAIL));
      assertEquals(f + ":2: invalid UTF-8 at byte 26 of the line (0xFF); the file must be UTF-8 text", e.getMessage());
      assertEquals(2, e.line());
      try (ExampleReader r = ExampleReader.open(f, ReadMode.PAIRS, SKIP)) {
        List<Example> all = r.toList();
        assertEquals(List.of("read caf\u00e9", "read caf\u00e9"), all.stream().map(Example::query).toList(),
            "the BOM dropped, the CRLF line read, line 2 skipped");
        assertEquals(List.of(f + ":1", f + ":4"), all.stream().map(Example::source).toList());
        assertEquals(1, r.report().skippedBad());
        assertEquals(List.of(e.getMessage()), r.report().firstSkipped());
      }
    }
  }
}
