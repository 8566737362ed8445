package dev.softinfonce.data;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * The lines of a UTF-8 text file (gzip when its name ends in {@code .gz}), each decoded on its own by a
 * decoder that reports invalid bytes instead of replacing them. An invalid byte is a
 * {@link DataFormatException} naming the file, the line and the byte, after which reading goes on with
 * the next line: {@code data.on_bad_record: skip} skips that line like any other bad record. A UTF-8
 * byte order mark at the start of the file is dropped; line ends are {@code \n} or {@code \r\n}.
 */
final class Utf8Lines implements Closeable {
  private final Path file;
  private final InputStream in;
  private final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
      .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
  private final byte[] chunk = new byte[1 << 16];
  private int chunkPos;
  private int chunkLen;
  private byte[] line = new byte[1024];
  private long lineNo;
  private boolean eof;

  Utf8Lines(Path file) throws IOException {
    this.file = file;
    this.in = DataFiles.open(file);
  }

  /** The 1-based number of the line last returned (or rejected). */
  long lineNumber() {
    return lineNo;
  }

  /**
   * The next line without its line end, or null at the end of the file.
   *
   * @throws DataFormatException when the line is not valid UTF-8 (the reader is then past it)
   */
  String next() throws IOException {
    int len = 0;
    boolean any = false;
    while (true) {
      if (chunkPos == chunkLen) {
        if (eof || (chunkLen = in.read(chunk)) <= 0) {
          eof = true;
          chunkLen = 0;
          chunkPos = 0;
          if (!any) {
            return null;
          }
          break;
        }
        chunkPos = 0;
      }
      any = true;
      int start = chunkPos;
      while (chunkPos < chunkLen && chunk[chunkPos] != '\n') {
        chunkPos++;
      }
      int n = chunkPos - start;
      if (len + n > line.length) {
        line = Arrays.copyOf(line, Math.max(line.length * 2, len + n));
      }
      System.arraycopy(chunk, start, line, len, n);
      len += n;
      if (chunkPos < chunkLen) { // at the '\n'
        chunkPos++;
        break;
      }
    }
    lineNo++;
    if (len > 0 && line[len - 1] == '\r') {
      len--;
    }
    int from = lineNo == 1 && len >= 3 && (line[0] & 0xFF) == 0xEF && (line[1] & 0xFF) == 0xBB
        && (line[2] & 0xFF) == 0xBF ? 3 : 0; // a UTF-8 byte order mark
    return decode(from, len);
  }

  private String decode(int from, int to) {
    ByteBuffer bytes = ByteBuffer.wrap(line, from, to - from);
    CharBuffer chars = CharBuffer.allocate(to - from); // UTF-8 never has more chars than bytes
    decoder.reset();
    CoderResult r = decoder.decode(bytes, chars, true);
    if (!r.isError()) {
      r = decoder.flush(chars);
    }
    if (r.isError()) {
      int at = bytes.position();
      StringBuilder hex = new StringBuilder();
      for (int i = at; i < Math.min(at + Math.max(r.length(), 1), to); i++) {
        hex.append(hex.length() == 0 ? "" : " ").append(String.format("0x%02X", line[i] & 0xFF));
      }
      throw new DataFormatException(file, lineNo, null, "invalid UTF-8 at byte " + (at - from + 1)
          + " of the line (" + hex + "); the file must be UTF-8 text");
    }
    chars.flip();
    return chars.toString();
  }

  @Override
  public void close() throws IOException {
    in.close();
  }
}
