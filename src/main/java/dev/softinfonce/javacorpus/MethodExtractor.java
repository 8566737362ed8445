package dev.softinfonce.javacorpus;

import com.github.javaparser.JavaParser;
import com.github.javaparser.JavaToken;
import com.github.javaparser.ParseResult;
import com.github.javaparser.ParserConfiguration;
import com.github.javaparser.ParserConfiguration.LanguageLevel;
import com.github.javaparser.Range;
import com.github.javaparser.TokenRange;
import com.github.javaparser.ast.CompilationUnit;
import com.github.javaparser.ast.Node;
import com.github.javaparser.ast.body.CallableDeclaration;
import com.github.javaparser.ast.body.ConstructorDeclaration;
import com.github.javaparser.ast.body.EnumConstantDeclaration;
import com.github.javaparser.ast.body.MethodDeclaration;
import com.github.javaparser.ast.body.TypeDeclaration;
import com.github.javaparser.ast.comments.JavadocComment;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Parses one Java source file with JavaParser and returns every method and constructor declared in a
 * named type (members of anonymous or local classes are part of their enclosing method's code and are
 * not extracted on their own), each with its filter verdicts.
 *
 * <p>Not thread-safe (one JavaParser per instance); use one extractor per thread.
 */
public final class MethodExtractor {
  /** CodeSearchNet's Java function-name blacklist. */
  static final Set<String> EXCLUDED_NAMES =
      Set.of("toString", "hashCode", "equals", "finalize", "notify", "notifyAll", "clone");
  static final int MIN_LINES = 3;
  static final int MIN_DOC_TOKENS = 3;
  static final int MAX_DOC_TOKENS = 256;
  static final double MIN_ASCII_LETTER_SHARE = 0.95;

  private final JavaParser modern = new JavaParser(config(LanguageLevel.JAVA_21));
  private final JavaParser legacy = new JavaParser(config(LanguageLevel.JAVA_8));

  private static ParserConfiguration config(LanguageLevel level) {
    return new ParserConfiguration().setLanguageLevel(level).setAttributeComments(true).setStoreTokens(true);
  }

  /** Result of one file: its methods in source order, or empty and {@code parsed == false}. */
  public record FileMethods(String path, boolean parsed, List<JavaMethod> methods) {}

  /**
   * Extracts the methods of one file. Files JavaParser cannot parse at Java 21 are retried at Java 8
   * (old sources use {@code _} or {@code enum} as names); if both fail the file is reported unparsed.
   */
  public FileMethods extract(String path, String text) {
    Optional<CompilationUnit> cu = parse(modern, text).or(() -> parse(legacy, text));
    if (cu.isEmpty()) {
      return new FileMethods(path, false, List.of());
    }
    boolean testPath = isTestPath(path);
    List<JavaMethod> out = new ArrayList<>();
    for (CallableDeclaration<?> callable : cu.get().findAll(CallableDeclaration.class)) {
      List<String> owners = owners(callable);
      if (owners != null) {
        method(path, testPath, owners, callable).ifPresent(out::add);
      }
    }
    out.sort(Comparator.comparingInt(JavaMethod::line).thenComparingInt(JavaMethod::column));
    return new FileMethods(path, true, out);
  }

  private static Optional<CompilationUnit> parse(JavaParser parser, String text) {
    try {
      ParseResult<CompilationUnit> result = parser.parse(text);
      return result.isSuccessful() ? result.getResult() : Optional.empty();
    } catch (RuntimeException e) { // JavaParser can throw on pathological input; treat as unparsed
      return Optional.empty();
    }
  }

  /** Enclosing type (and enum constant) names from the outside in, or null when inside a code block. */
  private static List<String> owners(Node callable) {
    List<String> names = new ArrayList<>();
    Node node = callable.getParentNode().orElse(null);
    while (node != null && !(node instanceof CompilationUnit)) {
      if (node instanceof TypeDeclaration<?> type) {
        names.add(0, type.getNameAsString());
      } else if (node instanceof EnumConstantDeclaration constant) {
        names.add(0, constant.getNameAsString());
      } else {
        return null; // anonymous class, local class, lambda ...: part of some other code
      }
      node = node.getParentNode().orElse(null);
    }
    return names;
  }

  private static Optional<JavaMethod> method(String path, boolean testPath, List<String> owners,
      CallableDeclaration<?> callable) {
    Optional<TokenRange> tokens = callable.getTokenRange();
    Optional<Range> range = callable.getRange();
    if (tokens.isEmpty() || range.isEmpty()) {
      return Optional.empty();
    }
    StringBuilder code = new StringBuilder();
    List<String> codeTokens = new ArrayList<>();
    for (JavaToken token : tokens.get()) {
      code.append(token.getText());
      if (!token.getCategory().isWhitespaceOrComment()) {
        codeTokens.add(token.getText());
      }
    }
    String name = callable.getNameAsString();
    int lines = range.get().end.line - range.get().begin.line + 1;

    CorpusFilter codeDrop = null;
    if (testPath || owners.stream().anyMatch(o -> o.contains("Test"))
        || callable.getAnnotations().stream().anyMatch(a -> a.getName().getIdentifier().equals("Test"))) {
      codeDrop = CorpusFilter.TEST_CODE;
    } else if (callable instanceof ConstructorDeclaration) {
      codeDrop = CorpusFilter.CONSTRUCTOR;
    } else if (EXCLUDED_NAMES.contains(name)) {
      codeDrop = CorpusFilter.EXCLUDED_NAME;
    } else if (callable instanceof MethodDeclaration m && m.getBody().isEmpty()) {
      codeDrop = CorpusFilter.NO_BODY;
    } else if (lines < MIN_LINES) {
      codeDrop = CorpusFilter.SHORT_METHOD;
    }

    String docstring = "";
    List<String> docTokens = List.of();
    CorpusFilter docDrop;
    Optional<JavadocComment> javadoc = callable.getComment()
        .filter(JavadocComment.class::isInstance).map(JavadocComment.class::cast);
    if (javadoc.isEmpty()) {
      docDrop = CorpusFilter.NO_JAVADOC;
    } else {
      JavadocSummary summary = JavadocSummary.of(javadoc.get());
      docstring = summary.text();
      docTokens = DocstringTokenizer.tokenize(docstring);
      docDrop = docDrop(summary, docTokens);
    }
    String funcName = String.join(".", owners) + (owners.isEmpty() ? "" : ".") + name;
    return Optional.of(new JavaMethod(path, funcName, range.get().begin.line, range.get().begin.column,
        code.toString(), List.copyOf(codeTokens), docstring, List.copyOf(docTokens), codeDrop, docDrop));
  }

  private static CorpusFilter docDrop(JavadocSummary summary, List<String> tokens) {
    if (tokens.size() < MIN_DOC_TOKENS) {
      return CorpusFilter.DOCSTRING_SHORT;
    }
    if (tokens.size() > MAX_DOC_TOKENS) {
      return CorpusFilter.DOCSTRING_LONG;
    }
    if (summary.hasUrl()) {
      return CorpusFilter.DOCSTRING_URL;
    }
    if (summary.hasHtml()) {
      return CorpusFilter.DOCSTRING_HTML;
    }
    if (!isEnglish(summary.text())) {
      return CorpusFilter.NON_ENGLISH;
    }
    return null;
  }

  /**
   * Our non-English heuristic (CodeSearchNet used a language detector we do not have): at least 95 % of
   * the letters are ASCII letters. Chinese, Japanese, Russian, Greek text fails; accented Latin text
   * with a few accents passes; English-looking ASCII in another language (German, Spanish) also passes.
   */
  static boolean isEnglish(String text) {
    long letters = text.codePoints().filter(Character::isLetter).count();
    long ascii = text.chars().filter(c -> (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')).count();
    return letters > 0 && ascii >= MIN_ASCII_LETTER_SHARE * letters;
  }

  /** A path segment {@code test} or {@code tests} (any case) marks test code. */
  static boolean isTestPath(String path) {
    for (String segment : path.split("/")) {
      if (segment.equalsIgnoreCase("test") || segment.equalsIgnoreCase("tests")) {
        return true;
      }
    }
    return false;
  }
}
