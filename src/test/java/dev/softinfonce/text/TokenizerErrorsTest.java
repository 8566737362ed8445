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
  void emptyCorpusCannotTrain() {
    TokenizerTrainer t = TokenizerTrainer.builder().build();
    t.add("   ");
    assertThrows(TokenizerException.class, t::train);
    assertThrows(IllegalArgumentException.class, () -> TokenizerTrainer.builder().vocabSize(5));
  }
}
