package dev.softinfonce.javacorpus;

import static dev.softinfonce.javacorpus.JavaCorpusFixture.lineOf;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JavaCorpusBuilderTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final List<String> FILES = List.of("train.jsonl", "valid.jsonl", "test.jsonl",
      "valid_codebase.jsonl", "test_codebase.jsonl", "manifest.json");

  @TempDir static Path dir;
  static Path out;
  static CorpusManifest manifest;

  @BeforeAll
  static void build() throws IOException {
    JavaCorpusFixture.write(dir);
    out = dir.resolve("out1");
    manifest = builder(1).write(out);
  }

  /** alpha (folder) → train, beta.zip → valid, gamma.zip → test, chosen as the CLI would. */
  static JavaCorpusBuilder builder(int threads) {
    SourcesJarResolver offline = new SourcesJarResolver(dir.resolve("no-m2"), "http://127.0.0.1:9/none", s -> {});
    return CorpusLibraries.plan(List.of(), List.of(dir.resolve("alpha"), dir.resolve("beta.zip")),
        List.of("beta.zip"), List.of(dir.resolve("gamma.zip").toString()), offline).threads(threads).build();
  }

  static List<JsonNode> read(String file) throws IOException {
    List<JsonNode> out = new ArrayList<>();
    for (String line : Files.readAllLines(JavaCorpusBuilderTest.out.resolve(file))) {
      out.add(JSON.readTree(line));
    }
    return out;
  }

  static List<String> field(List<JsonNode> records, String name) {
    return records.stream().map(r -> r.get(name).asText()).toList();
  }

  static String url(String lib, String path, String text, String marker) {
    return "sources:" + lib + "!" + path + "#L" + lineOf(text, marker);
  }

  @Test
  void trainHoldsExactlyTheMethodsThatPassEveryFilter() throws IOException {
    List<JsonNode> train = read("train.jsonl");
    String strings = "org/example/Strings.java";
    assertEquals(List.of(
            url("alpha", "org/example/Shape.java", JavaCorpusFixture.SHAPE, "default String describe"),
            url("alpha", strings, JavaCorpusFixture.STRINGS, "@SuppressWarnings"),
            url("alpha", strings, JavaCorpusFixture.STRINGS, "public static int count"),
            url("alpha", strings, JavaCorpusFixture.STRINGS, "public static Runnable runner"),
            url("alpha", strings, JavaCorpusFixture.STRINGS, "String trim(String s)")),
        field(train, "url"));
    assertEquals(List.of("Shape.describe", "Strings.reverse", "Strings.count", "Strings.runner", "Strings.Inner.trim"),
        field(train, "func_name"));
    assertEquals(List.of(
            "Describes this shape in one line of text.",
            "Reverses the given text character by character.",
            "Counts the elements of a list & checks a<b> it.",
            "Makes a runner that does nothing.",
            "Trims the given text on both sides."),
        field(train, "docstring"));
    for (JsonNode r : train) {
      assertEquals("alpha", r.get("repo").asText());
      assertEquals("java", r.get("language").asText());
      assertEquals("train", r.get("partition").asText());
      assertEquals(r.get("code").asText(), r.get("original_string").asText());
      assertEquals(List.of("repo", "path", "func_name", "original_string", "language", "code", "code_tokens",
          "docstring", "docstring_tokens", "url", "partition"), fieldNames(r));
    }
  }

  @Test
  void recordFieldsOfOneMethod() throws IOException {
    JsonNode r = read("train.jsonl").get(1);
    String[] lines = JavaCorpusFixture.STRINGS.split("\n");
    int first = lineOf(JavaCorpusFixture.STRINGS, "@SuppressWarnings") - 1;
    String code = String.join("\n", Arrays.copyOfRange(lines, first, first + 5)).strip();
    assertEquals(code, r.get("code").asText());
    assertTrue(code.startsWith("@SuppressWarnings(\"unused\")\n  public static String reverse(String text) {"));
    assertTrue(code.endsWith("toString();\n  }"));
    assertEquals("org/example/Strings.java", r.get("path").asText());
    assertEquals(List.of("@", "SuppressWarnings", "(", "\"unused\"", ")", "public", "static", "String", "reverse", "(",
            "String", "text", ")", "{", "return", "new", "StringBuilder", "(", "text", ")", ".", "reverse", "(", ")",
            ".", "toString", "(", ")", ";", "}"),
        strings(r.get("code_tokens")));
    assertEquals(List.of("Reverses", "the", "given", "text", "character", "by", "character", "."),
        strings(r.get("docstring_tokens")));
  }

  @Test
  void validAndTestComeFromTheirOwnLibrariesWithCodebases() throws IOException {
    String beta = "com/beta/Beta.java";
    List<JsonNode> valid = read("valid.jsonl");
    assertEquals(List.of(url("beta.zip", beta, JavaCorpusFixture.BETA, "static int add")), field(valid, "url"));
    assertEquals(List.of("valid"), field(valid, "partition"));
    assertEquals(List.of("beta.zip"), field(valid, "repo"));
    // Gold first claims its code (Alpha.add, earlier by path but identical, is left out); undocumented sub and
    // short-docstring mul are distractors; the one-line div fails the code filters.
    List<JsonNode> validCodebase = read("valid_codebase.jsonl");
    assertEquals(List.of(
            url("beta.zip", beta, JavaCorpusFixture.BETA, "static int add"),
            url("beta.zip", beta, JavaCorpusFixture.BETA, "static int sub"),
            url("beta.zip", beta, JavaCorpusFixture.BETA, "static int mul")),
        field(validCodebase, "url"));
    assertEquals(List.of("Adds two numbers and returns the sum.", "", "Multiplies"),
        field(validCodebase, "docstring"));
    assertEquals(valid.get(0), validCodebase.get(0));

    String gamma = "net/gamma/Gamma.java";
    assertEquals(List.of(url("gamma.zip", gamma, JavaCorpusFixture.GAMMA, "public static int sum")),
        field(read("test.jsonl"), "url"));
    assertEquals(List.of(url("gamma.zip", gamma, JavaCorpusFixture.GAMMA, "public static int sum"),
            url("gamma.zip", gamma, JavaCorpusFixture.GAMMA, "int helper")),
        field(read("test_codebase.jsonl"), "url"));
    assertEquals(List.of("test", "test"), field(read("test_codebase.jsonl"), "partition"));
  }

  @Test
  void everyFilterIsCountedPerLibrary() throws IOException {
    Map<String, Map<String, Long>> expected = new LinkedHashMap<>();
    expected.put("gamma.zip", drops(Map.of("no_javadoc", 1L)));
    expected.put("beta.zip", drops(Map.of("no_javadoc", 2L, "docstring_short", 1L, "short_method", 1L)));
    // Strings.sum loses to the identical Gamma.sum (test before train); Twin.reverse to Strings.reverse.
    expected.put("alpha", drops(Map.ofEntries(Map.entry("no_javadoc", 1L), Map.entry("test_code", 1L),
        Map.entry("constructor", 1L), Map.entry("excluded_name", 1L), Map.entry("no_body", 1L),
        Map.entry("short_method", 1L), Map.entry("docstring_short", 1L), Map.entry("docstring_url", 1L),
        Map.entry("docstring_html", 1L), Map.entry("non_english", 1L), Map.entry("duplicate_code", 2L))));
    JsonNode m = JSON.readTree(out.resolve("manifest.json").toFile());
    Map<String, Map<String, Long>> actual = new LinkedHashMap<>();
    for (JsonNode lib : m.get("libraries")) {
      Map<String, Long> d = new LinkedHashMap<>();
      lib.get("dropped").fields().forEachRemaining(e -> d.put(e.getKey(), e.getValue().asLong()));
      actual.put(lib.get("id").asText(), d);
      long dropped = d.values().stream().mapToLong(Long::longValue).sum();
      assertEquals(lib.get("methods").asLong(), lib.get("queries").asLong() + dropped, lib.get("id").asText());
    }
    assertEquals(expected, actual);
    assertEquals(List.of(2L, 5L, 17L), m.findValues("methods").stream().map(JsonNode::asLong).toList());
    assertEquals(List.of(4, 2, 1), List.of(m.get("libraries").get(2).get("files").asInt(),
        m.get("libraries").get(1).get("files").asInt(), m.get("libraries").get(0).get("files").asInt()));
    assertEquals(5, m.get("splits").get("train").get("queries").asLong());
    assertEquals(3, m.get("splits").get("valid").get("codebase").asLong());
    assertEquals(List.of("alpha"), strings(m.get("splits").get("train").get("libraries")));
    assertEquals(2, m.get("dropped").get("duplicate_code").asLong());
    assertEquals(5, manifest.queries(CorpusSplit.TRAIN));
    assertTrue(m.get("libraries").get(0).get("sha1").asText().matches("[0-9a-f]{40}"));
    assertTrue(m.get("libraries").get(2).get("sha1").isNull());
  }

  @Test
  void sameInputsGiveIdenticalBytesWhateverTheThreadCount() throws IOException {
    Path again = dir.resolve("out2");
    builder(3).write(again);
    for (String f : FILES) {
      assertArrayEquals(Files.readAllBytes(out.resolve(f)), Files.readAllBytes(again.resolve(f)), f);
    }
  }

  @Test
  void aLibraryBelongsToOneSplitOnly() {
    SourcesJarResolver offline = new SourcesJarResolver(dir.resolve("no-m2"), "http://127.0.0.1:9/none", s -> {});
    CorpusBuildException e = assertThrows(CorpusBuildException.class, () -> CorpusLibraries.plan(List.of(),
        List.of(dir.resolve("beta.zip")), List.of("beta.zip"), List.of("beta.zip"), offline));
    assertTrue(e.getMessage().contains("beta.zip") && e.getMessage().contains("already assigned to valid"),
        e.getMessage());
    e = assertThrows(CorpusBuildException.class, () -> CorpusLibraries.plan(List.of(),
        List.of(dir.resolve("missing")), List.of(), List.of(), offline));
    assertTrue(e.getMessage().contains("missing: no such file or folder"), e.getMessage());
    e = assertThrows(CorpusBuildException.class, () -> CorpusLibraries.plan(List.of("com.example:only-two"),
        List.of(), List.of(), List.of(), offline));
    assertTrue(e.getMessage().contains("'com.example:only-two'"), e.getMessage());
  }

  private static Map<String, Long> drops(Map<String, Long> nonZero) {
    Map<String, Long> all = new LinkedHashMap<>();
    for (CorpusFilter f : CorpusFilter.values()) {
      all.put(f.key(), nonZero.getOrDefault(f.key(), 0L));
    }
    return all;
  }

  private static List<String> strings(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asText()));
    return out;
  }

  private static List<String> fieldNames(JsonNode r) {
    List<String> out = new ArrayList<>();
    r.fieldNames().forEachRemaining(out::add);
    return out;
  }
}
