package dev.softinfonce.text;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The code-aware normalisation and pre-tokenization of trained tokenizers, in plain Java and as the
 * Hugging Face {@code normalizer} / {@code pre_tokenizer} JSON written into {@code tokenizer.json},
 * so DJL at inference splits text exactly as the trainer did.
 *
 * <p><b>Pre-tokenization</b> is one regex whose matches are the words; everything it does not
 * match (spaces, control and format characters) is dropped. In JSON: a {@code Split} pre-tokenizer
 * with {@code behavior: Removed, invert: true} (keep the matches, remove the gaps). Alternatives,
 * tried left to right at each position:
 * <ol>
 *   <li>{@code \p{Lu}+(?=\p{Lu}\p{Ll})}: an upper-case run before a capitalised word,
 *       {@code HTTPServer} gives {@code HTTP} then {@code Server};
 *   <li>{@code \p{Lu}?\p{Ll}+}: a lower-case word, optionally capitalised ({@code get}, {@code User});
 *   <li>{@code \p{Lu}+}: an all-caps run ({@code ID}, {@code MAX});
 *   <li>{@code \p{N}+}: a run of digits;
 *   <li>{@code [\p{Lt}\p{Lm}\p{Lo}\p{M}]+}: letters without case (CJK, ...) and combining marks;
 *   <li>{@code [\p{P}\p{S}]}: one punctuation or symbol character, so {@code _}, {@code (},
 *       {@code .}, {@code =} each stand alone ({@code get_user} gives {@code get _ user}).
 * </ol>
 * Only Unicode general categories and lookaround are used, which {@code java.util.regex} and
 * Oniguruma (the HF regex engine) read the same way.
 *
 * <p><b>Normalisation</b> is NFC. HF runs normalizers before the pre-tokenizer, so a plain
 * {@code Lowercase} normalizer would erase the camelCase boundaries. The {@linkplain #LOWERCASE
 * lower-casing} variant therefore first inserts a space at every case boundary with a
 * {@code Replace} normalizer on the zero-width regex {@link #CASE_BOUNDARY}
 * ({@code getUserName} becomes {@code get User Name}), then lower-cases: queries' "user" and code's
 * {@code getUser} share the token {@code user}, which matters when a model learns from few pairs.
 * The {@linkplain #CASED cased} variant keeps {@code User} and {@code user} apart (like CodeBERT).
 */
public final class CodePreTokenizer {

  /** The pre-token regex, identical in Java and in the written tokenizer.json. */
  public static final String REGEX =
      "\\p{Lu}+(?=\\p{Lu}\\p{Ll})"
          + "|\\p{Lu}?\\p{Ll}+"
          + "|\\p{Lu}+"
          + "|\\p{N}+"
          + "|[\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]+"
          + "|[\\p{P}\\p{S}]";

  /** Zero-width positions between camelCase parts: {@code tU}, and {@code PS} in {@code HTTPServer}. */
  public static final String CASE_BOUNDARY = "(?<=\\p{Ll})(?=\\p{Lu})|(?<=\\p{Lu})(?=\\p{Lu}\\p{Ll})";

  /** Keeps case: {@code getUserName} gives {@code get User Name}. */
  public static final CodePreTokenizer CASED = new CodePreTokenizer(false);
  /** Lower-cases after splitting case boundaries: {@code getUserName} gives {@code get user name}. */
  public static final CodePreTokenizer LOWERCASE = new CodePreTokenizer(true);

  private static final Pattern PATTERN = Pattern.compile(REGEX);
  private static final Pattern BOUNDARY = Pattern.compile(CASE_BOUNDARY);

  private final boolean lowercase;

  private CodePreTokenizer(boolean lowercase) {
    this.lowercase = lowercase;
  }

  /** The cased or the lower-casing variant. */
  public static CodePreTokenizer of(boolean lowercase) {
    return lowercase ? LOWERCASE : CASED;
  }

  public boolean lowercase() {
    return lowercase;
  }

  /** The normalizer chain: NFC, and for lower-casing the boundary spaces then lower case. */
  public String normalize(String text) {
    String s = Normalizer.normalize(text, Normalizer.Form.NFC);
    if (!lowercase) {
      return s;
    }
    return lowerCase(BOUNDARY.matcher(s).replaceAll(" "));
  }

  /** Normalises then splits: the words a text contributes, as HF would pre-tokenize it. */
  public List<String> preTokenize(String text) {
    List<String> words = new ArrayList<>();
    Matcher m = PATTERN.matcher(normalize(text));
    while (m.find()) {
      words.add(m.group());
    }
    return words;
  }

  /**
   * Lower case character by character with the full (one-to-many) mapping and no context, as HF's
   * {@code Lowercase} normalizer (Rust {@code char::to_lowercase}). Java's whole-string
   * {@code toLowerCase} differs only for the context-dependent final sigma.
   */
  static String lowerCase(String s) {
    if (s.indexOf('\u03a3') < 0) {
      return s.toLowerCase(Locale.ROOT);
    }
    StringBuilder sb = new StringBuilder(s.length());
    s.codePoints().forEach(cp -> sb.append(new String(Character.toChars(cp)).toLowerCase(Locale.ROOT)));
    return sb.toString();
  }

  /** The {@code normalizer} section of tokenizer.json. */
  ObjectNode normalizerJson() {
    JsonNodeFactory f = JsonNodeFactory.instance;
    ObjectNode nfc = f.objectNode().put("type", "NFC");
    if (!lowercase) {
      return nfc;
    }
    ObjectNode seq = f.objectNode().put("type", "Sequence");
    ArrayNode list = seq.putArray("normalizers");
    list.add(nfc);
    ObjectNode replace = list.addObject().put("type", "Replace");
    replace.putObject("pattern").put("Regex", CASE_BOUNDARY);
    replace.put("content", " ");
    list.addObject().put("type", "Lowercase");
    return seq;
  }

  /** The {@code pre_tokenizer} section of tokenizer.json. */
  ObjectNode preTokenizerJson() {
    ObjectNode pre = JsonNodeFactory.instance.objectNode();
    pre.put("type", "Split");
    pre.putObject("pattern").put("Regex", REGEX);
    pre.put("behavior", "Removed");
    pre.put("invert", true);
    return pre;
  }

  @Override
  public String toString() {
    return lowercase ? "CodePreTokenizer(lowercase)" : "CodePreTokenizer(cased)";
  }
}
