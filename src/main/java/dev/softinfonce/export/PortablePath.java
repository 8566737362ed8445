package dev.softinfonce.export;

import java.nio.file.Path;

/**
 * A path as an export may record it: files in {@code assets.extra/} travel to other machines (TF Serving
 * hosts, clients), so they hold no absolute paths. An absolute path under the working directory becomes
 * relative to it; any other absolute path keeps only its last two names (enough to recognise the file).
 */
public final class PortablePath {
  private PortablePath() {}

  public static String of(String path) {
    if (path == null || path.isEmpty()) {
      return path;
    }
    Path p = Path.of(path);
    if (!p.isAbsolute()) {
      return path;
    }
    Path cwd = Path.of("").toAbsolutePath().normalize();
    Path n = p.normalize();
    if (n.startsWith(cwd) && !n.equals(cwd)) {
      return cwd.relativize(n).toString();
    }
    int k = n.getNameCount();
    return k == 0 ? "." : n.subpath(Math.max(0, k - 2), k).toString();
  }

  public static String of(Path path) {
    return path == null ? null : of(path.toString());
  }
}
