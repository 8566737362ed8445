package dev.softinfonce.javacorpus;

import java.util.Locale;

/**
 * Why a method did not become a (docstring, code) pair, in the order the filters are applied: each
 * dropped method is counted under the first filter it fails. The first group (up to
 * {@link #SHORT_METHOD}, plus {@link #NO_JAVADOC}) are the CodeSearchNet code filters; methods that only
 * fail documentation filters still serve as distractors in the valid/test codebases.
 */
public enum CorpusFilter {
  /** Not documented: no Javadoc comment on the method. */
  NO_JAVADOC,
  /** Test code: a path segment {@code test}/{@code tests}, an enclosing class whose name contains
   * {@code Test}, or a method annotated {@code @Test}. */
  TEST_CODE,
  /** Constructors are not functions a user searches for (CodeSearchNet drops them). */
  CONSTRUCTOR,
  /** CodeSearchNet's Java blacklist: {@code toString, hashCode, equals, finalize, notify, notifyAll, clone}. */
  EXCLUDED_NAME,
  /** Abstract, interface or native method: there is no code to search. */
  NO_BODY,
  /** Fewer than 3 source lines (CodeSearchNet). */
  SHORT_METHOD,
  /** Docstring shorter than 3 tokens (CodeSearchNet, GraphCodeBERT). */
  DOCSTRING_SHORT,
  /** Docstring longer than 256 tokens (GraphCodeBERT). */
  DOCSTRING_LONG,
  /** Docstring contains a URL (GraphCodeBERT drops "special tokens" such as URLs). */
  DOCSTRING_URL,
  /** Docstring keeps HTML-like content after cleaning, e.g. {@code <img>} (GraphCodeBERT). */
  DOCSTRING_HTML,
  /** Fewer than 95 % of the docstring's letters are ASCII letters, or it has no letters (our heuristic). */
  NON_ENGLISH,
  /** The same code tokens were already kept (test, then valid, then train; by library id, path, line). */
  DUPLICATE_CODE;

  /** snake_case name used in the manifest and the summary. */
  public String key() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** True for filters that also exclude a method from the codebase of distractors. */
  public boolean excludesCode() {
    return this == TEST_CODE || this == CONSTRUCTOR || this == EXCLUDED_NAME || this == NO_BODY
        || this == SHORT_METHOD;
  }
}
