package dev.softinfonce.cli;

import static org.junit.jupiter.api.Assertions.*;

import dev.softinfonce.export.TinyCheckpoints;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** export → index → search through the command line, and the one-line errors (exit 2) of each command. */
class ExportSearchCommandsTest {
  @TempDir Path tmp;

  @Test
  void evalGivesTheSameMrrOnACheckpointAndOnItsSavedModel() throws Exception {
    Path ckpt = TinyCheckpoints.write(tmp.resolve("ckpt"), TinyCheckpoints.Layout.TRAINER, TinyCheckpoints.config(), 3L);
    Path base = tmp.resolve("savedmodels/tiny");
    assertEquals(0, CliTestSupport.run("export", "--checkpoint", ckpt.toString(), "--out", base.toString()).exitCode());
    List<String> lines = new java.util.ArrayList<>();
    for (int i = 0; i < 40; i++) {
      lines.add("{\"url\": \"u" + i + "\", \"docstring_tokens\": [\"get\", \"value\", \"" + i
          + "\"], \"code_tokens\": [\"int\", \"get" + i + "\", \"(\", \")\", \"{\", \"return\", \"" + i
          + "\", \";\", \"}\"]}");
    }
    Path q = Files.write(tmp.resolve("q.jsonl"), lines);
    var onCkpt = CliTestSupport.run("eval", "--model", ckpt.toString(), "--queries", q.toString());
    var onSaved = CliTestSupport.run("eval", "--model", base.resolve("1").toString(), "--queries", q.toString(),
        "--out", tmp.resolve("ranks.json").toString());
    assertEquals(0, onCkpt.exitCode(), onCkpt.err());
    assertEquals(0, onSaved.exitCode(), onSaved.err());
    String last1 = onCkpt.out().strip().lines().reduce((a, b) -> b).orElseThrow();
    String last2 = onSaved.out().strip().lines().reduce((a, b) -> b).orElseThrow();
    assertTrue(last1.matches("mrr=\\d\\.\\d{4}"), onCkpt.out());
    assertEquals(last1, last2, "checkpoint and SavedModel rank alike");
    assertTrue(Files.size(tmp.resolve("ranks.json")) > 0);
  }

  @Test
  void exportIndexSearchOnTheRubySample() throws Exception {
    Path ckpt = TinyCheckpoints.write(tmp.resolve("ckpt"), TinyCheckpoints.Layout.TRAINER, TinyCheckpoints.config(), 2L);
    Path base = tmp.resolve("savedmodels/tiny");
    var ex = CliTestSupport.run("export", "--checkpoint", ckpt.toString(), "--out", base.toString());
    assertEquals(0, ex.exitCode(), ex.err());
    assertTrue(ex.out().contains("exported " + ckpt + " -> " + base.resolve("1")), ex.out());
    assertTrue(Files.isRegularFile(base.resolve("1/saved_model.pb")));

    Path ruby = dev.softinfonce.data.TestData.RUBY_TEST;
    Path pool;
    if (Files.isRegularFile(ruby)) { // the first 200 records of the real sample
      pool = Files.write(tmp.resolve("pool.jsonl"), Files.readAllLines(ruby).subList(0, 200));
    } else {
      pool = Files.write(tmp.resolve("pool.jsonl"), List.of(
          "{\"url\": \"u1\", \"code\": \"def a\\n  1\\nend\", \"code_tokens\": [\"def\", \"a\", \"1\", \"end\"]}",
          "{\"url\": \"u2\", \"code\": \"def b\\n  2\\nend\", \"code_tokens\": [\"def\", \"b\", \"2\", \"end\"]}"));
    }
    int n = (int) Files.lines(pool).count();
    Path idx = tmp.resolve("ruby.idx");
    var in = CliTestSupport.run("index", "--model", base.resolve("1").toString(), "--codebase", pool.toString(),
        "--out", idx.toString(), "--batch-size", "16");
    assertEquals(0, in.exitCode(), in.err());
    assertTrue(in.out().contains("indexed " + n + " entries"), in.out());

    var s = CliTestSupport.run("search", "--index", idx.toString(), "--top", "3", "read", "a", "file");
    assertEquals(0, s.exitCode(), s.err());
    List<String> ranks = s.out().lines().filter(l -> l.matches("\\s+\\d+\\s+-?\\d+\\.\\d+\\s+\\S+")).toList();
    assertEquals(3, ranks.size(), s.out());
    assertTrue(ranks.get(0).trim().startsWith("1 "), s.out());
    double s1 = Double.parseDouble(ranks.get(0).trim().split("\\s+")[1]);
    double s3 = Double.parseDouble(ranks.get(2).trim().split("\\s+")[1]);
    assertTrue(s1 >= s3, "ranked by score: " + s.out());

    var help = CliTestSupport.run("export", "--help");
    assertEquals(0, help.exitCode());
    assertTrue(help.out().contains("--version=N") && help.out().contains("--checkpoint=DIR"), help.out());

    // errors: one line, exit 2
    var empty = CliTestSupport.run("search", "--index", idx.toString(), " ");
    assertEquals(2, empty.exitCode());
    assertTrue(empty.err().startsWith("error: empty query"), empty.err());
    Path junk = Files.writeString(tmp.resolve("junk.idx"), "hello");
    var bad = CliTestSupport.run("search", "--index", junk.toString(), "x");
    assertEquals(2, bad.exitCode());
    assertTrue(bad.err().contains(junk + ": not a softinfonce index"), bad.err());
    var serveBad = CliTestSupport.run("serve", "--index", junk.toString(), "--port", "0");
    assertEquals(2, serveBad.exitCode());
    assertTrue(serveBad.err().contains(junk + ": not a softinfonce index"), serveBad.err());
    Path nowhere = tmp.resolve("no-such-codebase.jsonl");
    var noPool = CliTestSupport.run("index", "--model", base.toString(), "--codebase", nowhere.toString(),
        "--out", tmp.resolve("y.idx").toString());
    assertEquals(2, noPool.exitCode(), noPool.err());
    assertTrue(noPool.err().contains(nowhere.toString()), noPool.err());
    var noModel = CliTestSupport.run("index", "--model", tmp.toString(), "--codebase", pool.toString(),
        "--out", tmp.resolve("x.idx").toString());
    assertEquals(2, noModel.exitCode());
    assertTrue(noModel.err().contains(tmp + ": not a SavedModel"), noModel.err());
    var again = CliTestSupport.run("export", "--checkpoint", ckpt.toString(), "--out", base.toString(), "--version", "1");
    assertEquals(2, again.exitCode());
    assertTrue(again.err().contains("already exists"), again.err());
    var noCkpt = CliTestSupport.run("export", "--checkpoint", tmp.resolve("none").toString(), "--out", base.toString());
    assertEquals(2, noCkpt.exitCode());
    assertTrue(noCkpt.err().contains("no such folder"), noCkpt.err());
    assertEquals(1, err(noCkpt).size(), "one line");
  }

  private static List<String> err(CliTestSupport.Run r) {
    return r.err().lines().filter(l -> !l.isBlank()).toList();
  }
}
