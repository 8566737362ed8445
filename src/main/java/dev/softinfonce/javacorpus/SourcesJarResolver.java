package dev.softinfonce.javacorpus;

import com.google.common.hash.Hashing;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * Finds the {@code -sources.jar} (or the main jar) of a Maven artifact: first in the local repository
 * ({@code ~/.m2/repository} layout), otherwise downloads it from a remote repository (Maven Central by
 * default, overridable with the environment variable {@value #REPO_ENV}), verifies it against the
 * published {@code .sha1} and stores both files in the local repository, so a second run is offline.
 */
public final class SourcesJarResolver {
  /** Environment variable that replaces the remote repository base URL. */
  public static final String REPO_ENV = "SOFTINFONCE_MAVEN_REPO";
  /** Maven Central. */
  public static final String CENTRAL = "https://repo.maven.apache.org/maven2";

  private final Path localRepo;
  private final String remoteBase;
  private final Consumer<String> log;
  private HttpClient http;

  /**
   * @param localRepo root of a Maven local repository (created on demand)
   * @param remoteBase base URL of the remote repository, without a trailing slash
   * @param log receives one line per download
   */
  public SourcesJarResolver(Path localRepo, String remoteBase, Consumer<String> log) {
    this.localRepo = localRepo;
    this.remoteBase = remoteBase.endsWith("/") ? remoteBase.substring(0, remoteBase.length() - 1) : remoteBase;
    this.log = log;
  }

  /** {@code ~/.m2/repository} and Maven Central (or {@value #REPO_ENV} when set). */
  public static SourcesJarResolver defaults(Consumer<String> log) {
    String env = System.getenv(REPO_ENV);
    String base = env == null || env.isBlank() ? CENTRAL : env.trim();
    return new SourcesJarResolver(Path.of(System.getProperty("user.home"), ".m2", "repository"), base, log);
  }

  /** Local path of the sources jar, downloading and verifying it first when it is not cached. */
  public Path resolve(MavenCoordinate coordinate) {
    return resolve(coordinate, coordinate.sourcesJarPath(), "sources jar");
  }

  /**
   * Local path of the artifact's main jar (e.g. a model shipped as a jar), fetched and verified exactly
   * like a sources jar.
   */
  public Path resolveJar(MavenCoordinate coordinate) {
    return resolve(coordinate, coordinate.jarPath(), "jar");
  }

  /** Whether the main jar is already in the local repository (no network needed to resolve it). */
  public boolean hasJar(MavenCoordinate coordinate) {
    return Files.isRegularFile(localRepo.resolve(coordinate.jarPath()));
  }

  private Path resolve(MavenCoordinate coordinate, String rel, String what) {
    Path jar = localRepo.resolve(rel);
    Path sha = localRepo.resolve(rel + ".sha1");
    if (Files.isRegularFile(jar)) {
      if (Files.isRegularFile(sha)) {
        String expected = readSha1(sha, coordinate);
        String actual = sha1(jar);
        if (!expected.equals(actual)) {
          throw new CorpusBuildException("cached " + what + " of " + coordinate + " at " + jar
              + " has SHA-1 " + actual + " but " + sha + " says " + expected + "; delete both files to re-download");
        }
      }
      return jar;
    }
    download(coordinate, rel, jar, sha, what);
    return jar;
  }

  private void download(MavenCoordinate coordinate, String rel, Path jar, Path sha, String what) {
    String url = remoteBase + "/" + rel;
    try {
      Files.createDirectories(jar.getParent());
      long start = System.nanoTime();
      byte[] body = get(url, coordinate, what); // first, so a 404 names the jar itself
      String expected = parseSha1(new String(get(url + ".sha1", coordinate, what), StandardCharsets.US_ASCII),
          url + ".sha1", coordinate);
      Path tmp = Files.createTempFile(jar.getParent(), jar.getFileName().toString(), ".part");
      try {
        Files.write(tmp, body);
        String actual = sha1(tmp);
        if (!expected.equals(actual)) {
          throw new CorpusBuildException("download of " + coordinate + " from " + url + " has SHA-1 " + actual
              + " but the repository's .sha1 says " + expected);
        }
        Files.writeString(sha, expected);
        Files.move(tmp, jar, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        log.accept(String.format(Locale.ROOT, "downloaded %s (%,d bytes, %.1f s)", url, Files.size(jar),
            (System.nanoTime() - start) / 1e9));
      } finally {
        Files.deleteIfExists(tmp);
      }
    } catch (IOException e) {
      throw new CorpusBuildException("cannot store the " + what + " of " + coordinate + " under " + localRepo
          + ": " + e.getMessage(), e);
    }
  }

  private byte[] get(String url, MavenCoordinate coordinate, String what) {
    HttpRequest request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofMinutes(2)).GET().build();
    HttpResponse<byte[]> response;
    try {
      response = client().send(request, HttpResponse.BodyHandlers.ofByteArray());
    } catch (IOException e) {
      throw new CorpusBuildException("cannot download " + url + " for " + coordinate + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CorpusBuildException("interrupted while downloading " + url, e);
    }
    if (response.statusCode() == 404) {
      throw new CorpusBuildException(url.endsWith(".sha1")
          ? "no checksum " + url + " for " + coordinate + " (HTTP 404); cannot verify the download"
          : "unknown artifact " + coordinate + ": no " + what + " at " + url
              + " (HTTP 404); check groupId, artifactId and version");
    }
    if (response.statusCode() != 200) {
      throw new CorpusBuildException("cannot download " + url + " for " + coordinate + ": HTTP " + response.statusCode());
    }
    return response.body();
  }

  private synchronized HttpClient client() {
    if (http == null) {
      http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL)
          .connectTimeout(Duration.ofSeconds(30)).build();
    }
    return http;
  }

  private static String readSha1(Path file, MavenCoordinate coordinate) {
    try {
      return parseSha1(Files.readString(file, StandardCharsets.US_ASCII), file.toString(), coordinate);
    } catch (IOException e) {
      throw new CorpusBuildException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  /** A {@code .sha1} file holds the hex digest, sometimes followed by a file name. */
  static String parseSha1(String text, String where, MavenCoordinate coordinate) {
    String hex = text.trim().split("\\s+")[0].toLowerCase(Locale.ROOT);
    if (!hex.matches("[0-9a-f]{40}")) {
      throw new CorpusBuildException("bad checksum file " + where + " for " + coordinate + ": '" + text.trim() + "'");
    }
    return hex;
  }

  /** SHA-1 of a file as lower-case hex. */
  @SuppressWarnings("deprecation") // SHA-1 is what Maven repositories publish; it checks integrity, not trust
  static String sha1(Path file) {
    try {
      return com.google.common.io.Files.asByteSource(file.toFile()).hash(Hashing.sha1()).toString();
    } catch (IOException e) {
      throw new CorpusBuildException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }
}
