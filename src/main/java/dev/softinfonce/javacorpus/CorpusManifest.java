package dev.softinfonce.javacorpus;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What a corpus build produced: counts per library, per split and per filter. Written as
 * {@code manifest.json} (fixed key order, no timestamps, so it is as reproducible as the data) and
 * printed as a summary by the command line.
 *
 * @param libraries one entry per library, in processing order (test, valid, train; by id)
 */
public record CorpusManifest(List<LibraryStats> libraries) {

  public CorpusManifest {
    libraries = List.copyOf(libraries);
  }

  /** Queries written for a split. */
  public long queries(CorpusSplit split) {
    return libraries.stream().filter(l -> l.split() == split).mapToLong(LibraryStats::queries).sum();
  }

  /** Codebase size of a split (0 for train). */
  public long codebase(CorpusSplit split) {
    return libraries.stream().filter(l -> l.split() == split).mapToLong(LibraryStats::codebase).sum();
  }

  /** Drops per filter over all libraries. */
  public Map<CorpusFilter, Long> dropped() {
    Map<CorpusFilter, Long> total = new EnumMap<>(CorpusFilter.class);
    for (CorpusFilter f : CorpusFilter.values()) {
      total.put(f, libraries.stream().mapToLong(l -> l.dropped().get(f)).sum());
    }
    return total;
  }

  /** The manifest as pretty-printed JSON ending in a newline. */
  public String toJson() {
    ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    ObjectNode root = mapper.createObjectNode();
    root.put("format", "codesearchnet-jsonl");
    root.put("language", "java");
    ObjectNode files = root.putObject("files");
    for (CorpusSplit split : CorpusSplit.values()) {
      files.put(split.key(), split.key() + ".jsonl");
      if (split != CorpusSplit.TRAIN) {
        files.put(split.key() + "_codebase", split.key() + "_codebase.jsonl");
      }
    }
    ObjectNode splits = root.putObject("splits");
    for (CorpusSplit split : CorpusSplit.values()) {
      ObjectNode s = splits.putObject(split.key());
      ArrayNode ids = s.putArray("libraries");
      libraries.stream().filter(l -> l.split() == split).forEach(l -> ids.add(l.id()));
      s.put("queries", queries(split));
      if (split != CorpusSplit.TRAIN) {
        s.put("codebase", codebase(split));
      }
    }
    ObjectNode filters = root.putObject("dropped");
    dropped().forEach((f, n) -> filters.put(f.key(), n));
    ArrayNode libs = root.putArray("libraries");
    for (LibraryStats l : libraries) {
      ObjectNode o = libs.addObject();
      o.put("id", l.id());
      o.put("split", l.split().key());
      o.put("source", l.source());
      o.put("sha1", l.sha1());
      o.put("files", l.files());
      o.put("unparsed_files", l.unparsedFiles());
      o.put("methods", l.methods());
      o.put("queries", l.queries());
      o.put("codebase", l.codebase());
      ObjectNode d = o.putObject("dropped");
      l.dropped().forEach((f, n) -> d.put(f.key(), n));
    }
    try {
      return mapper.writeValueAsString(root) + "\n";
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Human-readable summary: one line per library, then filter drops, then split totals. */
  public String summary() {
    StringBuilder sb = new StringBuilder();
    sb.append(String.format(Locale.ROOT, "%-55s %-5s %7s %8s %8s %8s%n", "library", "split", "files", "methods",
        "queries", "codebase"));
    for (LibraryStats l : libraries) {
      sb.append(String.format(Locale.ROOT, "%-55s %-5s %7d %8d %8d %8d%n", l.id(), l.split().key(), l.files(),
          l.methods(), l.queries(), l.codebase()));
      if (l.unparsedFiles() > 0) {
        sb.append(String.format(Locale.ROOT, "  (%d files could not be parsed)%n", l.unparsedFiles()));
      }
    }
    sb.append("dropped:");
    dropped().forEach((f, n) -> sb.append(' ').append(f.key()).append('=').append(n));
    sb.append(System.lineSeparator());
    for (CorpusSplit split : CorpusSplit.values()) {
      long libs = libraries.stream().filter(l -> l.split() == split).count();
      sb.append(String.format(Locale.ROOT, "%s: %d queries from %d libraries", split.key(), queries(split), libs));
      if (split != CorpusSplit.TRAIN) {
        sb.append(String.format(Locale.ROOT, ", codebase %d", codebase(split)));
      }
      sb.append(System.lineSeparator());
    }
    return sb.toString();
  }
}
