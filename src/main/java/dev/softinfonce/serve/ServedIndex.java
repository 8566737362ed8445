package dev.softinfonce.serve;

import java.nio.file.Path;
import java.util.OptionalLong;

/**
 * The index's searcher: it shares the served model when the index was built with the served version
 * (holding it loaded even after a newer version appears, since the index's vectors are that model's),
 * else opens the index's own model.
 */
public final class ServedIndex implements AutoCloseable {
  private final CodeSearcher searcher;
  private final ModelVersions.Lease lease;

  private ServedIndex(CodeSearcher searcher, ModelVersions.Lease lease) {
    this.searcher = searcher;
    this.lease = lease;
  }

  /** {@code indexFile} null gives no searcher. */
  public static ServedIndex open(Path indexFile, ModelVersions versions, String name) {
    if (indexFile == null) {
      return new ServedIndex(null, null);
    }
    CodeIndex idx = CodeIndex.load(indexFile);
    ModelVersions.Lease l = versions.acquire(name, OptionalLong.empty());
    Path served = l.model().dir().toAbsolutePath().normalize();
    if (served.toString().equals(Path.of(idx.header().model()).toAbsolutePath().normalize().toString())) {
      return new ServedIndex(new CodeSearcher(l.model(), idx), l);
    }
    l.close();
    return new ServedIndex(CodeSearcher.open(indexFile), null);
  }

  /** The searcher, or null without an index. */
  public CodeSearcher searcher() {
    return searcher;
  }

  @Override
  public void close() {
    if (searcher != null) {
      searcher.close();
    }
    if (lease != null) {
      lease.close();
    }
  }
}
