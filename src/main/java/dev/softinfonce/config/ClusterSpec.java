package dev.softinfonce.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The workers of a multi-worker run, task 0 first (the chief, which runs {@code train}; tasks 1..N-1 run
 * {@code softinfonce worker --task K}). The one parser of every way to give it, in this order:
 * {@code train.cluster} (a list of {@code host:port}), the environment variable
 * {@value #ENV} (a comma-separated {@code host:port} list or a TF_CONFIG-style JSON), then
 * {@value #TF_CONFIG} ({@code {"cluster": {"worker": [...]}, "task": {"type": "worker", "index": K}}}).
 * No workers: one machine, no cluster.
 *
 * @param workers {@code host:port} of each task, index = task
 * @param task the task index the JSON names ({@code task.index}), or null
 */
public record ClusterSpec(List<String> workers, Integer task) {
  public static final String ENV = "SOFTINFONCE_CLUSTER";
  public static final String TF_CONFIG = "TF_CONFIG";
  /** The TF job every task belongs to. */
  public static final String JOB = "worker";

  public ClusterSpec {
    workers = List.copyOf(workers);
  }

  /** The cluster of {@code train} ({@code train.cluster}) or, when that is empty, of {@code env}. */
  public static ClusterSpec resolve(List<String> trainCluster, Map<String, String> env) {
    if (trainCluster != null && !trainCluster.isEmpty()) {
      return new ClusterSpec(checked(trainCluster, "train.cluster"), null);
    }
    for (String var : List.of(ENV, TF_CONFIG)) {
      String v = env.get(var);
      if (v != null && !v.isBlank()) {
        return parse(v, var);
      }
    }
    return new ClusterSpec(List.of(), null);
  }

  /** A cluster from text: a JSON object (TF_CONFIG style) or a comma-separated {@code host:port} list. */
  public static ClusterSpec parse(String text, String source) {
    String t = text.strip();
    if (!t.startsWith("{")) {
      List<String> list = new ArrayList<>();
      for (String s : t.split(",")) {
        list.add(s.strip());
      }
      return new ClusterSpec(checked(list, source), null);
    }
    JsonNode root;
    try {
      root = new ObjectMapper().readTree(t);
    } catch (java.io.IOException e) {
      throw new ConfigException(source, source + ": not valid JSON: " + e.getMessage().lines().findFirst().orElse(""));
    }
    JsonNode workers = root.path("cluster").path(JOB);
    if (!workers.isArray() || workers.isEmpty()) {
      throw new ConfigException(source, source + ": cluster." + JOB + " must be a non-empty list of host:port"
          + " (the job is called \"" + JOB + "\"; task 0 is the chief)");
    }
    List<String> list = new ArrayList<>();
    workers.forEach(w -> list.add(w.asText()));
    Integer task = null;
    JsonNode taskNode = root.path("task");
    if (!taskNode.isMissingNode()) {
      if (!JOB.equals(taskNode.path("type").asText(JOB))) {
        throw new ConfigException(source, source + ": task.type must be \"" + JOB + "\", not "
            + taskNode.path("type"));
      }
      if (!taskNode.path("index").canConvertToInt()) {
        throw new ConfigException(source, source + ": task.index must be an integer, not " + taskNode.path("index"));
      }
      task = taskNode.path("index").asInt();
    }
    ClusterSpec spec = new ClusterSpec(checked(list, source + " cluster." + JOB), task);
    if (task != null) {
      spec.checkTask(task, source + " task.index");
    }
    return spec;
  }

  private static List<String> checked(List<String> workers, String source) {
    for (int i = 0; i < workers.size(); i++) {
      String w = workers.get(i);
      int colon = w.lastIndexOf(':');
      boolean ok = colon > 0 && colon < w.length() - 1;
      if (ok) {
        try {
          int port = Integer.parseInt(w.substring(colon + 1));
          ok = port > 0 && port < 65536;
        } catch (NumberFormatException e) {
          ok = false;
        }
      }
      if (!ok) {
        throw new ConfigException(source, source + "[" + i + "]: \"" + w + "\" is not host:port");
      }
    }
    if (workers.stream().distinct().count() != workers.size()) {
      throw new ConfigException(source, source + ": the same host:port is listed twice: " + workers);
    }
    return workers;
  }

  /** Whether a cluster is configured (else: one machine). */
  public boolean distributed() {
    return !workers.isEmpty();
  }

  public int size() {
    return workers.size();
  }

  /** {@code /job:worker/replica:0/task:K}: where task K's ops are placed. */
  public static String device(int task) {
    return "/job:" + JOB + "/replica:0/task:" + task;
  }

  /** The TF target the chief's session runs through: its own server, task 0. */
  public String chiefTarget() {
    return "grpc://" + workers.get(0);
  }

  /** Fails naming {@code source} unless {@code task} is one of the workers. */
  public void checkTask(int task, String source) {
    if (task < 0 || task >= workers.size()) {
      throw new ConfigException(source, source + ": task " + task + " is not in the cluster of " + workers.size()
          + " workers (0.." + (workers.size() - 1) + ")");
    }
  }
}
