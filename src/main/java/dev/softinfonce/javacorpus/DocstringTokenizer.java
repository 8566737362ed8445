package dev.softinfonce.javacorpus;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * CodeSearchNet's docstring tokenizer ({@code DOCSTRING_REGEX_TOKENIZER} of the
 * {@code function_parser} that built CodeSearchNet): runs of characters other than whitespace and the
 * punctuation {@code , ' " ` . ( ) : [ ] = * ; > { } + , - . / \}, or runs of one punctuation kind.
 * Example: {@code "Returns the i-th value."} gives {@code [Returns, the, i, -, th, value, .]}.
 */
public final class DocstringTokenizer {
  // Python's pattern verbatim (its char class range "+-/" covers + , - . /); UNICODE_CHARACTER_CLASS makes
  // \s match Unicode whitespace as Python's str patterns do.
  private static final Pattern TOKEN = Pattern.compile(
      "[^\\s,'\"`.():\\[\\]=*;>{}+-/\\\\]+|\\\\+|\\.+|\\(\\)|\\{\\}|\\[\\]|\\(+|\\)+|:+|\\[+|\\]+|\\{+|\\}+|=+|\\*+|;+|>+|\\+|-|/",
      Pattern.UNICODE_CHARACTER_CLASS);

  private DocstringTokenizer() {}

  /** The tokens of {@code text}, in order. */
  public static List<String> tokenize(String text) {
    List<String> out = new ArrayList<>();
    Matcher m = TOKEN.matcher(text);
    while (m.find()) {
      if (!m.group().isEmpty()) {
        out.add(m.group());
      }
    }
    return out;
  }
}
