package dev.softinfonce.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assertions;
import picocli.CommandLine;

/** Runs the CLI in-process and captures what it prints, for command tests. */
public final class CliTestSupport {
  /** What one CLI run returned and printed. */
  public record Run(int exitCode, String out, String err) {}

  private CliTestSupport() {}

  public static synchronized Run run(String... args) {
    PrintStream oldOut = System.out;
    ByteArrayOutputStream sysOut = new ByteArrayOutputStream();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    try {
      System.setOut(new PrintStream(sysOut, true, StandardCharsets.UTF_8));
      CommandLine cl = Main.commandLine();
      cl.setOut(new PrintWriter(out, true));
      cl.setErr(new PrintWriter(err, true));
      int code = cl.execute(args);
      System.out.flush();
      return new Run(code, sysOut.toString(StandardCharsets.UTF_8) + out, err.toString());
    } finally {
      System.setOut(oldOut);
    }
  }

  /**
   * Runs the CLI under a preemptive {@code bound} and checks exit code 2 and exactly one non-blank line on
   * stderr, which must contain a match of {@code pattern}; returns the run.
   */
  public static Run assertOneLineError(Duration bound, String pattern, String... args) {
    Run r = Assertions.assertTimeoutPreemptively(bound, () -> run(args), String.join(" ", args));
    Assertions.assertEquals(2, r.exitCode(), "exit code of " + String.join(" ", args) + "; stderr: " + r.err());
    List<String> errLines = r.err().lines().filter(l -> !l.isBlank()).toList();
    Assertions.assertEquals(1, errLines.size(), "one line on stderr: " + r.err());
    Assertions.assertTrue(Pattern.compile(pattern).matcher(errLines.get(0)).find(),
        "stderr '" + errLines.get(0) + "' does not match " + pattern);
    return r;
  }
}
