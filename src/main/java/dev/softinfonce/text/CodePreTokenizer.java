package dev.softinfonce.text;

import java.text.Normalizer;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The code-aware pre-tokenization used by {@link TokenizerTrainer}: NFC normalisation, then one regex
 * whose matches are the pre-tokens (words); everything the regex does not match (spaces, control and
 * format characters) is dropped.
 *
 * <p>The same regex is written into the trained {@code tokenizer.json} as a Hugging Face
 * {@code Split} pre-tokenizer with {@code behavior: Removed, invert: true} (keep the matches, remove
 * the gaps), after an {@code NFC} normalizer, so DJL / HF tokenizers at inference split text exactly
 * as this class did during training. The pattern uses only Unicode general categories and one
 * lookahead, which Java's {@code java.util.regex} and Oniguruma (the HF engine) read the same way.
 *
 * <p>Alternatives, tried left to right at each position:
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
 *
 * <p><b>Case is kept.</b> A {@code Lowercase} normalizer runs before any pre-tokenizer in HF and would
 * erase the camelCase boundaries, so the trained tokenizer is cased (like CodeBERT's); {@code User}
 * and {@code user} are separate vocabulary entries when both are frequent.
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

  private static final Pattern PATTERN = Pattern.compile(REGEX);

  private CodePreTokenizer() {}

  /** NFC, as the {@code NFC} normalizer in the written tokenizer.json. */
  public static String normalize(String text) {
    return Normalizer.normalize(text, Normalizer.Form.NFC);
  }

  /** Splits already-normalised text into pre-tokens (no normalisation here). */
  public static List<String> split(String normalized) {
    List<String> words = new ArrayList<>();
    Matcher m = PATTERN.matcher(normalized);
    while (m.find()) {
      words.add(m.group());
    }
    return words;
  }

  /** Normalises then splits: the words a text contributes, as HF would pre-tokenize it. */
  public static List<String> preTokenize(String text) {
    return split(normalize(text));
  }
}
