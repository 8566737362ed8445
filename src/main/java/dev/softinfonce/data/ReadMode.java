package dev.softinfonce.data;

/**
 * What a reader needs from each record, which decides the required fields and what is dropped.
 */
public enum ReadMode {
  /** Training pairs: a non-empty query and code; the url is optional (defaults to {@code file:line}). */
  PAIRS,
  /** Valid/test queries: like {@link #PAIRS} but the gold {@code url} is required. */
  QUERIES,
  /** Codebase (pool) entries: {@code url} and code are required; the docstring may be empty. */
  CODEBASE;

  /** Whether a record without query text is dropped (and counted) in this mode. */
  boolean needsQuery() {
    return this != CODEBASE;
  }

  /** Whether the gold id must be present in the record. */
  boolean needsUrl() {
    return this != PAIRS;
  }
}
