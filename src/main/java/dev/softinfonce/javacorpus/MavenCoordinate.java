package dev.softinfonce.javacorpus;

import java.util.regex.Pattern;

/**
 * A Maven artifact {@code groupId:artifactId:version}, the unit of the by-library split.
 *
 * @param groupId e.g. {@code com.google.guava}
 * @param artifactId e.g. {@code guava}
 * @param version e.g. {@code 33.4.0-jre}
 */
public record MavenCoordinate(String groupId, String artifactId, String version) {
  private static final Pattern PART = Pattern.compile("[A-Za-z0-9_.\\-]+");

  public MavenCoordinate {
    check(groupId, "groupId");
    check(artifactId, "artifactId");
    check(version, "version");
  }

  private static void check(String part, String name) {
    if (part == null || !PART.matcher(part).matches()) {
      throw new CorpusBuildException("bad Maven coordinate: " + name + " '" + part
          + "' (letters, digits, '.', '-', '_' only)");
    }
  }

  /** Parses {@code G:A:V}; anything else is an error naming the text. */
  public static MavenCoordinate parse(String text) {
    String[] parts = text.trim().split(":", -1);
    if (parts.length != 3) {
      throw new CorpusBuildException("bad Maven coordinate '" + text + "': expected groupId:artifactId:version");
    }
    return new MavenCoordinate(parts[0], parts[1], parts[2]);
  }

  /** Path of the sources jar relative to a repository root, in the standard Maven layout. */
  public String sourcesJarPath() {
    return groupId.replace('.', '/') + "/" + artifactId + "/" + version + "/"
        + artifactId + "-" + version + "-sources.jar";
  }

  /** Path of the main jar relative to a repository root, in the standard Maven layout. */
  public String jarPath() {
    return groupId.replace('.', '/') + "/" + artifactId + "/" + version + "/" + artifactId + "-" + version + ".jar";
  }

  @Override
  public String toString() {
    return groupId + ":" + artifactId + ":" + version;
  }
}
