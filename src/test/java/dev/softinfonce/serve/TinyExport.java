package dev.softinfonce.serve;

import dev.softinfonce.config.ExperimentConfig;
import dev.softinfonce.export.SavedModelExporter;
import dev.softinfonce.export.TinyCheckpoints;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Test fixture: a tiny random model exported as a SavedModel, and a small jsonl codebase. */
final class TinyExport {
  private TinyExport() {}

  /** Exports a tiny model (hidden 32, 2 layers, max query length 16) to {@code base/1}; returns base/1. */
  static Path export(Path root, String... overrides) throws IOException {
    ExperimentConfig cfg = TinyCheckpoints.config(overrides);
    Path ckpt = TinyCheckpoints.write(root.resolve("ckpt"), TinyCheckpoints.Layout.TRAINER, cfg, 11L);
    return new SavedModelExporter().export(ckpt, root.resolve("savedmodels/tiny"), 1).versionDir();
  }

  static final List<String> CODES = List.of(
      "def read_file ( path )\n  File . read ( path )\nend",
      "def parse_json ( data )\n  JSON . parse ( data )\nend",
      "def sort_array ( list )\n  list . sort\nend",
      "def get_name\n  self . name\nend",
      "def write_line ( path , line )\n  File . open ( path ) { | f | f . write ( line ) }\nend",
      "def http_request ( url )\n  Net :: HTTP . get ( url )\nend",
      "def hash_key ( map , key )\n  map [ key ]\nend",
      "def print_lines ( lines )\n  lines . each { | l | print l }\nend");

  /** A CodeSearchNet-style jsonl with {@code url}, {@code code}, {@code code_tokens}. */
  static Path codebase(Path file) throws IOException {
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < CODES.size(); i++) {
      String code = CODES.get(i);
      StringBuilder tokens = new StringBuilder();
      for (String t : code.split("\\s+")) {
        tokens.append(tokens.length() == 0 ? "" : ",").append('"').append(t.replace("\"", "\\\"")).append('"');
      }
      lines.add("{\"url\": \"https://example.org/c" + i + "\", \"code\": \"" + code.replace("\n", "\\n")
          + "\", \"code_tokens\": [" + tokens + "], \"docstring_tokens\": []}");
    }
    Files.createDirectories(file.toAbsolutePath().getParent());
    Files.write(file, lines);
    return file;
  }
}
