package dev.softinfonce.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
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
}
