package dev.softinfonce.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.softinfonce.config.ConfigException;
import dev.softinfonce.config.DataConfig.BadRecordPolicy;
import dev.softinfonce.config.ExperimentConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class QuerySetTest {
  private static final ObjectMapper M = new ObjectMapper();
  private static final ReadOptions FAIL = ReadOptions.defaults();
  private static final ReadOptions SKIP = FAIL.withOnBadRecord(BadRecordPolicy.SKIP);

  @TempDir Path tmp;

  @Test
  void withoutAPoolTheQueriesOwnCodeIsThePool() {
    QuerySet set = QuerySet.load(TestData.RUBY_TEST, null, FAIL);
    assertEquals(1261, set.size());
    assertEquals(1261, set.codebase().size());
    for (int i = 0; i < set.size(); i++) {
      assertEquals(i, set.gold(i));
      assertEquals(set.queries().get(i).code(), set.codebase().code(i));
    }
  }

  @Test
  void graphCodeBertLayoutMatchesGoldByUrl() throws IOException {
    // a GraphCodeBERT-style split: 20 queries; codebase = their code in reverse order + 30 distractors
    // (from valid.jsonl) with docstrings removed
    List<String> test = TestData.lines(TestData.RUBY_TEST).subList(0, 20);
    List<String> pool = new ArrayList<>();
    for (int i = test.size() - 1; i >= 0; i--) {
      pool.add(noDocstring(test.get(i)));
    }
    for (String l : TestData.lines(TestData.RUBY_VALID).subList(0, 30)) {
      pool.add(noDocstring(l));
    }
    Path q = TestData.write(tmp, "test.jsonl", test);
    Path c = TestData.write(tmp, "codebase.jsonl", pool);
    QuerySet set = QuerySet.load(q, c, FAIL);
    assertEquals(20, set.size());
    assertEquals(50, set.codebase().size());
    for (int i = 0; i < 20; i++) {
      assertEquals(19 - i, set.gold(i));
      assertEquals(set.queries().get(i).code(), set.codebase().code(set.gold(i)));
    }

    var data = ExperimentConfig.builder().set("data.test", q.toString()).set("data.codebase", c.toString())
        .build().data();
    assertEquals(50, Datasets.test(data).codebase().size());
  }

  @Test
  void formatMismatchWithConfigIsAConfigError() {
    var data = ExperimentConfig.builder().set("data.format", "cosqa")
        .set("data.test", TestData.RUBY_TEST.toString()).build().data();
    ConfigException e = assertThrows(ConfigException.class, () -> Datasets.test(data));
    assertEquals("data.format", e.key());
    var ok = ExperimentConfig.builder().set("data.format", "cosqa").set("data.code_field", "code")
        .set("data.valid", TestData.COSQA_DEV.toString()).set("data.codebase", TestData.COSQA_POOL.toString())
        .build().data();
    assertEquals(500, Datasets.valid(ok).size());
  }

  @Test
  void trainHonoursMaxExamples() {
    var data = ExperimentConfig.builder().set("data.train", TestData.RUBY_VALID.toString())
        .set("data.max_examples", 100).build().data();
    assertEquals(100, Datasets.loadTrain(data).size());
  }

  @Test
  void goldMissingFromPoolIsABadRecordNamingUrl() throws IOException {
    List<String> test = TestData.lines(TestData.RUBY_TEST).subList(0, 10);
    Path q = TestData.write(tmp, "test.jsonl", test);
    Path c = TestData.write(tmp, "codebase.jsonl", test.subList(0, 9)); // last query's code missing
    DataFormatException e = assertThrows(DataFormatException.class, () -> QuerySet.load(q, c, FAIL));
    assertTrue(e.getMessage().startsWith(q + ":10: field 'url': gold url '"), e.getMessage());
    QuerySet set = QuerySet.load(q, c, SKIP);
    assertEquals(9, set.size());
    assertEquals(1, set.report().skippedBad());
  }

  @Test
  void duplicateUrlInPoolIsABadRecord() throws IOException {
    List<String> lines = new ArrayList<>(TestData.lines(TestData.RUBY_TEST).subList(0, 6));
    lines.add(lines.get(2));
    Path c = TestData.write(tmp, "codebase.jsonl", lines);
    DataFormatException e = assertThrows(DataFormatException.class, () -> Codebase.load(c, FAIL));
    assertTrue(e.getMessage().startsWith(c + ":7: field 'url': duplicate url"), e.getMessage());
    assertTrue(e.getMessage().endsWith("(first at " + c + ":3)"), e.getMessage());
    Codebase pool = Codebase.load(c, SKIP);
    assertEquals(6, pool.size());
    assertEquals(1, pool.report().skippedBad());
  }

  private static String noDocstring(String line) throws IOException {
    ObjectNode o = (ObjectNode) M.readTree(line);
    o.putArray("docstring_tokens");
    o.put("docstring", "");
    return M.writeValueAsString(o);
  }
}
