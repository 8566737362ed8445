package dev.softinfonce.serve;

/** Progress of encoding a codebase into an index (the CLI shows it as a progress bar). */
public interface IndexProgress {
  /** No output. */
  IndexProgress NONE = new IndexProgress() {
    @Override
    public void start(int total) {}

    @Override
    public void advance(int done) {}
  };

  /** Called once with the number of entries to encode. */
  void start(int total);

  /** Called after each batch with the number of entries it finished. */
  void advance(int done);
}
