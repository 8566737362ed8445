package dev.softinfonce.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad tokenizer files and bad training records give one clear message naming the file. */
class TokenizerErrorsTest {

  @Test
  void missingFile(@TempDir Path dir) {
    Path missing = dir.resolve("nope.json");
    TokenizerException e = assertThrows(TokenizerException.class, () -> Tokenizer.load(missing, 8));
    assertEquals("tokenizer file not found: " + missing, e.getMessage());
    TokenizerException d = assertThrows(TokenizerException.class, () -> Tokenizer.load(dir, 8));
    assertEquals("tokenizer file not found: " + dir.resolve("tokenizer.json"), d.getMessage());
  }

  @Test
  void notJson(@TempDir Path dir) throws IOException {
    Path f = Files.writeString(dir.resolve("vocab.txt"), "[PAD]\n[UNK]\nhello\n");
    TokenizerException e = assertThrows(TokenizerException.class, () -> Tokenizer.load(f, 8));
    assertTrue(e.getMessage().startsWith("not a tokenizer.json: " + f + " is not valid JSON (line 1)"), e.getMessage());
  }

  @Test
  void jsonButNotATokenizer(@TempDir Path dir) throws IOException {
    Path f = Files.writeString(dir.resolve("config.json"), "{\"hidden_size\": 384}");
    TokenizerException e = assertThrows(TokenizerException.class, () -> Tokenizer.load(f, 8));
    assertTrue(e.getMessage().startsWith("not a tokenizer.json: " + f + " has no 'model' object"), e.getMessage());
  }

  @Test
  void nativeRejectionIsWrapped(@TempDir Path dir) throws IOException {
    Path f = Files.writeString(dir.resolve("tokenizer.json"),
        "{\"version\":\"1.0\",\"model\":{\"type\":\"NoSuchModel\",\"vocab\":{\"[PAD]\":0}}}");
    TokenizerException e = assertThrows(TokenizerException.class, () -> Tokenizer.load(f, 8));
    assertTrue(e.getMessage().startsWith("cannot load tokenizer " + f + ": "), e.getMessage());
  }

  @Test
  void unknownPadTokenIsAnError() {
    TokenizerException e = assertThrows(TokenizerException.class,
        () -> PretrainedTokenizerTest.roberta().padToken("[PAD]").build());
    assertTrue(e.getMessage().contains("pad token '[PAD]' is not in the vocabulary"), e.getMessage());
  }

  @Test
  void maxLengthBelowSpecialTokens() {
    try (Tokenizer tok = PretrainedTokenizerTest.minilm().maxLength(1).build()) {
      TokenizerException e = assertThrows(TokenizerException.class, () -> tok.encode(List.of("hello world")));
      assertTrue(e.getMessage().contains("maxLength 1 is too small"), e.getMessage());
    }
    try (Tokenizer tok = PretrainedTokenizerTest.minilm().maxLength(2).build()) {
      assertEquals(List.of("[CLS]", "[SEP]"), tok.tokens("hello world"));
    }
  }

  @Test
  void badTrainingRecords(@TempDir Path dir) throws IOException {
    Path f = dir.resolve("bad.jsonl");
    Files.writeString(f, "{\"docstring_tokens\": [\"a\"], \"code_tokens\": [\"b\"]}\n"
        + "\n"
        + "{\"docstring_tokens\": [\"a\"], \"code_tokens\": \"b c\"}\n");
    assertEquals(f + ":3: field code_tokens must be an array of strings, got string",
        assertThrows(TokenizerException.class, () -> TrainingTexts.read(f, s -> { })).getMessage());

    Files.writeString(f, "{\"docstring_tokens\": [\"a\", 3]}\n");
    assertEquals(f + ":1: field docstring_tokens[1] must be a string, got number",
        assertThrows(TokenizerException.class, () -> TrainingTexts.read(f, s -> { })).getMessage());

    Files.writeString(f, "{\"code\": \"x\"}\n");
    assertEquals(f + ":1: record has neither field docstring_tokens nor code_tokens",
        assertThrows(TokenizerException.class, () -> TrainingTexts.read(f, s -> { })).getMessage());

    Files.writeString(f, "{\"code_tokens\": [\"a\"]}\n{\"code_tokens\": [\"a\"");
    assertTrue(assertThrows(TokenizerException.class, () -> TrainingTexts.read(f, s -> { }))
        .getMessage().startsWith(f + ":2: not valid JSON"));

    assertEquals("training file not found: " + dir.resolve("x.jsonl"), assertThrows(TokenizerException.class,
        () -> TrainingTexts.read(dir.resolve("x.jsonl"), s -> { })).getMessage());
  }

  @Test
  void trainingTextsJoinTokensAndSkipEmpty(@TempDir Path dir) throws IOException {
    Path f = dir.resolve("ok.jsonl");
    Files.writeString(f, "{\"docstring_tokens\": [\"Gets\", \"the\", \"name\"], \"code_tokens\": [\"getName\", \"(\", \")\"]}\n"
        + "{\"docstring_tokens\": [], \"code_tokens\": [\"x\"]}\n");
    List<String> texts = new ArrayList<>();
    assertEquals(3, TrainingTexts.read(f, texts::add));
    assertEquals(List.of("Gets the name", "getName ( )", "x"), texts);
  }

  @Test
  void emptyCorpusCannotTrain() {
    TokenizerTrainer t = TokenizerTrainer.builder().build();
    t.add("   ");
    assertThrows(TokenizerException.class, t::train);
    assertThrows(IllegalArgumentException.class, () -> TokenizerTrainer.builder().vocabSize(5));
  }
}
