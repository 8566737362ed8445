package dev.softinfonce.data;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * What a reader saw besides the examples it returned: records skipped as bad (with the first few
 * locations and reasons) and records dropped because their query or code text was empty.
 *
 * <p>Filled while reading; complete once the reader is exhausted.
 */
public final class ReadReport {
  /** How many skipped-record messages are kept. */
  public static final int MAX_LOCATIONS = 5;

  private long returned;
  private long skippedBad;
  private long droppedEmptyQuery;
  private long droppedEmptyCode;
  private long droppedNegativeLabel;
  private final List<String> firstSkipped = new ArrayList<>();

  /** Examples handed out. */
  public long returned() {
    return returned;
  }

  /** Records skipped because they were malformed or had a missing/wrongly typed field. */
  public long skippedBad() {
    return skippedBad;
  }

  /** The first {@value #MAX_LOCATIONS} skip messages, each starting with {@code file:line:}. */
  public List<String> firstSkipped() {
    return Collections.unmodifiableList(firstSkipped);
  }

  /** Records dropped because the query text was empty (never in codebase mode). */
  public long droppedEmptyQuery() {
    return droppedEmptyQuery;
  }

  /** Records dropped because the code text was empty. */
  public long droppedEmptyCode() {
    return droppedEmptyCode;
  }

  /** CoSQA records with {@code label: 0} (the code does not answer the query), dropped as pairs. */
  public long droppedNegativeLabel() {
    return droppedNegativeLabel;
  }

  /**
   * What was dropped and skipped, as {@code data stats} and {@code train} print it: the dropped counts,
   * the skipped count, then the first {@value #MAX_LOCATIONS} locations ({@code file:line: reason})
   * indented by two spaces and how many more there were.
   */
  public List<String> summaryLines() {
    List<String> lines = new ArrayList<>();
    lines.add("dropped empty: " + droppedEmptyQuery + " empty query, " + droppedEmptyCode + " empty code");
    if (droppedNegativeLabel > 0) {
      lines.add("dropped label 0: " + droppedNegativeLabel);
    }
    lines.add("skipped bad records: " + skippedBad);
    for (String s : firstSkipped) {
      lines.add("  " + s);
    }
    if (skippedBad > firstSkipped.size()) {
      lines.add("  ... and " + (skippedBad - firstSkipped.size()) + " more");
    }
    return lines;
  }

  /** Whether any record was skipped or dropped. */
  public boolean anyLeftOut() {
    return skippedBad + droppedEmptyQuery + droppedEmptyCode + droppedNegativeLabel > 0;
  }

  void countReturned() {
    returned++;
  }

  void skip(DataFormatException e) {
    skippedBad++;
    if (firstSkipped.size() < MAX_LOCATIONS) {
      firstSkipped.add(e.getMessage());
    }
  }

  void countEmptyQuery() {
    droppedEmptyQuery++;
  }

  void countEmptyCode() {
    droppedEmptyCode++;
  }

  void countNegativeLabel() {
    droppedNegativeLabel++;
  }

  @Override
  public String toString() {
    return returned + " examples, " + skippedBad + " skipped bad, " + droppedEmptyQuery
        + " dropped empty query, " + droppedEmptyCode + " dropped empty code"
        + (droppedNegativeLabel > 0 ? ", " + droppedNegativeLabel + " dropped label 0" : "");
  }
}
