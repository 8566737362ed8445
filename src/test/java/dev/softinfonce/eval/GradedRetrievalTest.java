package dev.softinfonce.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.softinfonce.data.BeirDataset;
import dev.softinfonce.data.DataFormatException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The BEIR/CoIR reader and graded NDCG@10: a hand-computed case, then random graded qrels with several
 * relevant documents per query against an independent full-sort computation of trec_eval's formula.
 */
class GradedRetrievalTest {
  @TempDir Path tmp;

  @Test
  void ndcgOfAHandComputedRanking() {
    // ranking d1 (rel 0), d2 (rel 2), d3 (rel 1); ideal 2, 1
    double dcg = 2 / (Math.log(3) / Math.log(2)) + 1 / 2.0;
    double idcg = 2 + 1 / (Math.log(3) / Math.log(2));
    GradedRetrieval.Metrics m = GradedRetrieval.score(List.of(List.of("d1", "d2", "d3")),
        List.of(Map.of("d2", 2, "d3", 1)), 3);
    assertEquals(dcg / idcg, m.ndcgAt10(), 1e-12);
    assertEquals(0.5, m.mrrAt10(), 1e-12);
    assertEquals(1.0, m.recallAt100(), 1e-12);
  }

  @Test
  void readsTheBeirLayoutGzippedAndMatchesAnIndependentComputation() throws Exception {
    Random rnd = new Random(11);
    int docs = 150;
    int queries = 12;
    int dim = 4;
    Path dir = Files.createDirectories(tmp.resolve("beir"));
    StringBuilder corpus = new StringBuilder();
    float[][] d = new float[docs][dim];
    for (int i = 0; i < docs; i++) {
      corpus.append("{\"_id\": \"c").append(i).append("\", \"title\": \"").append(i % 3 == 0 ? "T" + i : "")
          .append("\", \"text\": \"doc ").append(i).append("\"}\n");
      for (int k = 0; k < dim; k++) {
        d[i][k] = rnd.nextInt(5) - 2; // small integers: many exact ties, so the tie rule is exercised
      }
    }
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(dir.resolve("corpus.jsonl.gz")))) {
      out.write(corpus.toString().getBytes(StandardCharsets.UTF_8));
    }
    StringBuilder qs = new StringBuilder();
    StringBuilder qrels = new StringBuilder("query-id\tcorpus-id\tscore\n");
    float[][] q = new float[queries][dim];
    List<Map<String, Integer>> expectedRel = new ArrayList<>();
    for (int i = 0; i < queries + 2; i++) {
      qs.append("{\"_id\": \"q").append(i).append("\", \"text\": \"query ").append(i).append("\"}\n");
      if (i >= queries) {
        continue; // queries without qrels in this split are not evaluated
      }
      for (int k = 0; k < dim; k++) {
        q[i][k] = rnd.nextInt(5) - 2;
      }
      Map<String, Integer> rel = new java.util.LinkedHashMap<>();
      int n = 1 + rnd.nextInt(5);
      while (rel.size() < n) {
        rel.put("c" + (1 + rnd.nextInt(docs - 1)), 1 + rnd.nextInt(3));
      }
      rel.forEach((doc, g) -> qrels.append("q").append(expectedRel.size()).append('\t').append(doc).append('\t')
          .append(g).append('\n'));
      qrels.append("q").append(i).append("\tc0\t0\n"); // judged irrelevant: not relevant
      expectedRel.add(rel);
    }
    Files.writeString(dir.resolve("queries.jsonl"), qs);
    Files.createDirectories(dir.resolve("qrels"));
    Files.writeString(dir.resolve("qrels/test.tsv"), qrels);

    assertTrue(BeirDataset.isBeir(dir));
    BeirDataset data = BeirDataset.load(dir, "test");
    assertEquals(queries, data.size());
    assertEquals(docs, data.docIds().size());
    assertEquals("T3 doc 3", data.docs().get(3), "title + text");
    assertEquals("doc 1", data.docs().get(1));

    GradedRetrieval.Metrics got = GradedRetrieval.evaluate(q, d, data);
    double sumNdcg = 0;
    double sumRecall = 0;
    for (int i = 0; i < queries; i++) {
      double e = independentNdcg10(q[i], d, data.docIds(), expectedRel.get(i));
      assertEquals(e, got.perQueryNdcg()[i], 1e-9, "query " + i);
      sumNdcg += e;
      sumRecall += independentRecall100(q[i], d, data.docIds(), expectedRel.get(i));
    }
    assertEquals(sumNdcg / queries, got.ndcgAt10(), 1e-9);
    assertEquals(sumRecall / queries, got.recallAt100(), 1e-9);
    assertTrue(got.ndcgAt10() > 0 && got.ndcgAt10() < 1, got.summary());
  }

  private record Scored(String id, double score) {}

  private static List<Scored> fullRanking(float[] q, float[][] d, List<String> ids) {
    List<Scored> all = new ArrayList<>();
    for (int j = 0; j < d.length; j++) {
      double s = 0;
      for (int k = 0; k < q.length; k++) {
        s += (double) q[k] * d[j][k];
      }
      all.add(new Scored(ids.get(j), s));
    }
    // trec_eval: score descending, then document id descending
    all.sort(Comparator.comparingDouble(Scored::score).reversed()
        .thenComparing(Scored::id, Comparator.reverseOrder()));
    return all;
  }

  private static double independentNdcg10(float[] q, float[][] d, List<String> ids, Map<String, Integer> rel) {
    List<Scored> all = fullRanking(q, d, ids);
    double dcg = 0;
    for (int rank = 1; rank <= 10; rank++) {
      dcg += rel.getOrDefault(all.get(rank - 1).id(), 0) / (Math.log(rank + 1) / Math.log(2));
    }
    List<Integer> gains = rel.values().stream().sorted(Comparator.reverseOrder()).toList();
    double idcg = 0;
    for (int rank = 1; rank <= Math.min(10, gains.size()); rank++) {
      idcg += gains.get(rank - 1) / (Math.log(rank + 1) / Math.log(2));
    }
    return dcg / idcg;
  }

  private static double independentRecall100(float[] q, float[][] d, List<String> ids, Map<String, Integer> rel) {
    return fullRanking(q, d, ids).subList(0, 100).stream().filter(s -> rel.containsKey(s.id())).count()
        / (double) rel.size();
  }

  @Test
  void aQrelNamingAnUnknownDocumentIsAnErrorWithItsLine() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("bad"));
    Files.writeString(dir.resolve("corpus.jsonl"), "{\"_id\": \"a\", \"text\": \"x\"}\n");
    Files.writeString(dir.resolve("queries.jsonl"), "{\"_id\": \"q\", \"text\": \"y\"}\n");
    Files.createDirectories(dir.resolve("qrels"));
    Files.writeString(dir.resolve("qrels/test.tsv"), "query-id\tcorpus-id\tscore\nq\ta\t1\nq\tb\t1\n");
    DataFormatException e = assertThrows(DataFormatException.class, () -> BeirDataset.load(dir, "test"));
    assertTrue(e.getMessage().contains("test.tsv:3") && e.getMessage().contains("unknown document 'b'"), e.getMessage());
  }
}
