package dev.softinfonce.data;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/** Opens data files: a name ending in {@code .gz} is read through gzip, so {@code x.jsonl.gz} works wherever {@code x.jsonl} does. */
public final class DataFiles {
  private DataFiles() {}

  /**
   * The file's bytes, decompressed when its name ends in {@code .gz}. Text is decoded line by line by
   * {@link Utf8Lines}, so invalid UTF-8 is a {@code file:line} error.
   *
   * @throws FileSystemException "is a directory" when {@code file} is a folder (the JDK would open it and
   *     fail on the first read, naming nothing)
   */
  public static InputStream open(Path file) throws IOException {
    if (Files.isDirectory(file)) {
      throw new FileSystemException(file.toString(), null, "is a directory, not a data file");
    }
    InputStream in = Files.newInputStream(file);
    return isGzip(file) ? new GZIPInputStream(in, 1 << 16) : in;
  }

  /** {@code dir/name}, or {@code dir/name.gz} when only that exists. */
  public static Path plainOrGzip(Path dir, String name) {
    Path plain = dir.resolve(name);
    Path gz = dir.resolve(name + ".gz");
    return !Files.exists(plain) && Files.exists(gz) ? gz : plain;
  }

  static boolean isGzip(Path file) {
    return file.getFileName().toString().endsWith(".gz");
  }
}
