package dev.softinfonce.files;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;

/**
 * Where our own writers (manifests, index files, the metrics log) open a file: a failed write, flush or
 * close names the file ({@code FILE: No space left on device}: the JDK's exception says nothing of where).
 *
 * <p>Also the test seam for a full disk: with {@code -Dsoftinfonce.test.diskFull=NAME}, every write to a
 * file whose name contains {@code NAME} fails exactly as a full disk fails a Java write,
 * {@code IOException("No space left on device")}. TensorFlow's own writers (checkpoint variables, event
 * files) go through {@link #checkDiskFull} before each write op, and fail the same way.
 */
public final class Outputs {
  /** The system property of the full-disk test seam. */
  public static final String DISK_FULL_PROPERTY = "softinfonce.test.diskFull";

  private Outputs() {}

  /** {@link Files#newOutputStream} whose failures name {@code file}. */
  public static OutputStream open(Path file, OpenOption... options) throws IOException {
    checkDiskFull(file);
    OutputStream os = Files.newOutputStream(file, options);
    return new FilterOutputStream(os) {
      @Override
      public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
      }

      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        try {
          checkDiskFull(file);
          out.write(b, off, len);
        } catch (IOException e) {
          throw IoErrors.naming(file, e);
        }
      }

      @Override
      public void flush() throws IOException {
        try {
          out.flush();
        } catch (IOException e) {
          throw IoErrors.naming(file, e);
        }
      }

      @Override
      public void close() throws IOException {
        try {
          out.close();
        } catch (IOException e) {
          throw IoErrors.naming(file, e);
        }
      }
    };
  }

  /** Writes {@code bytes} to {@code file} (created or replaced); a failure names the file. */
  public static void write(Path file, byte[] bytes) throws IOException {
    try (OutputStream os = open(file)) {
      os.write(bytes);
    }
  }

  /** The full-disk test seam: throws what a full disk throws when the seam names {@code file}. */
  public static void checkDiskFull(Path file) throws IOException {
    String name = System.getProperty(DISK_FULL_PROPERTY, "");
    Path leaf = file.getFileName();
    if (!name.isEmpty() && leaf != null && leaf.toString().contains(name)) {
      throw IoErrors.naming(file, new IOException(IoErrors.DISK_FULL));
    }
  }
}
