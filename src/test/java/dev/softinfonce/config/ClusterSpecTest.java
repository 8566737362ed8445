package dev.softinfonce.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The one parser of a cluster: train.cluster, SOFTINFONCE_CLUSTER (list or JSON), TF_CONFIG, in that order. */
class ClusterSpecTest {
  @Test
  void trainClusterWinsOverTheEnvironment() {
    ClusterSpec s = ClusterSpec.resolve(List.of("a:1", "b:2"), Map.of(ClusterSpec.ENV, "c:3,d:4"));
    assertEquals(List.of("a:1", "b:2"), s.workers());
    assertEquals("grpc://a:1", s.chiefTarget());
    assertEquals("/job:worker/replica:0/task:1", ClusterSpec.device(1));
  }

  @Test
  void environmentListThenTfConfigJson() {
    assertEquals(List.of("c:3", "d:4"), ClusterSpec.resolve(List.of(), Map.of(ClusterSpec.ENV, " c:3, d:4 ")).workers());
    ClusterSpec j = ClusterSpec.resolve(List.of(), Map.of(ClusterSpec.TF_CONFIG,
        "{\"cluster\": {\"worker\": [\"h0:2222\", \"h1:2222\", \"h2:2222\"]}, \"task\": {\"type\": \"worker\", \"index\": 2}}"));
    assertEquals(3, j.size());
    assertEquals(2, j.task());
    assertFalse(ClusterSpec.resolve(null, Map.of()).distributed());
    assertNull(ClusterSpec.parse("x:1", "t").task());
  }

  @Test
  void badInputNamesItsSource() {
    ConfigException e = assertThrows(ConfigException.class, () -> ClusterSpec.resolve(List.of("a:1", "nohost"), Map.of()));
    assertEquals("train.cluster[1]: \"nohost\" is not host:port", e.getMessage());
    e = assertThrows(ConfigException.class, () -> ClusterSpec.parse("a:1,a:1", ClusterSpec.ENV));
    assertTrue(e.getMessage().startsWith("SOFTINFONCE_CLUSTER: the same host:port is listed twice"), e.getMessage());
    e = assertThrows(ConfigException.class, () -> ClusterSpec.parse("{\"cluster\": {\"ps\": [\"a:1\"]}}", "TF_CONFIG"));
    assertTrue(e.getMessage().startsWith("TF_CONFIG: cluster.worker must be"), e.getMessage());
    e = assertThrows(ConfigException.class, () -> ClusterSpec.parse(
        "{\"cluster\": {\"worker\": [\"a:1\"]}, \"task\": {\"type\": \"worker\", \"index\": 3}}", "TF_CONFIG"));
    assertTrue(e.getMessage().contains("task 3 is not in the cluster of 1 workers"), e.getMessage());
    e = assertThrows(ConfigException.class, () -> ClusterSpec.parse("{nope", "TF_CONFIG"));
    assertTrue(e.getMessage().startsWith("TF_CONFIG: not valid JSON"), e.getMessage());
  }
}
