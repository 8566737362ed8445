package dev.softinfonce.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.softinfonce.data.Codebase;
import dev.softinfonce.data.Example;
import dev.softinfonce.data.QuerySet;
import dev.softinfonce.data.ReadOptions;
import dev.softinfonce.text.Tokenizer;
import dev.softinfonce.text.TokenizerTrainer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The BM25 baseline against a straightforward Okapi BM25 over the tokenizer's token strings. */
class Bm25RetrieverTest {
  @TempDir Path dir;

  @Test
  void ranksLikeAPlainBm25() throws Exception {
    String[][] pairs = {
        {"read a file into a string", "String readFile ( Path p ) { return Files . readString ( p ) ; }"},
        {"write a string to a file", "void writeFile ( Path p , String s ) { Files . writeString ( p , s ) ; }"},
        {"sort the list in place", "void sortList ( List < Integer > xs ) { Collections . sort ( xs ) ; }"},
        {"count the lines of a file", "long countLines ( Path p ) { return Files . lines ( p ) . count ( ) ; }"},
        {"reverse a string", "String reverse ( String s ) { return new StringBuilder ( s ) . reverse ( ) . toString ( ) ; }"}};
    TokenizerTrainer t = TokenizerTrainer.builder().vocabSize(300).minFrequency(1).build();
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < pairs.length; i++) {
      t.add(pairs[i][0]);
      t.add(pairs[i][1]);
      lines.add("{\"url\": \"u" + i + "\", \"docstring_tokens\": [\"" + pairs[i][0].replace(" ", "\", \"")
          + "\"], \"code_tokens\": [\"" + pairs[i][1].replace(" ", "\", \"") + "\"]}");
    }
    Path tokFile = dir.resolve("tok.json");
    t.train().vocabulary().write(tokFile);
    Path data = Files.write(dir.resolve("q.jsonl"), lines);
    QuerySet qs = QuerySet.load(data, null, ReadOptions.defaults());

    try (Tokenizer tok = Tokenizer.load(tokFile, 512)) {
      RetrievalResult r = new Bm25Retriever(1.2, 0.75).evaluate(qs, tok, tok, RetrievalEvaluator.builder().build(), 0);
      // Independent BM25 over token strings (special tokens dropped).
      Codebase pool = qs.codebase();
      List<List<String>> docs = new ArrayList<>();
      for (int d = 0; d < pool.size(); d++) {
        docs.add(terms(tok, pool.code(d)));
      }
      double avgdl = docs.stream().mapToInt(List::size).average().orElseThrow();
      double mrr = 0;
      for (int i = 0; i < qs.size(); i++) {
        List<String> q = terms(tok, qs.queries().get(i).query());
        double[] s = new double[docs.size()];
        for (int d = 0; d < docs.size(); d++) {
          for (String term : new java.util.HashSet<>(q)) {
            long n = docs.stream().filter(x -> x.contains(term)).count();
            long f = docs.get(d).stream().filter(term::equals).count();
            double idf = Math.log(1 + (docs.size() - n + 0.5) / (n + 0.5));
            s[d] += idf * f * 2.2 / (f + 1.2 * (0.25 + 0.75 * docs.get(d).size() / avgdl));
          }
        }
        int gold = qs.gold(i);
        int rank = 1;
        for (int d = 0; d < s.length; d++) {
          if (d != gold && s[d] >= s[gold]) {
            rank++; // pessimistic ties, as the evaluator
          }
        }
        assertEquals(rank, r.queries().get(i).rank(), "query " + i);
        assertEquals(s[gold], r.queries().get(i).goldScore(), 1e-4);
        mrr += 1.0 / rank;
      }
      assertEquals(mrr / qs.size(), r.metrics().mrr(), 1e-9);
    }
  }

  private static List<String> terms(Tokenizer tok, String text) {
    List<String> out = new ArrayList<>(tok.tokens(text));
    out.removeIf(x -> x.equals("[CLS]") || x.equals("[SEP]") || x.equals("[PAD]"));
    return out;
  }
}
