package dev.softinfonce.data;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * Streams {@link Example}s from one file, record by record, so memory does not grow with the file.
 *
 * <p>Open with {@link #open(Path, ReadMode, ReadOptions)} (the layout is detected from the content),
 * iterate or {@link #stream()}, then read the {@link #report()}. Bad records throw a
 * {@link DataFormatException} naming file, line and field, or are skipped and counted when
 * {@code data.on_bad_record: skip}. Records with empty query (pairs and queries modes) or empty code
 * are never returned; they are counted in the report.
 *
 * <pre>{@code
 * try (ExampleReader r = ExampleReader.open(path, ReadMode.PAIRS, ReadOptions.from(cfg.data()))) {
 *   r.forEachRemaining(ex -> ...);
 *   System.out.println(r.report());
 * }
 * }</pre>
 */
public abstract class ExampleReader implements Iterator<Example>, AutoCloseable {
  protected final Path file;
  protected final ReadMode mode;
  protected final ReadOptions options;
  private final ReadReport report = new ReadReport();
  private Example next;
  private boolean exhausted;

  protected ExampleReader(Path file, ReadMode mode, ReadOptions options) {
    this.file = file;
    this.mode = mode;
    this.options = options;
  }

  /** Opens {@code file}, detecting its layout with {@link SourceFormat#detect}. */
  public static ExampleReader open(Path file, ReadMode mode, ReadOptions options) {
    return open(file, SourceFormat.detect(file), mode, options);
  }

  /** Opens {@code file} as the given layout. */
  public static ExampleReader open(Path file, SourceFormat format, ReadMode mode, ReadOptions options) {
    try {
      return switch (format) {
        case JSONL -> new CodeSearchNetReader(file, mode, options);
        case COSQA_JSON -> new CosqaReader(file, mode, options);
        case COSQA_CODE_MAP -> new CosqaPoolReader(file, mode, options);
      };
    } catch (IOException e) {
      throw dev.softinfonce.files.IoErrors.unchecked("cannot read", file, e);
    }
  }

  /** Reads a whole file into a list (convenience for small files such as valid/test). */
  public static List<Example> readAll(Path file, ReadMode mode, ReadOptions options) {
    try (ExampleReader r = open(file, mode, options)) {
      return r.toList();
    }
  }

  /** The file being read. */
  public Path file() {
    return file;
  }

  /** Counts so far; complete once {@link #hasNext()} returned false. */
  public ReadReport report() {
    return report;
  }

  @Override
  public final boolean hasNext() {
    while (next == null && !exhausted) {
      try {
        Record r = readRecord();
        if (r == null) {
          exhausted = true;
        } else if (r.example() != null) {
          next = r.example();
        }
      } catch (DataFormatException e) {
        if (!options.skipBad() || !canContinueAfter(e)) {
          throw e;
        }
        report.skip(e);
      } catch (IOException e) {
        throw dev.softinfonce.files.IoErrors.unchecked("cannot read", file, e);
      }
    }
    return next != null;
  }

  @Override
  public final Example next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    Example e = next;
    next = null;
    report.countReturned();
    return e;
  }

  /** The remaining examples as a lazy stream; closing the stream closes the reader. */
  public Stream<Example> stream() {
    Spliterator<Example> s = Spliterators.spliteratorUnknownSize(this,
        Spliterator.ORDERED | Spliterator.NONNULL);
    return StreamSupport.stream(s, false).onClose(this::close);
  }

  /** Reads the remaining examples into a list (does not close). */
  public List<Example> toList() {
    List<Example> out = new ArrayList<>();
    forEachRemaining(out::add);
    return out;
  }

  @Override
  public void close() {
    try {
      closeInput();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The outcome of one record: an example, or null example when it was dropped (and counted). */
  protected record Record(Example example) {
    static final Record DROPPED = new Record(null);
  }

  /**
   * Reads the next record.
   *
   * @return the record, or null at the end of the file
   * @throws DataFormatException for a bad record; the reader must be positioned after it if
   *     {@link #canContinueAfter} says so
   */
  protected abstract Record readRecord() throws IOException;

  /** Whether reading can resume after this error (false when the file's structure is broken). */
  protected boolean canContinueAfter(DataFormatException e) {
    return true;
  }

  protected abstract void closeInput() throws IOException;

  /** Builds the example, or drops and counts it when its query (if needed) or code is empty. */
  protected final Record accept(String url, String query, String code, String language, long line) {
    if (mode.needsQuery() && query.isBlank()) {
      report.countEmptyQuery();
      return Record.DROPPED;
    }
    if (code.isBlank()) {
      report.countEmptyCode();
      return Record.DROPPED;
    }
    return new Record(new Example(url, query, code, language, source(line)));
  }

  /** Drops and counts a CoSQA pair labelled as not matching. */
  protected final Record dropNegativeLabel() {
    report.countNegativeLabel();
    return Record.DROPPED;
  }

  protected final String source(long line) {
    return file + ":" + line;
  }
}
