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
  void tensorFlowsResourceExhaustedIsOutOfMemoryOrADiskFullAsItsMessageSays() {
    // TF maps ENOSPC to RESOURCE_EXHAUSTED: the message (measured on a full tmpfs) names the file
    String disk = "/r/.tmp-checkpoint-4-1/variables.data-00000-of-00001.tempstate51; No space left on device";
    assertEquals(disk + " (the disk is full)",
        ErrorHandler.userMessage(new org.tensorflow.exceptions.TFResourceExhaustedException(disk + "\nHint: If you"
            + " want to see a list of allocated tensors when OOM happens, add report_tensor_allocations_upon_oom")));
    assertTrue(ErrorHandler.userMessage(new org.tensorflow.exceptions.TFResourceExhaustedException(
        "OOM when allocating tensor with shape[64,8,256,256]")).startsWith("TensorFlow ran out of memory: OOM when"));
    // in a training step both kinds of out-of-memory become the batch's message; a full disk does not
    assertTrue(dev.softinfonce.train.BatchOutOfMemoryException.isOutOfMemory(
        new org.tensorflow.exceptions.TFResourceExhaustedException("OOM when allocating tensor")));
    assertTrue(dev.softinfonce.train.BatchOutOfMemoryException.isOutOfMemory(new OutOfMemoryError("Java heap space")));
    assertTrue(!dev.softinfonce.train.BatchOutOfMemoryException.isOutOfMemory(
        new org.tensorflow.exceptions.TFResourceExhaustedException(disk)));
    var oom = dev.softinfonce.train.BatchOutOfMemoryException.of(dev.softinfonce.config.ExperimentConfig.defaults(), 3,
        new org.tensorflow.exceptions.TFResourceExhaustedException("OOM when allocating tensor\n\t [[{{node x}}]]"));
    assertEquals("out of memory in training step 3 with train.batch_size 32, model.max_query_length 32 and"
        + " model.max_code_length 96: TensorFlow could not allocate memory (OOM when allocating tensor); use a"
        + " smaller train.batch_size or shorter maximum lengths, or set train.grad_cache.chunk_size to encode the"
        + " batch in chunks", ErrorHandler.userMessage(new RuntimeException(oom)));
  }

  @Test
  void everyUserFacingTypeTheHandlerListsExists() {
    for (String name : ErrorHandler.userFacingTypes()) {
      assertTrue(Files.isRegularFile(Path.of("src/main/java/" + name.replace('.', '/') + ".java")), name);
    }
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
