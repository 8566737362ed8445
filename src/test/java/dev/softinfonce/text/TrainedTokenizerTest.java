package dev.softinfonce.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.softinfonce.corpus.CorpusTokenizer;
import dev.softinfonce.data.Example;
import dev.softinfonce.data.ExampleReader;
import dev.softinfonce.data.ReadMode;
import dev.softinfonce.data.ReadOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The trainer's output against hand-worked merges, and the written tokenizer.json run by DJL
 * against the trainer's own plain-Java reference encoding (same ids for every text).
 */
class TrainedTokenizerTest {

  static final Path RUBY_VALID = dev.softinfonce.data.TestData.RUBY_VALID;
  static final Path RUBY_TEST = dev.softinfonce.data.TestData.RUBY_TEST;

  /** The query and code texts of a file's pairs, as the trainer's corpus tokenizer sees them. */
  static long addFile(TokenizerTrainer t, Path file) {
    try (ExampleReader r = ExampleReader.open(file, ReadMode.PAIRS, ReadOptions.defaults())) {
      return CorpusTokenizer.addExamples(t, () -> r);
    }
  }

  /** A small code-search corpus: docstrings and code in a few languages' styles. */
  static final List<String> CORPUS = List.of(
      "Returns the user name of the current user",
      "public String getUserName() { return userName; }",
      "def get_user_name(self): return self.user_name",
      "Sets the user name",
      "public void setUserName(String userName) { this.userName = userName; }",
      "def set_user_name(self, name): self.user_name = name",
      "Parses a JSON string into a map",
      "public Map<String, Object> parseJSONString(String json) { return mapper.readValue(json, Map.class); }",
      "Opens an HTTP connection to the server",
      "HttpURLConnection openConnection(URL url) throws IOException { return (HttpURLConnection) url.openConnection(); }",
      "Counts the number of users",
      "int countUsers(List<User> users) { return users.size(); }");

  static TokenizerTrainer.Result train(List<String> texts, int vocabSize, int minFrequency) {
    return train(texts, vocabSize, minFrequency, true);
  }

  static TokenizerTrainer.Result train(List<String> texts, int vocabSize, int minFrequency, boolean lowercase) {
    TokenizerTrainer t = TokenizerTrainer.builder().vocabSize(vocabSize).minFrequency(minFrequency)
        .lowercase(lowercase).build();
    texts.forEach(t::add);
    return t.train();
  }

  @Test
  void mergesFollowPairFrequencyByHand() {
    // words: ab x5, abc x3 -> units a(8) ##b(8) ##c(3); pairs (a,##b)=8, (##b,##c)=3
    // merge 1: ab (8); then (ab,##c)=3; merge 2: abc. Alphabet sorted: ##b < ##c < a.
    List<String> texts = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      texts.add("ab");
    }
    for (int i = 0; i < 3; i++) {
      texts.add("abc");
    }
    WordPieceVocabulary v = train(texts, 100, 1).vocabulary();
    assertEquals(List.of("[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "##b", "##c", "a", "ab", "abc"), v.tokens());
    // size cap: 9 entries allow only the first merge
    assertEquals(List.of("[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "##b", "##c", "a", "ab"),
        train(texts, 9, 1).vocabulary().tokens());
    // min frequency 4: (ab,##c)=3 is not merged; ##c (3) stays out of the alphabet, so abc -> [UNK]
    TokenizerTrainer.Result r = train(texts, 100, 4);
    assertEquals(List.of("[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "##b", "a", "ab"), r.vocabulary().tokens());
    assertEquals(8, r.tokens());
    assertEquals(3, r.unknownTokens());
    assertEquals(3.0 / 8, r.unknownRate(), 1e-12);
  }

  @Test
  void tiesBreakLexicographically() {
    // (x,##z) and (x,##y) both occur twice; ##y < ##z, so xy is merged first
    List<String> texts = List.of("xz xy", "xy xz");
    assertEquals(List.of("[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "##y", "##z", "x", "xy"),
        train(texts, 9, 1).vocabulary().tokens());
    assertEquals(List.of("[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "##y", "##z", "x", "xy"),
        train(List.of("xy xz", "xz xy"), 9, 1).vocabulary().tokens(), "input order does not matter");
  }

  @Test
  void referenceEncodingIsGreedyLongestMatch() {
    WordPieceVocabulary v = new WordPieceVocabulary(List.of(
        "[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "get", "User", "##s", "##N", "##ame", "N", "(", ")"),
        CodePreTokenizer.CASED);
    assertEquals(List.of("[CLS]", "get", "User", "N", "##ame", "(", ")", "[SEP]"), v.tokenize("getUserName()", true));
    assertEquals(List.of("User", "##s", "[UNK]"), v.tokenize("Users Userx", false), "unmatched rest -> whole word [UNK]");
    assertEquals(List.of("get", "[MASK]", "User"), v.tokenize("get[MASK]User", false), "special tokens kept whole");
    assertEquals(List.of("[UNK]"), v.wordPieces("get".repeat(34)), "more than 100 characters");
    assertArrayEquals(new int[] {2, 5, 6, 3}, v.encode("getUser", true));
  }

  @Test
  void casedTokenizerLoadsInDjlAndMatchesReference(@TempDir Path dir) throws IOException {
    TokenizerTrainer.Result r = train(CORPUS, 200, 2, false);
    WordPieceVocabulary v = r.vocabulary();
    assertTrue(v.size() < 200, "stops when no pair occurs twice: " + v.size());
    Path file = dir.resolve("tokenizer.json");
    v.write(file);
    try (Tokenizer tok = Tokenizer.load(file, 64)) {
      assertEquals(v.size(), tok.vocabSize());
      assertEquals(0, tok.padId());
      assertEquals(Set.of(0, 1, 2, 3, 4), tok.specialIds());

      List<String> pieces = tok.tokens("getUserName");
      assertEquals(List.of("[CLS]", "get", "User", "Name", "[SEP]"), pieces);
      assertEquals(List.of("[CLS]", "get", "_", "user", "_", "name", "(", "self", ")", ":", "[SEP]"),
          tok.tokens("get_user_name(self):"));
      // "parse" occurs once in the corpus, so it may stay in pieces; the word boundaries may not move
      assertEquals(List.of("[CLS]", "parse", "JSON", "String", "[SEP]"), words(tok.tokens("parseJSONString")));
      assertEquals(List.of("[CLS]", "URL", "Connection", ".", "set", "User", "Name", "(", "name", ")", "[SEP]"),
          words(tok.tokens("URLConnection.setUserName(name)")));
      // characters seen fewer than minFrequency times are outside the alphabet: whole word [UNK]
      assertEquals(List.of("[CLS]", "[UNK]", "Connection", "[SEP]"), words(tok.tokens("HTTPConnection")));

      assertMatchesReference(tok, v);
    }
  }

  @Test
  void lowercaseTokenizerLoadsInDjlAndMatchesReference(@TempDir Path dir) throws IOException {
    TokenizerTrainer.Result r = train(CORPUS, 200, 2, true);
    WordPieceVocabulary v = r.vocabulary();
    Path file = dir.resolve("tokenizer.json");
    v.write(file);
    try (Tokenizer tok = Tokenizer.load(file, 64)) {
      assertEquals(List.of("[CLS]", "get", "user", "name", "[SEP]"), tok.tokens("getUserName"));
      assertEquals(List.of("[CLS]", "returns", "the", "user", "name", "[SEP]"), words(tok.tokens("Returns the USER name")));
      assertEquals(List.of("[CLS]", "url", "connection", ".", "set", "user", "name", "(", "name", ")", "[SEP]"),
          words(tok.tokens("URLConnection.setUserName(name)")));
      assertEquals(List.of("[CLS]", "http", "connection", "[SEP]"), words(tok.tokens("HTTPConnection")));
      assertMatchesReference(tok, v);
    }
  }

  /** DJL's ids equal the Java reference for the corpus and for awkward strings. */
  static void assertMatchesReference(Tokenizer tok, WordPieceVocabulary v) {
    List<String> probes = new ArrayList<>(CORPUS);
    probes.addAll(List.of("getUserNames()", "HTTPServer.setUserName(x)", "zebra quux", "",
        "caf\u00e9 cafe\u0301 \u65e5\u672c\u8a9e", "a[MASK]b [CLS]", "int32 x2 $+", "\t\n\u00a0\u200b",
        "\u03a3\u0391\u03a3 \u0130stanbul \u00c9T\u00c9 \u01c5ab", "ABCdef aBC A1B2 x_Y"));
    TokenizedBatch batch = tok.encode(probes);
    for (int i = 0; i < probes.size(); i++) {
      int[] expected = v.encode(probes.get(i), true);
      assertArrayEquals(expected, Arrays.copyOf(batch.ids()[i], batch.length(i)), probes.get(i));
    }
  }

  /** Regroups WordPiece pieces into words: a piece without "##" starts a word. */
  static List<String> words(List<String> pieces) {
    List<String> words = new ArrayList<>();
    for (String p : pieces) {
      if (p.startsWith("##")) {
        words.set(words.size() - 1, words.get(words.size() - 1) + p.substring(2));
      } else {
        words.add(p);
      }
    }
    return words;
  }

  @Test
  void deterministicBytes(@TempDir Path dir) throws IOException {
    Path a = dir.resolve("a.json");
    Path b = dir.resolve("b.json");
    TokenizerTrainer t1 = TokenizerTrainer.builder().vocabSize(1500).build();
    addFile(t1, RUBY_VALID);
    t1.train().vocabulary().write(a);
    TokenizerTrainer t2 = TokenizerTrainer.builder().vocabSize(1500).build();
    addFile(t2, RUBY_VALID);
    t2.train().vocabulary().write(b);
    assertArrayEquals(Files.readAllBytes(a), Files.readAllBytes(b));
  }

  /** Every docstring and code text of the Ruby valid and test files: DJL ids == reference ids. */
  @ParameterizedTest(name = "lowercase={0}")
  @ValueSource(booleans = {true, false})
  void rubyRoundTrip(boolean lowercase, @TempDir Path dir) {
    TokenizerTrainer trainer = TokenizerTrainer.builder().vocabSize(3000).minFrequency(2)
        .lowercase(lowercase).build();
    assertEquals(2800, addFile(trainer, RUBY_VALID));
    TokenizerTrainer.Result r = trainer.train();
    assertEquals(3000, r.vocabulary().size());
    assertTrue(r.unknownRate() < 0.001, "unknown rate on the training texts " + r.unknownRate());
    Path file = dir.resolve("ruby.json");
    try {
      r.vocabulary().write(file);
    } catch (IOException e) {
      throw new AssertionError(e);
    }

    List<String> texts = new ArrayList<>();
    for (Path f : List.of(RUBY_VALID, RUBY_TEST)) { // the test file is unseen text: exercises [UNK] too
      for (Example e : ExampleReader.readAll(f, ReadMode.PAIRS, ReadOptions.defaults())) {
        texts.add(e.query());
        texts.add(e.code());
      }
    }
    int unknown = 0;
    int multiPiece = 0;
    try (Tokenizer tok = Tokenizer.builder(file).maxLength(100_000).truncation(false).build()) {
      for (int start = 0; start < texts.size(); start += 256) {
        List<String> chunk = texts.subList(start, Math.min(texts.size(), start + 256));
        TokenizedBatch b = tok.encode(chunk);
        for (int i = 0; i < chunk.size(); i++) {
          List<String> ref = r.vocabulary().tokenize(chunk.get(i), true);
          int[] expected = r.vocabulary().encode(chunk.get(i), true);
          assertArrayEquals(expected, Arrays.copyOf(b.ids()[i], b.length(i)), chunk.get(i));
          unknown += (int) ref.stream().filter(WordPieceVocabulary.UNK::equals).count();
          multiPiece += (int) ref.stream().filter(s -> s.startsWith("##")).count();
        }
      }
    }
    assertEquals(5322, texts.size());
    assertTrue(unknown > 0, "test.jsonl should hold some characters unseen in valid.jsonl");
    assertTrue(multiPiece > 1000, "continuation pieces exercised: " + multiPiece);
    assertFalse(r.vocabulary().tokens().contains("getUserName"));
  }
}
