package dev.softinfonce.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The one error path: which failures are one line (exit 2) and what the line says; --verbose adds the trace. */
class ErrorHandlerTest {
  @TempDir Path dir;

  @Test
  void fileSystemFailuresNameTheFileAndTheCause() {
    assertEquals("/x/y: no such file or folder", ErrorHandler.userMessage(new NoSuchFileException("/x/y")));
    assertEquals("/x/y: permission denied", ErrorHandler.userMessage(new RuntimeException(new AccessDeniedException("/x/y"))));
    assertEquals("/runs/a/metrics.jsonl: No space left on device (the disk is full)",
        ErrorHandler.userMessage(new FileSystemException("/runs/a/metrics.jsonl", null, "No space left on device")));
    assertEquals("cannot write checkpoint /r/checkpoint-4: No space left on device (the disk is full)",
        ErrorHandler.userMessage(new UncheckedIOException("cannot write checkpoint /r/checkpoint-4: No space left on device",
            new IOException("No space left on device"))));
  }

  @Test
  void outOfMemoryIsOneLineAndBugsAreNot() {
    String m = ErrorHandler.userMessage(new RuntimeException(new OutOfMemoryError("Java heap space")));
    assertTrue(m.startsWith("out of memory (Java heap space)"), m);
    assertNull(ErrorHandler.userMessage(new NullPointerException("bug")));
    assertNull(ErrorHandler.userMessage(new IllegalStateException("bug")));
  }

  @Test
  void tensorFlowNodeTracesAreDroppedFromTheLine() {
    assertEquals("a; b", ErrorHandler.oneLine("a\n\t [[{{node save/Restore}}]]\nb\n"));
  }

  @Test
  void verboseAddsTheStackTraceToAUserError() throws IOException {
    Path missing = dir.resolve("missing.index");
    CliTestSupport.Run quiet = CliTestSupport.run("search", "--index", missing.toString(), "q");
    assertEquals(2, quiet.exitCode());
    assertEquals(1, quiet.err().lines().count(), quiet.err());
    CliTestSupport.Run verbose = CliTestSupport.run("search", "--verbose", "--index", missing.toString(), "q");
    assertEquals(2, verbose.exitCode());
    assertTrue(verbose.err().startsWith("error: " + missing + ": no such index file"), verbose.err());
    assertTrue(verbose.err().contains("\tat dev.softinfonce."), verbose.err());
    Files.createDirectories(dir.resolve("a-folder"));
    CliTestSupport.Run folder = CliTestSupport.run("search", "--index", dir.resolve("a-folder").toString(), "q");
    assertEquals("error: " + dir.resolve("a-folder") + ": is a folder, not an index file", folder.err().strip());
  }
}
