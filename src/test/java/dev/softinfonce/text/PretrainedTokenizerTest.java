package dev.softinfonce.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pretrained tokenizer.json files load unchanged: BERT WordPiece (all-MiniLM-L6-v2, from the
 * test-scope langchain4j jar) and a hand-written RoBERTa-style byte-level BPE whose expected ids
 * were worked out by hand from its merge ranks (see the resource).
 */
class PretrainedTokenizerTest {

  static final String MINILM = "all-minilm-l6-v2-tokenizer.json";
  static final String ROBERTA = "roberta-bpe-tokenizer.json";

  static Tokenizer.Builder minilm() {
    InputStream in = PretrainedTokenizerTest.class.getClassLoader().getResourceAsStream(MINILM);
    assertNotNull(in, MINILM + " not on the test classpath");
    return Tokenizer.builder(in, MINILM);
  }

  static Tokenizer.Builder roberta() {
    InputStream in = PretrainedTokenizerTest.class.getResourceAsStream(ROBERTA);
    assertNotNull(in, ROBERTA + " not on the test classpath");
    return Tokenizer.builder(in, ROBERTA);
  }

  @Test
  void bertWordPieceEncodesHelloWorld() {
    try (Tokenizer tok = minilm().maxLength(16).build()) {
      assertEquals(List.of("[CLS]", "hello", "world", "[SEP]"), tok.tokens("Hello world"));
      TokenizedBatch b = tok.encode(List.of("hello world"));
      assertArrayEquals(new int[][] {{101, 7592, 2088, 102}}, b.ids());
      assertArrayEquals(new int[][] {{1, 1, 1, 1}}, b.mask());
      assertEquals(30522, tok.vocabSize());
      assertEquals(0, tok.padId());
      assertEquals(Set.of(0, 100, 101, 102, 103), tok.specialIds());
      // WordPiece continuation pieces and punctuation come out as BERT's own vocabulary has them
      assertEquals(List.of("[CLS]", "get", "##user", "##name", "(", ")", "[SEP]"), tok.tokens("getUserName()"));
    }
  }

  @Test
  void bertPadsToLongestWithMask() {
    try (Tokenizer tok = minilm().maxLength(16).build()) {
      TokenizedBatch b = tok.encode(List.of("hello", "hello world", ""));
      assertArrayEquals(new int[][] {
          {101, 7592, 102, 0},
          {101, 7592, 2088, 102},
          {101, 102, 0, 0}}, b.ids());
      assertArrayEquals(new int[][] {{1, 1, 1, 0}, {1, 1, 1, 1}, {1, 1, 0, 0}}, b.mask());
      assertEquals(3, b.length(0));
      assertEquals(4, b.length());
    }
  }

  @Test
  void bertTruncatesToMaxLengthKeepingSpecialTokens() {
    try (Tokenizer tok = minilm().maxLength(4).build()) {
      TokenizedBatch b = tok.encode(List.of("hello world hello world", "hello"));
      // The tokenizer.json itself says truncation 128 and padding Fixed(128); ours overrides both.
      assertArrayEquals(new int[][] {{101, 7592, 2088, 102}, {101, 7592, 102, 0}}, b.ids());
    }
  }

  @Test
  void padToMaxLengthAndNoSpecialTokens() {
    try (Tokenizer tok = minilm().maxLength(5).padding(Tokenizer.Padding.MAX_LENGTH)
        .addSpecialTokens(false).build()) {
      TokenizedBatch b = tok.encode(List.of("hello world", "hello hello hello hello hello world"));
      assertArrayEquals(new int[][] {{7592, 2088, 0, 0, 0}, {7592, 7592, 7592, 7592, 7592}}, b.ids());
      assertArrayEquals(new int[][] {{1, 1, 0, 0, 0}, {1, 1, 1, 1, 1}}, b.mask());
    }
  }

  @Test
  void maxLengthAbove512IsNotCapped() {
    String text = "hello ".repeat(1000);
    try (Tokenizer tok = minilm().maxLength(600).build()) {
      assertEquals(600, tok.encode(List.of(text)).length());
    }
    try (Tokenizer tok = minilm().maxLength(2048).build()) {
      assertEquals(1002, tok.encode(List.of(text)).length());
    }
    try (Tokenizer tok = minilm().maxLength(8).truncation(false).build()) {
      assertEquals(1002, tok.encode(List.of(text, "hello")).length(), "no truncation: longest row");
    }
  }

  @Test
  void robertaByteLevelBpeEncodesByMergeRanks() {
    try (Tokenizer tok = roberta().maxLength(16).build()) {
      assertEquals(21, tok.vocabSize());
      assertEquals(1, tok.padId(), "no padding section: <pad> is found by name");
      assertEquals(Set.of(0, 1, 2, 3), tok.specialIds());
      assertEquals(List.of("<s>", "hello", "\u0120world", "</s>"), tok.tokens("hello world"));
      assertArrayEquals(new int[] {0, 15, 20, 2}, tok.ids("hello world"));
      // "world" without a leading space cannot use the merges that start with Ġ
      // and "Ġhello" is not in the vocabulary: Ġ stays alone
      assertEquals(List.of("<s>", "w", "or", "l", "d", "\u0120", "hello", "</s>"), tok.tokens("world hello"));
      assertArrayEquals(new int[] {0, 10, 17, 7, 4, 11, 15, 2}, tok.ids("world hello"));
      assertArrayEquals(new int[] {0, 6, 3, 2}, tok.ids("hi"), "unknown byte -> <unk>");
    }
  }

  @Test
  void robertaPadsWithPadIdOne() {
    try (Tokenizer tok = roberta().maxLength(16).build()) {
      TokenizedBatch b = tok.encode(List.of("hello", "hello world", "world hello"));
      assertArrayEquals(new int[][] {
          {0, 15, 2, 1, 1, 1, 1, 1},
          {0, 15, 20, 2, 1, 1, 1, 1},
          {0, 10, 17, 7, 4, 11, 15, 2}}, b.ids());
      assertArrayEquals(new int[][] {
          {1, 1, 1, 0, 0, 0, 0, 0},
          {1, 1, 1, 1, 0, 0, 0, 0},
          {1, 1, 1, 1, 1, 1, 1, 1}}, b.mask());
    }
    try (Tokenizer tok = roberta().maxLength(4).build()) {
      assertArrayEquals(new int[][] {{0, 10, 17, 2}}, tok.encode(List.of("world hello")).ids());
    }
  }

  /**
   * Documents the DJL behaviour that makes {@link Tokenizer} pad in Java: DJL's own padding of a
   * tokenizer.json without a padding section uses id 0, which is RoBERTa's {@code <s>}.
   */
  @Test
  void djlPadsWithZeroWithoutPaddingSection() throws IOException {
    try (InputStream in = getClass().getResourceAsStream(ROBERTA);
        HuggingFaceTokenizer hf = HuggingFaceTokenizer.newInstance(in, Map.of("padding", "true", "maxLength", "16"))) {
      long[] ids = hf.batchEncode(List.of("hello", "hello world"))[0].getIds();
      assertArrayEquals(new long[] {0, 15, 2, 0}, ids);
    }
  }

  @Test
  void loadsFromPathAndDirectory(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("tokenizer.json");
    try (InputStream in = getClass().getResourceAsStream(ROBERTA)) {
      Files.copy(in, file);
    }
    try (Tokenizer a = Tokenizer.load(file, 8); Tokenizer b = Tokenizer.load(dir, 8)) {
      assertArrayEquals(a.ids("hello world"), b.ids("hello world"));
      assertTrue(a.toString().contains("tokenizer.json"));
    }
  }
}
