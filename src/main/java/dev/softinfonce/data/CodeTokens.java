package dev.softinfonce.data;

import com.github.javaparser.JavaParser;
import com.github.javaparser.JavaToken;
import com.github.javaparser.ParseResult;
import com.github.javaparser.ParseStart;
import com.github.javaparser.ParserConfiguration;
import com.github.javaparser.Providers;
import com.github.javaparser.ast.body.BodyDeclaration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Raw source code into the lexical tokens a {@code code_tokens} field holds, so that a client can send
 * code as written and the model sees what it was trained on ({@code code_tokens} joined by spaces). A
 * Java method or other class member is lexed by JavaParser exactly as {@code javacorpus.MethodExtractor} builds the
 * Java corpus (tokens without whitespace and comments); anything else (other languages, fragments) by a
 * small language-neutral lexer: string literals, identifiers, numbers, common multi-character operators
 * and single punctuation, with {@code //}, {@code /* *}{@code /} and {@code #} comments dropped, close to
 * CodeSearchNet's tokenization.
 */
public final class CodeTokens {
  private CodeTokens() {}

  private static final ThreadLocal<JavaParser> PARSER = ThreadLocal.withInitial(() -> new JavaParser(
      new ParserConfiguration().setLanguageLevel(ParserConfiguration.LanguageLevel.JAVA_21).setStoreTokens(true)));

  private static final Pattern GENERIC = Pattern.compile(
      "//[^\\n]*|/\\*.*?\\*/|#[^\\n]*"                      // comments (group-less: dropped)
          + "|(\"(?:[^\"\\\\\\n]|\\\\.)*\"|'(?:[^'\\\\\\n]|\\\\.)*'" // string and char literals
          + "|[A-Za-z_$][A-Za-z0-9_$]*[?!]?"                  // identifiers (Ruby's name? / name!)
          + "|\\d[\\w.]*"                                      // numbers
          + "|>>>=|<<=|>>=|\\.\\.\\.|->|::|==|!=|<=|>=|&&|\\|\\||\\+\\+|--|\\+=|-=|\\*=|/=|%=|&=|\\|=|\\^=|=>|\\*\\*"
          + "|\\S)",
      Pattern.DOTALL);

  /** The tokens of {@code code}: JavaParser's for a Java member, otherwise the generic lexer's. */
  public static List<String> of(String code) {
    List<String> java = javaMember(code);
    return java != null ? java : generic(code);
  }

  /** {@code of(code)} joined by single spaces: the {@code code_tokens} text the encoder was trained on. */
  public static String joined(String code) {
    return String.join(" ", of(code));
  }

  private static List<String> javaMember(String code) {
    ParseResult<BodyDeclaration<?>> r;
    try {
      r = PARSER.get().parse(ParseStart.CLASS_BODY, Providers.provider(code));
    } catch (RuntimeException e) { // JavaParser can throw on pathological input; fall back
      return null;
    }
    if (!r.isSuccessful() || r.getResult().isEmpty() || r.getResult().get().getTokenRange().isEmpty()) {
      return null;
    }
    List<String> out = new ArrayList<>();
    for (JavaToken t : r.getResult().get().getTokenRange().get()) {
      if (!t.getCategory().isWhitespaceOrComment()) {
        out.add(t.getText());
      }
    }
    return out;
  }

  static List<String> generic(String code) {
    List<String> out = new ArrayList<>();
    Matcher m = GENERIC.matcher(code);
    while (m.find()) {
      if (m.group(1) != null) {
        out.add(m.group(1));
      }
    }
    return out;
  }
}
