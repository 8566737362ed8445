package dev.softinfonce.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class DataCommandTest {
  private static final Path SHARED = dev.softinfonce.data.TestData.SHARED;
  private static final Path RUBY_TEST = dev.softinfonce.data.TestData.RUBY_TEST;
  private static final Path COSQA = SHARED.resolve("cosqa");

  @TempDir Path tmp;

  private record Run(int code, String out, String err) {}

  private static Run run(String... args) {
    PrintStream old = System.out;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    StringWriter err = new StringWriter();
    try {
      System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
      CommandLine cl = Main.commandLine();
      cl.setErr(new PrintWriter(err, true));
      int code = cl.execute(args);
      return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString());
    } finally {
      System.setOut(old);
    }
  }

  @Test
  void statsOfTheRubyTestSplit() {
    Run r = run("data", "stats", RUBY_TEST.toString());
    assertEquals(0, r.code(), r.err());
    List<String> lines = r.out().lines().toList();
    assertEquals(RUBY_TEST + ": 1261 examples", lines.get(0));
    assertTrue(r.out().contains("languages: ruby 1261"), r.out());
    assertTrue(r.out().contains("query tokens: p50 "), r.out());
    assertTrue(r.out().contains("skipped bad records: 0"), r.out());
  }

  @Test
  void brokenLineFailsWithExitTwoAndSkipsOnRequest() throws IOException {
    List<String> lines = new ArrayList<>(Files.readAllLines(RUBY_TEST));
    lines.set(16, lines.get(16).substring(0, lines.get(16).length() / 2));
    Path broken = tmp.resolve("test.jsonl");
    Files.write(broken, lines);

    Run fail = run("data", "stats", broken.toString());
    assertEquals(2, fail.code());
    assertTrue(fail.err().startsWith("error: " + broken + ":17: malformed JSON"), fail.err());

    for (String[] flag : new String[][] {{"--set", "data.on_bad_record=skip"}, {"--skip-bad"}}) {
      List<String> args = new ArrayList<>(List.of("data", "stats", broken.toString()));
      args.addAll(List.of(flag));
      Run skip = run(args.toArray(new String[0]));
      assertEquals(0, skip.code(), skip.err());
      assertEquals(broken + ": 1260 examples", skip.out().lines().findFirst().orElseThrow());
      assertTrue(skip.out().contains("skipped bad records: 1\n    " + broken + ":17: malformed JSON"), skip.out());
    }
  }

  @Test
  void configFileAppliesAndSeveralFilesAreReported() throws IOException {
    Path cfg = tmp.resolve("c.yaml");
    Files.writeString(cfg, "data:\n  code_field: code\n");
    Run r = run("data", "stats", "--config", cfg.toString(), COSQA.resolve("cosqa-retrieval-dev-500.json").toString(),
        COSQA.resolve("code_idx_map.txt").toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("cosqa-retrieval-dev-500.json: 500 examples\n"), r.out());
    assertTrue(r.out().contains("code from code\n"), r.out());
    assertTrue(r.out().contains("code_idx_map.txt: 6267 examples\n"), r.out());
  }

  @Test
  void userErrorsAreOneLine() {
    Run missing = run("data", "stats", tmp.resolve("nope.jsonl").toString());
    assertEquals(2, missing.code());
    assertTrue(missing.err().contains("nope.jsonl: no such file"), missing.err());
    Run badKey = run("data", "stats", "--set", "data.on_bad_recrd=skip", RUBY_TEST.toString());
    assertEquals(2, badKey.code());
    Run badMode = run("data", "stats", "--mode", "pool", RUBY_TEST.toString());
    assertEquals(2, badMode.code());
    assertTrue(badMode.err().contains("--mode"), badMode.err());
  }
}
