package dev.softinfonce.javacorpus;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * One library of the corpus, the unit of the by-library split: either a Maven artifact (read from its
 * {@code -sources.jar}) or a local source archive / folder given with {@code --sources}.
 *
 * @param id what the user names the library by and the {@code repo} field: {@code G:A:V} for Maven,
 *     the file or folder name for local sources (e.g. {@code src.zip})
 * @param urlPrefix prefix of every record's {@code url}: {@code maven:G:A:V} or {@code sources:NAME}
 * @param location the jar, zip or folder holding {@code .java} files
 */
public record SourceLibrary(String id, String urlPrefix, Path location) {

  /** A library from a resolved Maven sources jar. */
  public static SourceLibrary maven(MavenCoordinate coordinate, Path sourcesJar) {
    return new SourceLibrary(coordinate.toString(), "maven:" + coordinate, sourcesJar);
  }

  /** A library from a local zip/jar or folder; its id is the last path element. */
  public static SourceLibrary local(Path path) {
    Path abs = path.toAbsolutePath().normalize();
    if (!Files.exists(abs)) {
      throw new CorpusBuildException("--sources " + path + ": no such file or folder");
    }
    String name = abs.getFileName() == null ? abs.toString() : abs.getFileName().toString();
    return new SourceLibrary(name, "sources:" + name, abs);
  }

  /** A source file's path inside the library ({@code /}-separated) and its text. */
  public record SourceFile(String path, String text) {}

  /**
   * Every {@code .java} file except {@code package-info.java} and {@code module-info.java}, sorted by
   * path so the corpus does not depend on archive or directory order.
   */
  public List<SourceFile> readJavaFiles() {
    try {
      return Files.isDirectory(location) ? readFolder() : readArchive();
    } catch (IOException e) {
      throw new CorpusBuildException("cannot read sources of " + id + " from " + location + ": " + e.getMessage(), e);
    }
  }

  private List<SourceFile> readFolder() throws IOException {
    List<Path> files;
    try (Stream<Path> walk = Files.walk(location)) {
      files = walk.filter(Files::isRegularFile).toList();
    }
    List<SourceFile> out = new ArrayList<>();
    for (Path file : files) {
      String rel = location.relativize(file).toString().replace(file.getFileSystem().getSeparator(), "/");
      if (isJava(rel)) {
        out.add(new SourceFile(rel, decode(Files.readAllBytes(file))));
      }
    }
    out.sort(Comparator.comparing(SourceFile::path));
    return out;
  }

  private List<SourceFile> readArchive() throws IOException {
    List<SourceFile> out = new ArrayList<>();
    try (ZipFile zip = new ZipFile(location.toFile())) {
      for (ZipEntry entry : Collections.list(zip.entries())) {
        if (!entry.isDirectory() && isJava(entry.getName())) {
          try (InputStream in = zip.getInputStream(entry)) {
            out.add(new SourceFile(entry.getName(), decode(in.readAllBytes())));
          }
        }
      }
    } catch (java.util.zip.ZipException e) {
      throw new CorpusBuildException(location + " is neither a folder nor a zip/jar archive: " + e.getMessage(), e);
    }
    out.sort(Comparator.comparing(SourceFile::path));
    return out;
  }

  private static boolean isJava(String path) {
    String name = path.substring(path.lastIndexOf('/') + 1);
    return name.endsWith(".java") && !name.equals("package-info.java") && !name.equals("module-info.java");
  }

  /** UTF-8 when the bytes are valid UTF-8, else ISO-8859-1 (older sources); deterministic either way. */
  static String decode(byte[] bytes) {
    try {
      return StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes)).toString().replaceFirst("^\uFEFF", "");
    } catch (CharacterCodingException e) {
      return new String(bytes, StandardCharsets.ISO_8859_1);
    }
  }
}
