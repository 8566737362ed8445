package dev.softinfonce.data;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.softinfonce.config.ExperimentConfig;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code x.jsonl.gz} reads exactly like {@code x.jsonl}. */
class DataFilesTest {
  @TempDir Path tmp;

  @Test
  void aGzippedJsonlReadsLikeThePlainFile() throws Exception {
    Path gz = tmp.resolve("test.jsonl.gz");
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(gz))) {
      Files.copy(TestData.RUBY_TEST, out);
    }
    ReadOptions opt = ReadOptions.from(ExperimentConfig.defaults().data());
    QuerySet plain = QuerySet.load(TestData.RUBY_TEST, null, opt);
    QuerySet packed = QuerySet.load(gz, null, opt);
    assertEquals(SourceFormat.JSONL, SourceFormat.detect(gz));
    assertEquals(plain.size(), packed.size());
    assertEquals(plain.queries().get(7).query(), packed.queries().get(7).query());
    assertEquals(plain.codebase().codes(), packed.codebase().codes());
  }
}
