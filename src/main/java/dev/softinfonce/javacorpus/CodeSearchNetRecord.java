package dev.softinfonce.javacorpus;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;

/**
 * One line of CodeSearchNet-format jsonl as the Java corpus builder writes it; field names and order
 * are those of the published CodeSearchNet files.
 *
 * @param repo the library id ({@code G:A:V} or the local source name)
 * @param path source file path inside the library
 * @param funcName {@code Type.method}
 * @param originalString the method source
 * @param language always {@code java}
 * @param code the method source (same as {@code original_string}, as in CodeSearchNet)
 * @param codeTokens lexical tokens without comments
 * @param docstring first Javadoc paragraph as plain text ("" for undocumented distractors)
 * @param docstringTokens CodeSearchNet docstring tokens
 * @param url {@code maven:G:A:V!path#L<line>} (or {@code sources:NAME!path#L<line>}); unique per record
 * @param partition {@code train}, {@code valid} or {@code test}
 */
@JsonPropertyOrder({"repo", "path", "func_name", "original_string", "language", "code", "code_tokens",
    "docstring", "docstring_tokens", "url", "partition"})
public record CodeSearchNetRecord(
    @JsonProperty("repo") String repo,
    @JsonProperty("path") String path,
    @JsonProperty("func_name") String funcName,
    @JsonProperty("original_string") String originalString,
    @JsonProperty("language") String language,
    @JsonProperty("code") String code,
    @JsonProperty("code_tokens") List<String> codeTokens,
    @JsonProperty("docstring") String docstring,
    @JsonProperty("docstring_tokens") List<String> docstringTokens,
    @JsonProperty("url") String url,
    @JsonProperty("partition") String partition) {

  /** The record of a method of {@code library} with the given unique url. */
  static CodeSearchNetRecord of(SourceLibrary library, JavaMethod m, String url, CorpusSplit split) {
    return new CodeSearchNetRecord(library.id(), m.path(), m.funcName(), m.code(), "java", m.code(),
        m.codeTokens(), m.docstring(), m.docstringTokens(), url, split.key());
  }
}
