package dev.softinfonce.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.softinfonce.text.Tokenizer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code softinfonce tokenizer train} end to end: statistics printed, file loadable, errors exit 2. */
class TokenizerCommandTest {

  static final String RUBY_VALID = dev.softinfonce.data.TestData.RUBY_VALID.toString();

  @Test
  void trainsAndPrintsStatistics(@TempDir Path dir) throws Exception {
    Path out = dir.resolve("sub/tokenizer.json");
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    PrintStream old = System.out;
    int code;
    try {
      System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
      code = Main.commandLine().execute("tokenizer", "train", "--data", RUBY_VALID,
          "--vocab-size", "2000", "--out", out.toString());
    } finally {
      System.setOut(old);
    }
    String printed = buf.toString(StandardCharsets.UTF_8);
    assertEquals(0, code, printed);
    assertTrue(printed.contains(RUBY_VALID + ": 2800 texts"), printed);
    assertTrue(printed.contains("texts read: 2800"), printed);
    assertTrue(printed.contains("vocabulary size: 2000"), printed);
    assertTrue(printed.matches("(?s).*unknown-token rate: \\d+\\.\\d{4}% \\(\\d+ of \\d+ tokens\\).*"), printed);
    try (Tokenizer tok = Tokenizer.load(out, 32)) {
      assertEquals(2000, tok.vocabSize());
      assertEquals(List.of("[CLS]", "def", "each", "_", "with", "_", "index", "[SEP]"), tok.tokens("def each_with_index"));
    }
  }

  @Test
  void badInputExitsTwoWithOneLine(@TempDir Path dir) throws Exception {
    Path bad = Files.writeString(dir.resolve("bad.jsonl"), "{\"url\": \"u\", \"docstring_tokens\": [\"a\"], \"code_tokens\": [\"a\"]}\n"
        + "{\"url\": \"v\", \"docstring_tokens\": [\"b\"], \"code_tokens\": 7}\n");
    StringWriter err = new StringWriter();
    CommandLine cl = Main.commandLine();
    cl.setErr(new PrintWriter(err, true));
    int code = cl.execute("tokenizer", "train", "--data", bad.toString(), "--out", dir.resolve("t.json").toString());
    assertEquals(2, code);
    // Read by the data readers, so the message is theirs: file, line and field.
    String message = err.toString().strip();
    assertTrue(message.startsWith("error: " + bad + ":2: field 'code_tokens'"), message);
  }
}
