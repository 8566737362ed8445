package dev.softinfonce.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The machine-readable training log: one JSON object per line in {@code <run>/metrics.jsonl}, written
 * and flushed line by line so that a killed run loses nothing already logged.
 *
 * <pre>{"step":100,"epoch":0,"loss":2.31,"lr":0.0005,"pairs_per_s":143.2,"grad_norm":1.7}</pre>
 *
 * Non-finite values are written as JSON strings ({@code "NaN"}, {@code "Infinity"}) so each line stays
 * valid JSON. On resume, {@link #open(Path, long)} first drops lines with a step above the checkpoint's,
 * which the interrupted run logged after its last checkpoint and the resumed run will log again.
 */
public final class MetricsLog implements AutoCloseable {
  public static final String FILE = "metrics.jsonl";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path file;
  private final BufferedWriter out;

  private MetricsLog(Path file) throws IOException {
    this.file = file;
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    this.out = new BufferedWriter(new java.io.OutputStreamWriter(dev.softinfonce.files.Outputs.open(file,
        StandardOpenOption.CREATE, StandardOpenOption.APPEND), StandardCharsets.UTF_8));
  }

  /** Appends to {@code <runDir>/metrics.jsonl} (created if missing). */
  public static MetricsLog open(Path runDir) {
    return open(runDir, Long.MAX_VALUE);
  }

  /** Like {@link #open(Path)}, after removing lines whose {@code step} exceeds {@code resumedStep}. */
  public static MetricsLog open(Path runDir, long resumedStep) {
    Path f = runDir.resolve(FILE);
    try {
      if (resumedStep != Long.MAX_VALUE && Files.exists(f)) {
        truncateAfter(f, resumedStep);
      }
      return new MetricsLog(f);
    } catch (IOException e) {
      throw dev.softinfonce.files.IoErrors.unchecked("cannot open metrics log", f, e);
    }
  }

  public Path file() {
    return file;
  }

  /** The usual training line: step, epoch, loss, lr, pairs/s, then {@code extra} in its order. */
  public void log(long step, int epoch, double loss, double lr, double pairsPerSecond, Map<String, ?> extra) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("step", step);
    m.put("epoch", epoch);
    m.put("loss", loss);
    m.put("lr", lr);
    m.put("pairs_per_s", pairsPerSecond);
    if (extra != null) {
      m.putAll(extra);
    }
    log(m);
  }

  /** Any record (should contain {@code step}); numbers, strings, booleans, nested maps/lists. */
  public synchronized void log(Map<String, ?> record) {
    Map<String, Object> safe = new LinkedHashMap<>();
    record.forEach((k, v) -> safe.put(k, finiteOrString(v)));
    try {
      out.write(JSON.writeValueAsString(safe));
      out.write('\n');
      out.flush();
    } catch (IOException e) {
      throw dev.softinfonce.files.IoErrors.unchecked("cannot append to", file, e);
    }
  }

  /** All records of a metrics file, in order (for tests, plots, the experiment table). */
  public static List<Map<String, Object>> read(Path file) {
    List<Map<String, Object>> out = new ArrayList<>();
    try {
      int line = 0;
      for (String s : Files.readAllLines(file, StandardCharsets.UTF_8)) {
        line++;
        if (s.isBlank()) {
          continue;
        }
        try {
          @SuppressWarnings("unchecked")
          Map<String, Object> m = JSON.readValue(s, LinkedHashMap.class);
          out.add(m);
        } catch (IOException e) {
          throw new IllegalArgumentException(file + ":" + line + ": not a JSON object: " + e.getMessage(), e);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
    }
    return out;
  }

  @Override
  public synchronized void close() {
    try {
      out.close();
    } catch (IOException e) {
      throw dev.softinfonce.files.IoErrors.unchecked("cannot close", file, e);
    }
  }

  private static Object finiteOrString(Object v) {
    if (v instanceof Double d && !Double.isFinite(d)) {
      return d.toString();
    }
    if (v instanceof Float f && !Float.isFinite(f)) {
      return f.toString();
    }
    return v;
  }

  private static void truncateAfter(Path f, long step) throws IOException {
    List<String> keep = new ArrayList<>();
    for (String s : Files.readAllLines(f, StandardCharsets.UTF_8)) {
      if (s.isBlank()) {
        continue;
      }
      JsonNode n;
      try {
        n = JSON.readTree(s);
      } catch (IOException e) {
        continue; // a line torn by kill -9 mid-write
      }
      if (!n.has("step") || n.get("step").asLong() <= step) {
        keep.add(s);
      }
    }
    Path tmp = f.resolveSibling(f.getFileName() + ".tmp");
    Files.write(tmp, keep, StandardCharsets.UTF_8);
    Files.move(tmp, f, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }
}
