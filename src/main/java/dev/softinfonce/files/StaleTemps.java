package dev.softinfonce.files;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The one clean-up of what killed writers leave beside their target: temp files and folders (an index's
 * {@code .tmp-index-*.part}, an export's {@code .tmp-export-<version>-<nanos>/}) are removed by the next
 * writer into the same folder once they are ours (the name matches the writer's exact temp pattern) and
 * stale (nothing in them changed for {@link #STALE_AFTER}; a live writer keeps writing, so its temp is
 * never that old).
 */
public final class StaleTemps {
  /** A temp untouched this long belongs to a writer that was killed. */
  public static final Duration STALE_AFTER = Duration.ofMinutes(10);

  private StaleTemps() {}

  /**
   * Removes the entries of {@code dir} whose whole name matches {@code ours} and whose newest
   * modification (the folder's own or of anything under it) is older than {@link #STALE_AFTER}.
   *
   * @return what was removed
   */
  public static List<Path> remove(Path dir, Pattern ours) throws IOException {
    List<Path> removed = new ArrayList<>();
    if (!Files.isDirectory(dir)) {
      return removed;
    }
    Instant cutoff = Instant.now().minus(STALE_AFTER);
    try (Stream<Path> s = Files.list(dir)) {
      for (Path p : s.toList()) {
        if (ours.matcher(p.getFileName().toString()).matches() && newestChange(p).toInstant().isBefore(cutoff)) {
          FileTrees.deleteTree(p);
          removed.add(p);
        }
      }
    }
    return removed;
  }

  /** The latest modification time of {@code p} and, for a folder, of everything under it. */
  static FileTime newestChange(Path p) throws IOException {
    try (Stream<Path> s = Files.walk(p)) {
      FileTime newest = FileTime.fromMillis(0);
      for (Path q : s.toList()) {
        FileTime t = Files.getLastModifiedTime(q, java.nio.file.LinkOption.NOFOLLOW_LINKS);
        newest = t.compareTo(newest) > 0 ? t : newest;
      }
      return newest;
    }
  }
}
