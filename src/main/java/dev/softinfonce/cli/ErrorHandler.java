package dev.softinfonce.cli;

import dev.softinfonce.config.ConfigException;
import java.io.UncheckedIOException;
import picocli.CommandLine;

/**
 * Turns user-facing failures (bad config, bad input data, missing files) into one clear line on
 * stderr and exit code 2, instead of a stack trace. Anything else is a bug and keeps its trace.
 */
final class ErrorHandler implements CommandLine.IExecutionExceptionHandler {
  @Override
  public int handleExecutionException(Exception e, CommandLine cl, CommandLine.ParseResult parsed) {
    if (isUserError(e)) {
      cl.getErr().println("error: " + e.getMessage());
      return 2;
    }
    throw new RuntimeException(e);
  }

  static boolean isUserError(Throwable e) {
    return e instanceof ConfigException
        || e instanceof UserException
        || e instanceof UncheckedIOException
        || e instanceof java.nio.file.NoSuchFileException
        || e instanceof dev.softinfonce.data.DataFormatException
        || e instanceof dev.softinfonce.train.TrainingDivergedException
        || e instanceof IllegalArgumentException; // library input checks name the file, key or field
  }
}
