package dev.softinfonce.javacorpus;

import java.util.Locale;

/** The three splits of the Java corpus; every library belongs wholly to one of them. */
public enum CorpusSplit {
  TRAIN, VALID, TEST;

  /** Lower-case name, as in file names ({@code train.jsonl}) and the {@code partition} field. */
  public String key() {
    return name().toLowerCase(Locale.ROOT);
  }
}
