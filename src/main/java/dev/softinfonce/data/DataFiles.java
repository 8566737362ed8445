package dev.softinfonce.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/** Opens data files: a name ending in {@code .gz} is read through gzip, so {@code x.jsonl.gz} works wherever {@code x.jsonl} does. */
public final class DataFiles {
  private DataFiles() {}

  /** The file's bytes, decompressed when its name ends in {@code .gz}. */
  public static InputStream open(Path file) throws IOException {
    InputStream in = Files.newInputStream(file);
    return isGzip(file) ? new GZIPInputStream(in, 1 << 16) : in;
  }

  /** The file as UTF-8 text, decompressed when its name ends in {@code .gz}. */
  public static BufferedReader reader(Path file) throws IOException {
    return new BufferedReader(new InputStreamReader(open(file), StandardCharsets.UTF_8), 1 << 16);
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
