package dev.softinfonce.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class BuildJavaCommandTest {
  @TempDir Path dir;

  private static final String SOURCE = """
      package p;

      class A {
        /** Returns the answer to the question. */
        int answer() {
          return 42;
        }
      }
      """;

  private int run(StringWriter err, String... args) {
    CommandLine cl = new CommandLine(new BuildJavaCommand());
    cl.setExecutionExceptionHandler(new ErrorHandler());
    cl.setErr(new PrintWriter(err, true));
    return cl.execute(args);
  }

  @Test
  void buildsFromLocalSourcesWithSplitsByLibrary() throws IOException {
    Path train = dir.resolve("train-src");
    Files.createDirectories(train.resolve("p"));
    Files.writeString(train.resolve("p/A.java"), SOURCE);
    Path test = dir.resolve("other.zip");
    try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(test))) {
      zip.putNextEntry(new ZipEntry("q/A.java"));
      zip.write(SOURCE.replace("package p;", "package q;").replace("42", "43").getBytes(StandardCharsets.UTF_8));
    }
    Path out = dir.resolve("out");
    int code = run(new StringWriter(), "--sources", train.toString(), "--test", test.toString(), "--out", out.toString());
    assertEquals(0, code);
    assertEquals(1, Files.readAllLines(out.resolve("train.jsonl")).size());
    assertTrue(Files.readString(out.resolve("train.jsonl")).contains("\"url\":\"sources:train-src!p/A.java#L5\""));
    assertEquals(0, Files.readAllLines(out.resolve("valid.jsonl")).size());
    assertTrue(Files.readString(out.resolve("test.jsonl")).contains("\"url\":\"sources:other.zip!q/A.java#L5\""));
    assertTrue(Files.exists(out.resolve("manifest.json")));
  }

  @Test
  void userErrorsAreOneLineWithExitCode2() {
    StringWriter err = new StringWriter();
    int code = run(err, "--sources", dir.resolve("nope").toString(), "--out", dir.resolve("o").toString());
    assertEquals(2, code);
    assertEquals("error: --sources " + dir.resolve("nope") + ": no such file or folder", err.toString().strip());
    StringWriter err2 = new StringWriter();
    assertEquals(2, run(err2, "--maven", "just-a-name", "--out", dir.resolve("o").toString()));
    assertTrue(err2.toString().contains("bad Maven coordinate 'just-a-name'"), err2.toString());
  }
}
