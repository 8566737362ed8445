package dev.softinfonce.serve;

import static dev.softinfonce.export.ServingContract.SAVED_MODEL_PB;

import dev.softinfonce.serve.SignatureMetadata.VersionStatus;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The versions of one model under a base path, served as TF Serving does with its default policy: the
 * highest numeric version folder holding a {@code saved_model.pb} is loaded and served; a higher one
 * appearing later (polled every {@code pollSeconds}, like {@code --file_system_poll_wait_seconds}) is
 * loaded first and then replaces it, and the old one is unloaded once its in-flight requests finish
 * (state {@code END}). A version that fails to load is reported with its error and the previous one
 * keeps serving. Exports are atomic renames, so a version folder is never seen half-written.
 *
 * <p>Thread-safe. Requests hold a {@link Lease} while they use a model.
 */
public final class ModelVersions implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ModelVersions.class);

  private final Path basePath;
  private final Function<Path, ServingModel> loader;
  private final TreeMap<Long, VersionStatus> statuses = new TreeMap<>();
  private final ScheduledExecutorService poller;
  private Loaded current;
  private boolean closed;

  /** A model in use by a request; closing it releases the model (unloaded after its last lease if retired). */
  public final class Lease implements AutoCloseable {
    private final Loaded loaded;
    private boolean released;

    private Lease(Loaded loaded) {
      this.loaded = loaded;
    }

    public long version() {
      return loaded.version;
    }

    public ServingModel model() {
      return loaded.model;
    }

    @Override
    public void close() {
      synchronized (ModelVersions.this) {
        if (!released) {
          released = true;
          loaded.release();
        }
      }
    }
  }

  private static final class Loaded {
    final long version;
    final ServingModel model;
    int refs = 1; // the server's own reference while it is current
    boolean closedModel;

    Loaded(long version, ServingModel model) {
      this.version = version;
      this.model = model;
    }

    void release() {
      if (--refs == 0 && !closedModel) {
        closedModel = true;
        model.close();
        LOG.info("unloaded version {}", version);
      }
    }
  }

  /**
   * Loads the highest version under {@code basePath}; fails with a {@link SearchException} naming the
   * folder when there is none or it cannot be loaded.
   *
   * @param pollSeconds how often to look for a new version (0 = never)
   */
  public ModelVersions(Path basePath, int pollSeconds) {
    this(basePath, pollSeconds, ServingModel::open);
  }

  ModelVersions(Path basePath, int pollSeconds, Function<Path, ServingModel> loader) {
    this.basePath = basePath;
    this.loader = loader;
    if (!Files.isDirectory(basePath)) {
      throw new SearchException(basePath + ": no such model base path");
    }
    OptionalLong v = highestVersion();
    if (v.isEmpty()) {
      throw new SearchException(basePath + ": no version folder (a numeric folder holding " + SAVED_MODEL_PB
          + ", e.g. " + basePath.resolve("1") + ")");
    }
    ServingModel m = loader.apply(basePath.resolve(Long.toString(v.getAsLong())));
    current = new Loaded(v.getAsLong(), m);
    statuses.put(v.getAsLong(), available(v.getAsLong()));
    if (pollSeconds > 0) {
      poller = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "model-version-poll");
        t.setDaemon(true);
        return t;
      });
      poller.scheduleWithFixedDelay(this::pollQuietly, pollSeconds, pollSeconds, TimeUnit.SECONDS);
    } else {
      poller = null;
    }
  }

  public Path basePath() {
    return basePath;
  }

  /** The version being served. */
  public synchronized long latest() {
    return current.version;
  }

  /**
   * A lease on the served model: {@code version} empty means the latest; another version than the
   * served one is {@code NOT_FOUND} with TF Serving's message.
   */
  public synchronized Lease acquire(String modelName, OptionalLong version) {
    if (closed) {
      throw new ApiException(503, "the server is shutting down");
    }
    if (version.isPresent() && version.getAsLong() != current.version) {
      throw ApiException.notFound("Servable not found for request: Specific(" + modelName + ", "
          + version.getAsLong() + ")");
    }
    current.refs++;
    return new Lease(current);
  }

  /** Every version seen, or one; {@code NOT_FOUND} for a version never seen. */
  public synchronized List<VersionStatus> status(String modelName, OptionalLong version) {
    if (version.isPresent()) {
      VersionStatus s = statuses.get(version.getAsLong());
      if (s == null) {
        throw ApiException.notFound("Could not find version " + version.getAsLong() + " of model " + modelName);
      }
      return List.of(s);
    }
    return new ArrayList<>(statuses.descendingMap().values());
  }

  /** Looks for a higher version and, if one loads, serves it instead of the current one. */
  public void poll() {
    OptionalLong v = highestVersion();
    long next;
    synchronized (this) {
      if (closed || v.isEmpty() || v.getAsLong() <= current.version || statuses.containsKey(v.getAsLong())) {
        return;
      }
      next = v.getAsLong();
      statuses.put(next, new VersionStatus(next, "LOADING", "OK", ""));
    }
    Path dir = basePath.resolve(Long.toString(next));
    ServingModel m;
    try {
      m = loader.apply(dir);
    } catch (RuntimeException e) {
      LOG.warn("version {} failed to load, still serving {}: {}", next, latest(), e.getMessage());
      synchronized (this) {
        statuses.put(next, new VersionStatus(next, "END", "UNKNOWN", String.valueOf(e.getMessage())));
      }
      return;
    }
    synchronized (this) {
      if (closed) {
        m.close();
        return;
      }
      Loaded old = current;
      current = new Loaded(next, m);
      statuses.put(next, available(next));
      statuses.put(old.version, new VersionStatus(old.version, "END", "OK", ""));
      old.release();
    }
    LOG.info("now serving version {} of {}", next, basePath);
  }

  private void pollQuietly() {
    try {
      poll();
    } catch (RuntimeException e) { // a poll failure must not stop later polls
      LOG.warn("polling {} failed: {}", basePath, e.toString());
    }
  }

  private OptionalLong highestVersion() {
    try (Stream<Path> s = Files.list(basePath)) {
      return s.filter(p -> p.getFileName().toString().matches("\\d{1,18}")
              && Files.isRegularFile(p.resolve(SAVED_MODEL_PB)))
          .mapToLong(p -> Long.parseLong(p.getFileName().toString())).max();
    } catch (IOException e) {
      LOG.warn("cannot list {}: {}", basePath, e.getMessage());
      return OptionalLong.empty();
    }
  }

  private static VersionStatus available(long v) {
    return new VersionStatus(v, "AVAILABLE", "OK", "");
  }

  @Override
  public void close() {
    if (poller != null) {
      poller.shutdownNow();
    }
    synchronized (this) {
      if (!closed) {
        closed = true;
        current.release();
      }
    }
  }
}
