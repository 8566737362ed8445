package dev.softinfonce.javacorpus;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Downloads from a repository served on the loopback interface: no network needed. */
class SourcesJarResolverTest {
  private static final MavenCoordinate COORD = MavenCoordinate.parse("org.example:demo-lib:1.0");

  @TempDir Path dir;
  private HttpServer server;
  private final Map<String, byte[]> files = new ConcurrentHashMap<>();
  private final List<String> requests = new ArrayList<>();
  private String base;

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", exchange -> {
      String path = exchange.getRequestURI().getPath().substring("/repo/".length());
      synchronized (requests) {
        requests.add(path);
      }
      byte[] body = files.get(path);
      exchange.sendResponseHeaders(body == null ? 404 : 200, body == null ? -1 : body.length);
      if (body != null) {
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(body);
        }
      }
      exchange.close();
    });
    server.start();
    base = "http://127.0.0.1:" + server.getAddress().getPort() + "/repo";
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  private byte[] publishJar() throws IOException {
    Path zip = dir.resolve("demo.zip");
    JavaCorpusFixture.zip(zip, Map.of("org/example/Demo.java", JavaCorpusFixture.GAMMA));
    byte[] jar = Files.readAllBytes(zip);
    files.put(COORD.sourcesJarPath(), jar);
    files.put(COORD.sourcesJarPath() + ".sha1", (sha1(jar) + "  demo-lib-1.0-sources.jar\n").getBytes(StandardCharsets.US_ASCII));
    return jar;
  }

  @Test
  void downloadsVerifiesAndCachesInTheMavenLayout() throws IOException {
    byte[] jar = publishJar();
    Path m2 = dir.resolve("m2");
    List<String> log = new ArrayList<>();
    Path resolved = new SourcesJarResolver(m2, base, log::add).resolve(COORD);
    assertEquals(m2.resolve("org/example/demo-lib/1.0/demo-lib-1.0-sources.jar"), resolved);
    assertArrayEquals(jar, Files.readAllBytes(resolved));
    assertEquals(sha1(jar), Files.readString(m2.resolve(COORD.sourcesJarPath() + ".sha1")));
    assertEquals(1, log.size());
    assertEquals(2, requests.size());

    // Second resolution is offline: the server is not asked again.
    server.stop(0);
    assertEquals(resolved, new SourcesJarResolver(m2, base, log::add).resolve(COORD));
    assertEquals(2, requests.size());

    // And the corpus builder reads the cached jar like any other library.
    SourceLibrary lib = SourceLibrary.maven(COORD, resolved);
    assertEquals("maven:org.example:demo-lib:1.0", lib.urlPrefix());
    assertEquals(List.of("org/example/Demo.java"), lib.readJavaFiles().stream().map(SourceLibrary.SourceFile::path).toList());
  }

  @Test
  void unknownArtifactIsAClearError() {
    CorpusBuildException e = assertThrows(CorpusBuildException.class,
        () -> new SourcesJarResolver(dir.resolve("m2"), base, s -> {}).resolve(COORD));
    assertTrue(e.getMessage().startsWith("unknown artifact org.example:demo-lib:1.0: no sources jar at " + base
        + "/org/example/demo-lib/1.0/demo-lib-1.0-sources.jar (HTTP 404)"), e.getMessage());
    assertTrue(e.getMessage().contains("HTTP 404"), e.getMessage());
  }

  @Test
  void checksumMismatchIsRejectedAndNothingIsCached() throws IOException {
    publishJar();
    files.put(COORD.sourcesJarPath() + ".sha1", "0123456789012345678901234567890123456789".getBytes(StandardCharsets.US_ASCII));
    Path m2 = dir.resolve("m2");
    CorpusBuildException e = assertThrows(CorpusBuildException.class,
        () -> new SourcesJarResolver(m2, base, s -> {}).resolve(COORD));
    assertTrue(e.getMessage().contains("0123456789012345678901234567890123456789"), e.getMessage());
    assertFalse(Files.exists(m2.resolve(COORD.sourcesJarPath())));
    try (var listing = Files.list(m2.resolve(COORD.sourcesJarPath()).getParent())) {
      assertEquals(List.of(), listing.toList(), "no partial download left behind");
    }
  }

  @Test
  void localRepositoryIsUsedWithoutNetwork() throws IOException {
    Path m2 = dir.resolve("m2");
    Path jar = m2.resolve(COORD.sourcesJarPath());
    Files.createDirectories(jar.getParent());
    Files.writeString(jar, "not checked without a .sha1");
    assertEquals(jar, new SourcesJarResolver(m2, "http://127.0.0.1:9/unreachable", s -> {}).resolve(COORD));
    Files.writeString(m2.resolve(COORD.sourcesJarPath() + ".sha1"), "0123456789012345678901234567890123456789");
    CorpusBuildException e = assertThrows(CorpusBuildException.class,
        () -> new SourcesJarResolver(m2, "http://127.0.0.1:9/unreachable", s -> {}).resolve(COORD));
    assertTrue(e.getMessage().contains("delete both files to re-download"), e.getMessage());
  }

  private static String sha1(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }
}
