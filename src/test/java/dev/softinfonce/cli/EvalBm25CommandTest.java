package dev.softinfonce.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.softinfonce.data.TestData;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code eval --bm25}: the lexical baseline on a public file, with no model folder to record into. */
class EvalBm25CommandTest {

  @Test
  void bm25EvalPrintsItsMetricsAndExitsZero(@TempDir Path dir) {
    Path tok = dir.resolve("tokenizer.json");
    CliTestSupport.Run t = CliTestSupport.run("tokenizer", "train", "--data", TestData.RUBY_VALID.toString(),
        "--vocab-size", "2000", "--out", tok.toString());
    assertEquals(0, t.exitCode(), t.out() + t.err());
    // Regression: the BM25 path used to throw a NullPointerException after printing (no --model to record into).
    CliTestSupport.Run r = CliTestSupport.run("eval", "--bm25", tok.toString(), "--queries",
        TestData.RUBY_TEST.toString(), "--set", "eval.max_queries=200");
    assertEquals(0, r.exitCode(), r.out() + r.err());
    Matcher m = Pattern.compile("(?m)^mrr=(\\d\\.\\d{4})$").matcher(r.out());
    assertTrue(m.find(), r.out());
    double mrr = Double.parseDouble(m.group(1));
    assertTrue(mrr > 0.2 && mrr <= 1.0, "BM25 on Ruby docstrings finds its code often: " + mrr);
    assertTrue(r.out().contains("evaluated 200 queries against 1261 codes"), r.out());
    // k1/b are BM25's keys: accepted with --bm25 (they were refused as keys the default estimator does not
    // read) and really used: k1 = 0 ignores term frequency and ranks differently.
    CliTestSupport.Run k = CliTestSupport.run("eval", "--bm25", tok.toString(), "--queries",
        TestData.RUBY_TEST.toString(), "--set", "eval.max_queries=200", "--set", "estimator.k1=0",
        "--set", "estimator.b=0.5");
    assertEquals(0, k.exitCode(), k.out() + k.err());
    Matcher mk = Pattern.compile("(?m)^mrr=(\\d\\.\\d{4})$").matcher(k.out());
    assertTrue(mk.find(), k.out());
    assertTrue(Double.parseDouble(mk.group(1)) != mrr, "k1/b change the ranking: " + mk.group(1) + " vs " + mrr);
  }
}
