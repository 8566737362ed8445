package dev.softinfonce.javacorpus;

/**
 * A failure of the Java corpus builder caused by its inputs (an unknown Maven artifact, a checksum
 * mismatch, a missing source folder, a conflicting split assignment). The message names the artifact,
 * file or option so the command line can print it as one line.
 */
public class CorpusBuildException extends RuntimeException {
  public CorpusBuildException(String message) {
    super(message);
  }

  public CorpusBuildException(String message, Throwable cause) {
    super(message, cause);
  }
}
