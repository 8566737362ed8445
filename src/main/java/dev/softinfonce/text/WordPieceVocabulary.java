package dev.softinfonce.text;

import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A trained code-aware WordPiece vocabulary: writes the Hugging Face {@code tokenizer.json} that
 * DJL loads, and encodes text itself (a plain-Java reference of the same pipeline) so that tests
 * and the trainer's unknown-token statistics do not depend on the native library.
 *
 * <p>The pipeline, identical in {@link #encode} and in the written JSON: special tokens found
 * verbatim in the raw text are kept whole; the rest is normalised and split by a
 * {@link CodePreTokenizer} (cased or lower-casing); each word becomes its greedy longest-match-first WordPiece pieces
 * ({@code ##} marks a continuation), or one {@code [UNK]} if any part cannot be matched or the
 * word has more than {@value #MAX_INPUT_CHARS_PER_WORD} characters; {@code [CLS] ... [SEP]} wrap
 * the sequence.
 */
public final class WordPieceVocabulary {

  public static final String PAD = "[PAD]";
  public static final String UNK = "[UNK]";
  public static final String CLS = "[CLS]";
  public static final String SEP = "[SEP]";
  public static final String MASK = "[MASK]";
  /** The special tokens in id order: {@code [PAD]}=0, {@code [UNK]}=1, {@code [CLS]}=2, ... */
  public static final List<String> SPECIAL_TOKENS = List.of(PAD, UNK, CLS, SEP, MASK);
  public static final String CONTINUATION_PREFIX = "##";
  /** HF WordPiece's default: longer words become one {@code [UNK]}. */
  public static final int MAX_INPUT_CHARS_PER_WORD = 100;

  private final List<String> tokens;
  private final Map<String, Integer> ids;
  private final CodePreTokenizer preTokenizer;

  /**
   * @param tokens the vocabulary in id order; must start with {@link #SPECIAL_TOKENS} and hold no
   *     duplicates
   * @param preTokenizer how text becomes words (written into the tokenizer.json)
   */
  public WordPieceVocabulary(List<String> tokens, CodePreTokenizer preTokenizer) {
    this.preTokenizer = java.util.Objects.requireNonNull(preTokenizer);
    if (tokens.size() < SPECIAL_TOKENS.size()
        || !tokens.subList(0, SPECIAL_TOKENS.size()).equals(SPECIAL_TOKENS)) {
      throw new IllegalArgumentException("vocabulary must start with " + SPECIAL_TOKENS);
    }
    this.tokens = List.copyOf(tokens);
    Map<String, Integer> map = new HashMap<>();
    for (int i = 0; i < tokens.size(); i++) {
      if (map.put(tokens.get(i), i) != null) {
        throw new IllegalArgumentException("duplicate vocabulary entry: " + tokens.get(i));
      }
    }
    this.ids = map;
  }

  /** Number of entries, special tokens included. */
  public int size() {
    return tokens.size();
  }

  /** The tokens in id order (unmodifiable). */
  public List<String> tokens() {
    return tokens;
  }

  /** The id of {@code token}, or -1. */
  public int id(String token) {
    return ids.getOrDefault(token, -1);
  }

  /** The normalisation and pre-tokenization this vocabulary was trained with. */
  public CodePreTokenizer preTokenizer() {
    return preTokenizer;
  }

  public int unkId() {
    return ids.get(UNK);
  }

  /** WordPiece pieces of one pre-token: greedy longest match first, as HF's WordPiece model. */
  public List<String> wordPieces(String word) {
    if (word.codePointCount(0, word.length()) > MAX_INPUT_CHARS_PER_WORD) {
      return List.of(UNK);
    }
    List<String> pieces = new ArrayList<>();
    int start = 0;
    while (start < word.length()) {
      int end = word.length();
      String found = null;
      while (start < end) {
        String sub = word.substring(start, end);
        if (start > 0) {
          sub = CONTINUATION_PREFIX + sub;
        }
        if (ids.containsKey(sub)) {
          found = sub;
          break;
        }
        end = word.offsetByCodePoints(end, -1);
      }
      if (found == null) {
        return List.of(UNK);
      }
      pieces.add(found);
      start = end;
    }
    return pieces;
  }

  /** Tokens of {@code text} as the written tokenizer.json produces them (no truncation or padding). */
  public List<String> tokenize(String text, boolean addSpecialTokens) {
    List<String> out = new ArrayList<>();
    if (addSpecialTokens) {
      out.add(CLS);
    }
    int segmentStart = 0;
    int i = 0;
    while (i < text.length()) {
      String special = specialTokenAt(text, i);
      if (special == null) {
        i++;
        continue;
      }
      appendWords(text.substring(segmentStart, i), out);
      out.add(special);
      i += special.length();
      segmentStart = i;
    }
    appendWords(text.substring(segmentStart), out);
    if (addSpecialTokens) {
      out.add(SEP);
    }
    return out;
  }

  /** Ids of {@code text}: the reference encoding that DJL must reproduce. */
  public int[] encode(String text, boolean addSpecialTokens) {
    return tokenize(text, addSpecialTokens).stream().mapToInt(ids::get).toArray();
  }

  /**
   * The words (pre-tokens) of {@code text} that go through the WordPiece model: special tokens
   * written verbatim in the text are left out, as HF matches them before normalisation.
   */
  public List<String> words(String text) {
    List<String> out = new ArrayList<>();
    int segmentStart = 0;
    int i = 0;
    while (i < text.length()) {
      String special = specialTokenAt(text, i);
      if (special == null) {
        i++;
        continue;
      }
      out.addAll(preTokenizer.preTokenize(text.substring(segmentStart, i)));
      i += special.length();
      segmentStart = i;
    }
    out.addAll(preTokenizer.preTokenize(text.substring(segmentStart)));
    return out;
  }

  private void appendWords(String segment, List<String> out) {
    for (String word : preTokenizer.preTokenize(segment)) {
      out.addAll(wordPieces(word));
    }
  }

  /** HF matches added tokens leftmost-longest in the raw text; ours never overlap but the rule stays. */
  private static String specialTokenAt(String text, int i) {
    String best = null;
    for (String s : SPECIAL_TOKENS) {
      if (text.startsWith(s, i) && (best == null || s.length() > best.length())) {
        best = s;
      }
    }
    return best;
  }

  /** The Hugging Face {@code tokenizer.json} of this vocabulary (deterministic bytes, '\n' lines). */
  public String toJson() {
    JsonNodeFactory f = JsonNodeFactory.instance;
    ObjectNode root = f.objectNode();
    root.put("version", "1.0");
    root.putNull("truncation");
    ObjectNode padding = root.putObject("padding");
    padding.put("strategy", "BatchLongest");
    padding.put("direction", "Right");
    padding.putNull("pad_to_multiple_of");
    padding.put("pad_id", id(PAD));
    padding.put("pad_type_id", 0);
    padding.put("pad_token", PAD);

    ArrayNode added = root.putArray("added_tokens");
    for (String s : SPECIAL_TOKENS) {
      ObjectNode t = added.addObject();
      t.put("id", id(s));
      t.put("content", s);
      t.put("single_word", false);
      t.put("lstrip", false);
      t.put("rstrip", false);
      t.put("normalized", false);
      t.put("special", true);
    }

    root.set("normalizer", preTokenizer.normalizerJson());
    root.set("pre_tokenizer", preTokenizer.preTokenizerJson());

    ObjectNode post = root.putObject("post_processor");
    post.put("type", "TemplateProcessing");
    ArrayNode single = post.putArray("single");
    special(single, CLS, 0);
    sequence(single, "A", 0);
    special(single, SEP, 0);
    ArrayNode pair = post.putArray("pair");
    special(pair, CLS, 0);
    sequence(pair, "A", 0);
    special(pair, SEP, 0);
    sequence(pair, "B", 1);
    special(pair, SEP, 1);
    ObjectNode specials = post.putObject("special_tokens");
    for (String s : List.of(CLS, SEP)) {
      ObjectNode t = specials.putObject(s);
      t.put("id", s);
      t.putArray("ids").add(id(s));
      t.putArray("tokens").add(s);
    }

    ObjectNode decoder = root.putObject("decoder");
    decoder.put("type", "WordPiece");
    decoder.put("prefix", CONTINUATION_PREFIX);
    decoder.put("cleanup", true);

    ObjectNode model = root.putObject("model");
    model.put("type", "WordPiece");
    model.put("unk_token", UNK);
    model.put("continuing_subword_prefix", CONTINUATION_PREFIX);
    model.put("max_input_chars_per_word", MAX_INPUT_CHARS_PER_WORD);
    ObjectNode vocab = model.putObject("vocab");
    for (int i = 0; i < tokens.size(); i++) {
      vocab.put(tokens.get(i), i);
    }

    DefaultPrettyPrinter printer = new DefaultPrettyPrinter()
        .withObjectIndenter(new DefaultIndenter("  ", "\n"))
        .withArrayIndenter(new DefaultIndenter("  ", "\n"));
    try {
      return new ObjectMapper().writer(printer).writeValueAsString(root) + "\n";
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Writes {@link #toJson()} as UTF-8 (parent directories are created). */
  public void write(Path file) throws IOException {
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    Files.writeString(file, toJson(), StandardCharsets.UTF_8);
  }

  private static void special(ArrayNode template, String token, int typeId) {
    ObjectNode t = template.addObject().putObject("SpecialToken");
    t.put("id", token);
    t.put("type_id", typeId);
  }

  private static void sequence(ArrayNode template, String which, int typeId) {
    ObjectNode t = template.addObject().putObject("Sequence");
    t.put("id", which);
    t.put("type_id", typeId);
  }

  @Override
  public String toString() {
    return "WordPieceVocabulary(" + tokens.size() + " tokens, " + preTokenizer + ", first " + Collections.unmodifiableList(
        tokens.subList(0, Math.min(10, tokens.size()))) + ")";
  }
}
