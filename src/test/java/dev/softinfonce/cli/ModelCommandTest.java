package dev.softinfonce.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** User errors of {@code model import} are one line and exit code 2, naming the file. */
class ModelCommandTest {
  @TempDir Path tmp;

  private int run(StringWriter err, String... args) {
    var cl = Main.commandLine();
    cl.setErr(new PrintWriter(err));
    return cl.execute(args);
  }

  @Test
  void missingFileIsAUserError() {
    StringWriter err = new StringWriter();
    int rc = run(err, "model", "import", "--onnx", tmp.resolve("nope.onnx").toString(), "--out", tmp.toString());
    assertEquals(2, rc);
    assertTrue(err.toString().contains("nope.onnx: no such file"), err.toString());
  }

  @Test
  void notAnOnnxFileIsAUserError() throws Exception {
    Path bogus = Files.writeString(tmp.resolve("bogus.onnx"), "this is not protobuf \u0000\u0001\u0002 at all");
    StringWriter err = new StringWriter();
    int rc = run(err, "model", "import", "--onnx", bogus.toString(), "--out", tmp.resolve("out").toString());
    assertEquals(2, rc);
    assertTrue(err.toString().startsWith("error: " + bogus), err.toString());
    assertEquals(1, err.toString().strip().lines().count(), err.toString());
  }

  @Test
  void badSafetensorsIsAUserError() throws Exception {
    Path bogus = Files.writeString(tmp.resolve("w.safetensors"), "xxxxxxxxxxxxxxxx");
    StringWriter err = new StringWriter();
    int rc = run(err, "model", "import", "--safetensors", bogus.toString(), "--out", tmp.resolve("out").toString());
    assertEquals(2, rc);
    assertTrue(err.toString().contains(bogus.toString()), err.toString());
  }
}
