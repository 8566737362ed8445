package dev.softinfonce.config;

import java.util.List;

/**
 * Where examples come from and how records become (query, code) text pairs.
 *
 * @param format input format: CodeSearchNet/GraphCodeBERT jsonl or CoSQA retrieval json
 * @param train training jsonl (CodeSearchNet fields)
 * @param valid validation queries (jsonl); gold is matched by {@code url}
 * @param test test queries (jsonl)
 * @param validCodebase the pool ranked for {@code valid}; null means {@code codebase}
 * @param testCodebase the pool ranked for {@code test}; null means {@code codebase}
 * @param codebase pool shared by valid and test (GraphCodeBERT layout)
 * @param codeField which field is the code text
 * @param onBadRecord fail on the first malformed record, or skip and report
 * @param maxExamples read at most this many training examples (0 = all)
 * @param javaCorpus Maven coordinates of sources jars for the built-in Java corpus
 * @param javaCorpusDir where the built Java corpus is written and reused
 */
public record DataConfig(
    @Field(value = "codesearchnet", help = "codesearchnet | cosqa") DataFormat format,
    @Field(value = "", nullable = true, help = "training jsonl", path = true) String train,
    @Field(value = "", nullable = true, help = "validation queries jsonl", path = true) String valid,
    @Field(value = "", nullable = true, help = "test queries jsonl", path = true) String test,
    @Field(value = "", nullable = true, help = "pool for valid (default: codebase)", path = true) String validCodebase,
    @Field(value = "", nullable = true, help = "pool for test (default: codebase)", path = true) String testCodebase,
    @Field(value = "", nullable = true, help = "pool shared by valid and test", path = true) String codebase,
    @Field(value = "code_tokens", help = "code_tokens | code | original_string") CodeField codeField,
    @Field(value = "fail", help = "fail | skip malformed records") BadRecordPolicy onBadRecord,
    @Field(value = "0", min = 0, help = "read at most N training examples, 0 = all") int maxExamples,
    @Field(value = "[]", help = "G:A:V list of sources jars for the Java corpus") List<String> javaCorpus,
    @Field(value = "data/java-corpus", help = "where the Java corpus is built and reused", path = true) String javaCorpusDir) {

  /** Input formats we read unchanged. */
  public enum DataFormat { CODESEARCHNET, COSQA }

  /** Which record field supplies the code text. */
  public enum CodeField { CODE_TOKENS, CODE, ORIGINAL_STRING }

  /** What to do with a malformed line, a missing field or a wrong type. */
  public enum BadRecordPolicy { FAIL, SKIP }

  /** Pool for the valid split. */
  public String resolvedValidCodebase() {
    return validCodebase != null ? validCodebase : codebase;
  }

  /** Pool for the test split. */
  public String resolvedTestCodebase() {
    return testCodebase != null ? testCodebase : codebase;
  }
}
