package dev.softinfonce.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One tokenizer, views per maximum length on one native handle (what training, evaluation and serving
 * use for their query and code lengths), and the {@code modelMaxLength} question: DJL lowers a
 * {@code maxLength} above {@code modelMaxLength} (default 512) to it, so any value ≥ maxLength is right.
 */
class TokenizerViewsTest {
  @TempDir
  Path dir;

  private Path minilm() throws Exception {
    Path file = dir.resolve("tokenizer.json");
    try (InputStream in = getClass().getClassLoader().getResourceAsStream(PretrainedTokenizerTest.MINILM)) {
      Files.copy(in, file);
    }
    return file;
  }

  /** A text of about {@code words} word tokens. */
  private static String longText(int words) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < words; i++) {
      b.append(i % 2 == 0 ? "read " : "file ");
    }
    return b.toString().trim();
  }

  @Test
  void viewsOnOneHandleEncodeAsSeparatelyLoadedTokenizers() throws Exception {
    Path file = minilm();
    List<String> texts = List.of("read a file into a string", longText(100), "parse json");
    try (Tokenizer q = Tokenizer.load(file, 16); Tokenizer c = q.withMaxLength(64);
         Tokenizer q2 = Tokenizer.load(file, 16); Tokenizer c2 = Tokenizer.load(file, 64)) {
      for (int round = 0; round < 2; round++) { // interleaved: each encode sets its own length on the handle
        TokenizedBatch a = q.encode(texts);
        TokenizedBatch b = c.encode(texts);
        assertArrayEquals(q2.encode(texts).ids(), a.ids());
        assertArrayEquals(c2.encode(texts).ids(), b.ids());
        assertEquals(16, a.length());
        assertEquals(64, b.length());
        assertArrayEquals(q2.ids(texts.get(1)), q.ids(texts.get(1)));
        assertEquals(c2.tokens(texts.get(1)), c.tokens(texts.get(1)));
      }
      EncodedBatch r = q.encodeReporting(texts);
      assertArrayEquals(new boolean[] {false, true, false}, r.truncated());
      assertEquals(16, r.lengths()[1]);
      assertEquals(8, r.lengths()[0]); // [CLS] read a file into a string [SEP]
      assertEquals(16, q.maxLength());
      assertEquals(64, c.maxLength());
      assertEquals(q.padId(), c.padId());
    }
  }

  @Test
  void aViewOutlivesTheTokenizerItCameFromAndTheHandleDiesWithTheLastView() throws Exception {
    Path file = minilm();
    Tokenizer q = Tokenizer.load(file, 8);
    Tokenizer c = q.withMaxLength(12);
    q.close();
    q.close(); // idempotent: does not release the view's share
    assertEquals(12, c.ids(longText(40)).length);
    c.close();
    assertThrows(IllegalStateException.class, () -> c.withMaxLength(4));
  }

  @Test
  void longerThan512TokensIsNotCutAt512() throws Exception {
    Path file = minilm();
    String text = longText(700);
    try (Tokenizer t = Tokenizer.load(file, 600); Tokenizer v = Tokenizer.load(file, 16).withMaxLength(600)) {
      assertEquals(600, t.ids(text).length);
      assertEquals(600, v.ids(text).length);
      assertTrue(t.encodeReporting(List.of(text)).truncated()[0]);
    }
    // What modelMaxLength guards against: DJL's default (512) lowers maxLength 600 to 512.
    try (HuggingFaceTokenizer raw = HuggingFaceTokenizer.newInstance(file,
        Map.of("maxLength", "600", "truncation", "LONGEST_FIRST", "padding", "DO_NOT_PAD"))) {
      assertEquals(512, raw.encode(text).getIds().length);
    }
    // The former serving wrapper's max(maxLength, 512) and this class's maxLength truncate alike.
    for (int n : new int[] {64, 600}) {
      try (HuggingFaceTokenizer serving = HuggingFaceTokenizer.newInstance(file, Map.of("addSpecialTokens", "true",
          "truncation", "true", "padding", "false", "maxLength", Integer.toString(n),
          "modelMaxLength", Integer.toString(Math.max(n, 512))));
           Tokenizer ours = Tokenizer.load(file, n)) {
        long[] s = serving.encode(text).getIds();
        assertEquals(n, s.length);
        int[] o = ours.ids(text);
        for (int i = 0; i < n; i++) {
          assertEquals(s[i], o[i], "token " + i + " at maxLength " + n);
        }
      }
    }
  }

  @Test
  void explicitPadIdWins() throws Exception {
    Path file = minilm();
    try (Tokenizer t = Tokenizer.builder(file).maxLength(8).padId(7).build()) {
      int[][] ids = t.encode(List.of("a", "read a file")).ids();
      assertEquals(7, ids[0][ids[0].length - 1]);
      assertFalse(t.padId() == 0);
    }
  }
}
