package dev.softinfonce.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DataStatsTest {

  @Test
  void nearestRankPercentilesByHand() {
    // 1..10: p50 = 5th value, p90 = 9th, p99 = ceil(9.9) = 10th
    assertEquals(new DataStats.Lengths(5, 9, 10, 10), DataStats.Lengths.of(new int[] {10, 9, 8, 7, 6, 5, 4, 3, 2, 1}));
    assertEquals(new DataStats.Lengths(7, 7, 7, 7), DataStats.Lengths.of(new int[] {7}));
    assertEquals(new DataStats.Lengths(0, 0, 0, 0), DataStats.Lengths.of(new int[0]));
    assertEquals(3, DataStats.tokens("  a  b\tc \n"));
    assertEquals(0, DataStats.tokens(""));
  }

  @Test
  void rubyTestStatsMatchASecondComputation() throws IOException {
    DataStats s = DataStats.compute(TestData.RUBY_TEST, null, ReadOptions.defaults());
    assertEquals(1261, s.examples());
    assertEquals(Map.of("ruby", 1261L), s.languages());
    assertEquals(ReadMode.PAIRS, s.mode());
    // second computation: Jackson tree per line, token arrays joined then split with a regex, sorted list
    ObjectMapper m = new ObjectMapper();
    List<Integer> q = new ArrayList<>();
    List<Integer> c = new ArrayList<>();
    for (String line : TestData.lines(TestData.RUBY_TEST)) {
      JsonNode n = m.readTree(line);
      q.add(words(n.get("docstring_tokens")));
      c.add(words(n.get("code_tokens")));
    }
    assertEquals(percentiles(q), s.queryTokens());
    assertEquals(percentiles(c), s.codeTokens());
    assertEquals(0, s.duplicateCode());
    String first = s.render(ReadOptions.defaults()).lines().findFirst().orElseThrow();
    assertEquals(TestData.RUBY_TEST + ": 1261 examples", first);
  }

  @Test
  void poolStatsAreCodebaseAndCountDuplicates() {
    DataStats pool = DataStats.compute(TestData.COSQA_POOL, null, ReadOptions.defaults());
    assertEquals(6267, pool.examples());
    assertEquals(ReadMode.CODEBASE, pool.mode());
    assertNull(pool.queryTokens());
    DataStats dev = DataStats.compute(TestData.COSQA_DEV, null, ReadOptions.defaults());
    assertEquals(500, dev.examples());
    // 500 queries over 478 distinct gold codes: 22 repeat an earlier query's code
    assertEquals(500 - distinctGold(), dev.duplicateCode());
  }

  private static long distinctGold() {
    return ExampleReader.readAll(TestData.COSQA_DEV, ReadMode.QUERIES, ReadOptions.defaults()).stream()
        .map(Example::url).distinct().count();
  }

  private static int words(JsonNode tokens) {
    StringBuilder sb = new StringBuilder();
    tokens.forEach(t -> sb.append(t.asText()).append(' '));
    String s = sb.toString().trim();
    return s.isEmpty() ? 0 : s.split("\\s+").length;
  }

  private static DataStats.Lengths percentiles(List<Integer> values) {
    List<Integer> v = new ArrayList<>(values);
    v.sort(null);
    int n = v.size();
    return new DataStats.Lengths(v.get((n * 50 + 99) / 100 - 1), v.get((n * 90 + 99) / 100 - 1),
        v.get((n * 99 + 99) / 100 - 1), v.get(n - 1));
  }
}
