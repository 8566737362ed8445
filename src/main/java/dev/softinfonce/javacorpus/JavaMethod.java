package dev.softinfonce.javacorpus;

import java.util.List;

/**
 * One method or constructor found in a library, with the verdict of every filter; the corpus builder
 * turns it into a query record, a codebase distractor, or a drop count.
 *
 * @param path source file path inside the library
 * @param funcName enclosing type names and method name, e.g. {@code Outer.Inner.method}
 * @param line 1-based line where the declaration starts (its first annotation or modifier)
 * @param column 1-based column of that start
 * @param code the declaration's source text exactly as in the file (comments inside kept)
 * @param codeTokens lexical tokens of the declaration without comments and whitespace
 * @param docstring cleaned first paragraph of the Javadoc, "" when there is none
 * @param docstringTokens {@link DocstringTokenizer} tokens of {@code docstring}
 * @param codeDrop first failing code filter, or null when the code may be searched for
 * @param docDrop first failing documentation filter ({@link CorpusFilter#NO_JAVADOC} included), or null
 */
public record JavaMethod(
    String path,
    String funcName,
    int line,
    int column,
    String code,
    List<String> codeTokens,
    String docstring,
    List<String> docstringTokens,
    CorpusFilter codeDrop,
    CorpusFilter docDrop) {

  /** The filter this method is counted under when it does not become a query (duplicates aside). */
  public CorpusFilter queryDrop() {
    if (docDrop == CorpusFilter.NO_JAVADOC) {
      return docDrop;
    }
    return codeDrop != null ? codeDrop : docDrop;
  }

  /** Key of the exact-duplicate check: the code tokens, so layout and comments do not matter. */
  public String dedupKey() {
    return String.join("\u0001", codeTokens);
  }
}
