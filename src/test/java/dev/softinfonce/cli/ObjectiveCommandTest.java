package dev.softinfonce.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code softinfonce objective eval} against an independent plain-Java implementation of paper Eq. 3–4
 * (below, sharing no code with the main sources), for the paper's Table 7 settings and batch sizes 2 to 64.
 */
class ObjectiveCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  /** Table 7: estimator, α, β, t. */
  private static final Object[][] TABLE7 = {
      {"bm25", 1.5, 0.5, 1.0}, {"simcse", 1.3, 0.7, 0.1}, {"trained", 1.3, 0.7, 5.0}};

  private record Run(int exit, String out, String err) {}

  private Run eval(String json, String... extra) throws Exception {
    Path file = Files.createTempFile(dir, "case", ".json");
    Files.writeString(file, json);
    CommandLine cl = Main.commandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    String[] args = new String[3 + extra.length];
    args[0] = "objective";
    args[1] = "eval";
    args[2] = "--in=" + file;
    System.arraycopy(extra, 0, args, 3, extra.length);
    int code = cl.execute(args);
    return new Run(code, out.toString(), err.toString());
  }

  // ---- the independent implementation of Eq. 3–4 (double precision, loops) ----

  private static double[][] dot(double[][] q, double[][] c) {
    double[][] s = new double[q.length][c.length];
    for (int i = 0; i < q.length; i++) {
      for (int j = 0; j < c.length; j++) {
        for (int d = 0; d < q[i].length; d++) {
          s[i][j] += q[i][d] * c[j][d];
        }
      }
    }
    return s;
  }

  private static double[][] eq4(double[][] sim, double alpha, double beta, double t, double minW) {
    int n = sim.length;
    double[][] w = new double[n][n];
    for (int i = 0; i < n; i++) {
      double z = 0;
      for (int j = 0; j < n; j++) {
        if (j != i) {
          z += Math.exp(sim[i][j] / t);
        }
      }
      for (int j = 0; j < n; j++) {
        w[i][j] = j == i ? 1 : Math.max(minW, (beta - alpha * Math.exp(sim[i][j] / t) / z) / (beta - alpha / (n - 1)));
      }
    }
    return w;
  }

  private static double eq3(double[][] s, double[][] w) {
    double total = 0;
    for (int i = 0; i < s.length; i++) {
      double denom = 0;
      for (int j = 0; j < s.length; j++) {
        denom += w[i][j] * Math.exp(s[i][j]);
      }
      total -= Math.log(Math.exp(s[i][i]) / denom);
    }
    return total / s.length;
  }

  private static double[][] relevance(Random rnd, String estimator, int n) {
    double[][] r = new double[n][n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        r[i][j] = switch (estimator) {
          case "bm25" -> rnd.nextDouble() < 0.6 ? 0 : rnd.nextDouble() * 12; // many zero-overlap docstrings
          case "simcse" -> i == j ? 1 : rnd.nextDouble() * 1.4 - 0.4; // cosine
          default -> rnd.nextGaussian() * 3; // trained-model dot products
        };
      }
    }
    return r;
  }

  private static double[][] gaussian(Random rnd, int rows, int cols, double scale) {
    double[][] m = new double[rows][cols];
    for (double[] row : m) {
      for (int j = 0; j < cols; j++) {
        row[j] = rnd.nextGaussian() * scale;
      }
    }
    return m;
  }

  @Test
  void agreesWithIndependentEq3And4ForTable7SettingsAndBatchSizes2To64() throws Exception {
    Random rnd = new Random(41);
    int checked = 0;
    int rejected = 0;
    java.util.Map<String, Double> maxError = new java.util.TreeMap<>();
    for (Object[] setting : TABLE7) {
      double alpha = (double) setting[1];
      double beta = (double) setting[2];
      double t = (double) setting[3];
      for (int n : new int[] {2, 3, 4, 5, 8, 16, 32, 64}) {
        double[][] q = gaussian(rnd, n, 16, 0.5);
        double[][] c = gaussian(rnd, n, 16, 0.5);
        double[][] sim = relevance(rnd, (String) setting[0], n);
        ObjectNode root = JSON.createObjectNode();
        root.set("query_embeddings", JSON.valueToTree(q));
        root.set("code_embeddings", JSON.valueToTree(c));
        root.set("relevance", JSON.valueToTree(sim));
        ObjectNode obj = root.putObject("objective");
        obj.put("name", "soft_infonce").put("alpha", alpha).put("beta", beta).put("t", t);
        boolean valid = n == 2 || beta - alpha / (n - 1) > 0;
        for (String dtype : new String[] {"float64", "float32"}) {
          Run run = eval(root.toString(), "--dtype=" + dtype);
          if (!valid) {
            assertEquals(2, run.exit(), run.err());
            assertTrue(run.err().contains("Eq. 4") && run.err().contains("batch_size"), run.err());
            rejected++;
            continue;
          }
          assertEquals(0, run.exit(), run.err());
          JsonNode result = JSON.readTree(run.out());
          double[][] w = n == 2 ? ones(n) : eq4(sim, alpha, beta, t, 0.1); // N = 2: one negative, weight 1
          double loss = eq3(dot(q, c), w);
          String what = setting[0] + " n=" + n + " " + dtype;
          assertEquals(loss, result.get("loss").asDouble(), 1e-5, what);
          maxError.merge(dtype + " loss", Math.abs(loss - result.get("loss").asDouble()), Math::max);
          JsonNode weights = result.get("weights");
          assertEquals(n, weights.size());
          for (int i = 0; i < n; i++) {
            assertEquals(n, weights.get(i).size());
            for (int j = 0; j < n; j++) {
              assertEquals(w[i][j], weights.get(i).get(j).asDouble(), 1e-5, what + " w[" + i + "][" + j + "]");
              maxError.merge(dtype + " weight", Math.abs(w[i][j] - weights.get(i).get(j).asDouble()), Math::max);
            }
          }
          checked++;
        }
      }
    }
    System.out.println("objective eval vs independent Eq. 3-4, max abs error: " + maxError);
    // BM25 (α 1.5, β 0.5) at N = 3, 4 has β − α/(N−1) ≤ 0: rejected, in both dtypes.
    assertEquals(4, rejected);
    assertEquals(3 * 8 * 2 - 4, checked);
  }

  private static double[][] ones(int n) {
    double[][] w = new double[n][n];
    for (double[] row : w) {
      java.util.Arrays.fill(row, 1);
    }
    return w;
  }

  @Test
  void withoutRelevanceWeightsAreOneAndCosineNormalises() throws Exception {
    Random rnd = new Random(42);
    int n = 6;
    double[][] q = gaussian(rnd, n, 5, 3);
    double[][] c = gaussian(rnd, n, 5, 3);
    ObjectNode root = JSON.createObjectNode();
    root.set("query_embeddings", JSON.valueToTree(q));
    root.set("code_embeddings", JSON.valueToTree(c));
    root.putObject("objective").put("name", "soft_infonce").put("alpha", 1.3).put("beta", 0.7)
        .put("similarity", "cosine");
    Run run = eval(root.toString());
    assertEquals(0, run.exit(), run.err());
    JsonNode result = JSON.readTree(run.out());
    double[][] qn = unit(q);
    double[][] cn = unit(c);
    assertEquals(eq3(dot(qn, cn), ones(n)), result.get("loss").asDouble(), 1e-9);
    for (JsonNode row : result.get("weights")) {
      for (JsonNode w : row) {
        assertEquals(1.0, w.asDouble(), 0);
      }
    }
  }

  private static double[][] unit(double[][] x) {
    double[][] out = new double[x.length][];
    for (int i = 0; i < x.length; i++) {
      double norm = 0;
      for (double v : x[i]) {
        norm += v * v;
      }
      out[i] = new double[x[i].length];
      for (int d = 0; d < x[i].length; d++) {
        out[i][d] = x[i][d] / Math.sqrt(norm);
      }
    }
    return out;
  }

  @Test
  void duplicatesAreMaskedWhenAsked() throws Exception {
    String json = "{\"query_embeddings\": [[1,0],[0,1],[1,1]], \"code_embeddings\": [[1,0],[1,0],[0,1]],"
        + " \"duplicates\": [[false,true,false],[true,false,false],[false,false,false]],"
        + " \"objective\": {\"name\": \"infonce\", \"mask_duplicates\": true}}";
    Run run = eval(json);
    assertEquals(0, run.exit(), run.err());
    JsonNode r = JSON.readTree(run.out());
    // s = [[1,1,0],[0,0,1],[1,1,1]]; rows 0/1 lose column 1/0:
    // row 0: log(e + 1) − 1; row 1: log(1 + e) − 0; row 2: log(3e) − 1 = ln 3
    double expected = (2 * Math.log(Math.E + 1) - 1 + Math.log(3)) / 3;
    assertEquals(expected, r.get("loss").asDouble(), 1e-12);
    assertEquals(0.0, r.get("weights").get(0).get(1).asDouble());
    assertEquals(0.0, r.get("weights").get(1).get(0).asDouble());
  }

  @Test
  void badInputIsOneLineNamingFileAndField() throws Exception {
    String good = "\"query_embeddings\": [[1,0],[0,1]], \"code_embeddings\": [[1,0],[0,1]]";
    Run unknownKey = eval("{" + good + ", \"objective\": {\"name\": \"soft_infonce\", \"alpah\": 1}}");
    assertEquals(2, unknownKey.exit());
    assertTrue(unknownKey.err().contains("objective.alpah") && unknownKey.err().contains("did you mean 'alpha'")
        && unknownKey.err().contains(".json"), unknownKey.err());
    Run badName = eval("{" + good + ", \"objective\": {\"name\": \"softinfonce\"}}");
    assertEquals(2, badName.exit());
    assertTrue(badName.err().contains("objective.name"), badName.err());
    Run ragged = eval("{\"query_embeddings\": [[1,0],[0,1]], \"code_embeddings\": [[1,0],[0]],"
        + " \"objective\": {\"name\": \"infonce\"}}");
    assertEquals(2, ragged.exit());
    assertTrue(ragged.err().contains("code_embeddings[1]"), ragged.err());
    Run syntax = eval("{\"query_embeddings\": [[1,0],\n[0,1]] \"x\"}");
    assertEquals(2, syntax.exit());
    assertTrue(syntax.err().matches("(?s)error: .*\\.json:2:\\d+: invalid JSON.*"), syntax.err());
    Run topK = eval("{" + good + ", \"relevance\": [[0,1],[1,0]], \"objective\": {\"name\": \"fn_cancel_topk\"}}");
    assertEquals(2, topK.exit());
    assertTrue(topK.err().contains("objective.top_k"), topK.err());
    Run extra = eval("{" + good + ", \"objective\": {\"name\": \"infonce\"}, \"scores\": []}");
    assertEquals(2, extra.exit());
    assertTrue(extra.err().contains("unknown field 'scores'"), extra.err());
    assertEquals(1, unknownKey.err().strip().lines().count(), unknownKey.err());
  }
}
