package dev.softinfonce.experiment;

import dev.softinfonce.config.ConfigException;
import dev.softinfonce.config.ConfigParser;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * Reads an experiment file with the config parser's conventions: strict keys, every error naming
 * {@code file:line}. The format:
 *
 * <pre>
 * base: configs/quickstart.yaml     # a config file, or the config's sections written inline
 * java_corpus: true                 # build/reuse the Java corpus at data.java_corpus_dir (default false)
 * output_dir: runs/experiment-java  # default runs/experiments/&lt;file name&gt;
 * seeds: [1234, 12345, 123456]
 * bm25_baseline: true               # add the BM25 lexical baseline row (default true)
 * zero_shot: true                   # add a row for the base's model.init_from, untrained (default false)
 * export_best: true                 # export the best run on valid to export.dir/export.version (default false)
 * reference: infonce                # row the Δ MRR column compares with (default: the first row)
 * set:                              # overrides on the base for every run (mapping or "key=value" list)
 *   train.max_steps: 400
 * prerequisites:                    # models trained once, before the first row that refers to them
 *   simcse:
 *     config: configs/simcse-estimator.yaml   # optional; default the base
 *     set: {train.max_steps: 300}
 * rows:                             # run in this order for each seed
 *   - name: infonce
 *     set: {objective.name: infonce, estimator.name: uniform}
 *   - name: soft_infonce_trained
 *     loss: Soft-InfoNCE              # optional labels; derived from objective/estimator names otherwise
 *     estimator: Trained model
 *     set: {objective.name: soft_infonce, estimator.name: trained, estimator.model: "${row:infonce}"}
 * </pre>
 *
 * {@code ${row:NAME}} is the best checkpoint of an earlier row at the same seed; {@code
 * ${prerequisite:NAME}} that of a prerequisite. Relative paths are read from the working folder, or
 * else from the experiment file's folder.
 */
final class ExperimentFileParser {
  private static final List<String> TOP = List.of("base", "java_corpus", "output_dir", "seeds", "bm25_baseline",
      "zero_shot", "export_best", "reference", "set", "prerequisites", "rows");
  private static final List<String> ROW = List.of("name", "loss", "estimator", "set");
  private static final List<String> PREREQUISITE = List.of("config", "set");
  private static final String NAME = "[A-Za-z0-9][A-Za-z0-9_.-]*";

  private final Path file;

  ExperimentFileParser(Path file) {
    this.file = file;
  }

  ExperimentSpec parse(List<String> commandLine) {
    Node root;
    try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      root = new Yaml(new LoaderOptions()).compose(r);
    } catch (MarkedYAMLException e) {
      throw error(file + ":" + (e.getProblemMark().getLine() + 1) + ": invalid YAML: " + e.getProblem());
    } catch (IOException e) {
      throw error("cannot read experiment file " + file + ": " + e);
    }
    if (!(root instanceof MappingNode top)) {
      throw error(file + ": an experiment file is a mapping with base, seeds and rows");
    }
    Map<String, NodeTuple> keys = keys(top, TOP, "experiment file");
    Path baseFile = null;
    Node baseInline = null;
    Node base = value(keys, "base", top, "experiment file");
    if (base instanceof ScalarNode s) {
      baseFile = existing(s.getValue(), base, "base");
    } else if (base instanceof MappingNode) {
      baseInline = base;
    } else {
      throw error(where(base) + ": base: expected a config file path or inline config sections");
    }
    boolean javaCorpus = keys.containsKey("java_corpus") && bool(keys.get("java_corpus").getValueNode(), "java_corpus");
    boolean bm25 = !keys.containsKey("bm25_baseline") || bool(keys.get("bm25_baseline").getValueNode(), "bm25_baseline");
    boolean zeroShot = keys.containsKey("zero_shot") && bool(keys.get("zero_shot").getValueNode(), "zero_shot");
    boolean export = keys.containsKey("export_best") && bool(keys.get("export_best").getValueNode(), "export_best");
    Path out = keys.containsKey("output_dir") ? Path.of(text(keys.get("output_dir").getValueNode(), "output_dir"))
        : Path.of("runs", "experiments", file.getFileName().toString().replaceFirst("\\.ya?ml$", ""));
    List<Long> seeds = seeds(value(keys, "seeds", top, "experiment file"));
    List<Setting> settings = keys.containsKey("set") ? settings(keys.get("set").getValueNode(), "set") : List.of();
    noReferences(settings, "set");

    List<PrerequisiteSpec> prerequisites = new ArrayList<>();
    if (keys.containsKey("prerequisites")) {
      Node n = keys.get("prerequisites").getValueNode();
      if (!(n instanceof MappingNode m)) {
        throw error(where(n) + ": prerequisites: expected a mapping of name: {config, set}");
      }
      for (NodeTuple t : m.getValue()) {
        prerequisites.add(prerequisite(t));
      }
    }

    Node rowsNode = value(keys, "rows", top, "experiment file");
    if (!(rowsNode instanceof SequenceNode seq) || seq.getValue().isEmpty()) {
      throw error(where(rowsNode) + ": rows: expected a non-empty list of rows");
    }
    List<RowSpec> rows = new ArrayList<>();
    Set<String> prereqNames = prerequisites.stream().map(PrerequisiteSpec::name).collect(Collectors.toSet());
    for (Node n : seq.getValue()) {
      RowSpec row = row(n);
      if (rows.stream().anyMatch(r -> r.name().equals(row.name()))) {
        throw error(row.source() + ": rows: duplicate row name '" + row.name() + "'");
      }
      for (Setting s : row.settings()) {
        for (Setting.Reference ref : s.references()) {
          if (ref.kind() == Setting.Kind.ROW && rows.stream().noneMatch(r -> r.name().equals(ref.name()))) {
            throw error(s.source() + ": row '" + row.name() + "': ${row:" + ref.name() + "} must name an earlier row"
                + ConfigParser.suggest(ref.name(), rows.stream().map(RowSpec::name).toList())
                + "; earlier rows: " + rows.stream().map(RowSpec::name).toList());
          }
          if (ref.kind() == Setting.Kind.PREREQUISITE && !prereqNames.contains(ref.name())) {
            throw error(s.source() + ": row '" + row.name() + "': unknown prerequisite '" + ref.name() + "'"
                + ConfigParser.suggest(ref.name(), prereqNames) + "; declared: " + prereqNames);
          }
        }
      }
      rows.add(row);
    }
    String reference = rows.get(0).name();
    if (keys.containsKey("reference")) {
      Node n = keys.get("reference").getValueNode();
      reference = text(n, "reference");
      String ref = reference;
      if (rows.stream().noneMatch(r -> r.name().equals(ref))) {
        throw error(where(n) + ": reference: no row named '" + ref + "'"
            + ConfigParser.suggest(ref, rows.stream().map(RowSpec::name).toList()));
      }
    }
    return new ExperimentSpec(file, baseFile, baseInline, settings, commandLine, javaCorpus, out, seeds, bm25,
        zeroShot, export, reference, prerequisites, rows);
  }

  private PrerequisiteSpec prerequisite(NodeTuple t) {
    String name = text(t.getKeyNode(), "prerequisites");
    String src = where(t.getKeyNode());
    if (!name.matches(NAME)) {
      throw error(src + ": prerequisites: name '" + name + "' must be letters, digits, '_', '.' or '-'");
    }
    Node body = t.getValueNode();
    if (!(body instanceof MappingNode m)) {
      throw error(where(body) + ": prerequisites." + name + ": expected a mapping with config and/or set");
    }
    Map<String, NodeTuple> keys = keys(m, PREREQUISITE, "prerequisites." + name);
    Path config = keys.containsKey("config")
        ? existing(text(keys.get("config").getValueNode(), "config"), keys.get("config").getValueNode(), "config") : null;
    List<Setting> sets = keys.containsKey("set") ? settings(keys.get("set").getValueNode(), "set") : List.of();
    noReferences(sets, "prerequisites." + name + ".set");
    return new PrerequisiteSpec(name, config, sets, src);
  }

  private RowSpec row(Node n) {
    if (!(n instanceof MappingNode m)) {
      throw error(where(n) + ": rows: each row is a mapping with name and set");
    }
    Map<String, NodeTuple> keys = keys(m, ROW, "row");
    String name = text(value(keys, "name", m, "row"), "name");
    if (!name.matches(NAME)) {
      throw error(where(keys.get("name").getValueNode()) + ": row name '" + name
          + "' must be letters, digits, '_', '.' or '-' (it names folders)");
    }
    String loss = keys.containsKey("loss") ? text(keys.get("loss").getValueNode(), "loss") : null;
    String est = keys.containsKey("estimator") ? text(keys.get("estimator").getValueNode(), "estimator") : null;
    List<Setting> sets = keys.containsKey("set") ? settings(keys.get("set").getValueNode(), "set") : List.of();
    return new RowSpec(name, loss, est, sets, where(m));
  }

  /** A {@code set:} block: a mapping of dotted keys, or a list of {@code key=value} strings. */
  private List<Setting> settings(Node n, String what) {
    List<Setting> out = new ArrayList<>();
    if (n instanceof MappingNode m) {
      for (NodeTuple t : m.getValue()) {
        String key = text(t.getKeyNode(), what);
        Node v = t.getValueNode();
        String value;
        if (v instanceof ScalarNode s) {
          value = s.getValue().isEmpty() ? "''" : ExperimentSpec.quote(s.getValue());
        } else if (v instanceof SequenceNode seq) {
          List<String> items = new ArrayList<>();
          for (Node item : seq.getValue()) {
            items.add(ExperimentSpec.quote(text(item, key)));
          }
          value = "[" + String.join(", ", items) + "]";
        } else {
          throw error(where(v) + ": " + what + ": " + key + ": expected a value or a list, got a mapping");
        }
        out.add(new Setting(key, value, where(t.getKeyNode())));
      }
    } else if (n instanceof SequenceNode seq) {
      for (Node item : seq.getValue()) {
        String s = text(item, what);
        int eq = s.indexOf('=');
        if (eq <= 0) {
          throw error(where(item) + ": " + what + ": expected section.key=value, got '" + s + "'");
        }
        out.add(new Setting(s.substring(0, eq).trim(), s.substring(eq + 1), where(item)));
      }
    } else if (!(n instanceof ScalarNode s && s.getValue().isEmpty())) {
      throw error(where(n) + ": " + what + ": expected a mapping of section.key: value or a list of key=value");
    }
    return out;
  }

  private void noReferences(List<Setting> sets, String what) {
    for (Setting s : sets) {
      if (!s.references().isEmpty()) {
        throw error(s.source() + ": " + what + ": references (${row:..}, ${prerequisite:..}) are only allowed in rows");
      }
    }
  }

  private List<Long> seeds(Node n) {
    if (!(n instanceof SequenceNode seq) || seq.getValue().isEmpty()) {
      throw error(where(n) + ": seeds: expected a non-empty list of integers, e.g. [1234, 12345, 123456]");
    }
    List<Long> seeds = new ArrayList<>();
    Set<Long> seen = new HashSet<>();
    for (Node item : seq.getValue()) {
      String s = text(item, "seeds");
      long v;
      try {
        v = Long.parseLong(s.trim());
      } catch (NumberFormatException e) {
        throw error(where(item) + ": seeds: expected an integer, got '" + s + "'");
      }
      if (!seen.add(v)) {
        throw error(where(item) + ": seeds: " + v + " is listed twice");
      }
      seeds.add(v);
    }
    return seeds;
  }

  /** The keys of a mapping, rejecting unknown and repeated ones with their line. */
  private Map<String, NodeTuple> keys(MappingNode m, List<String> allowed, String what) {
    Map<String, NodeTuple> out = new LinkedHashMap<>();
    for (NodeTuple t : m.getValue()) {
      String k = text(t.getKeyNode(), what);
      if (!allowed.contains(k)) {
        throw error(where(t.getKeyNode()) + ": unknown key '" + k + "' in " + what + ConfigParser.suggest(k, allowed)
            + "; keys: " + String.join(", ", allowed));
      }
      if (out.put(k, t) != null) {
        throw error(where(t.getKeyNode()) + ": " + what + ": key '" + k + "' is given twice");
      }
    }
    return out;
  }

  private Node value(Map<String, NodeTuple> keys, String key, Node owner, String what) {
    NodeTuple t = keys.get(key);
    if (t == null) {
      throw error(where(owner) + ": " + what + ": '" + key + "' is required");
    }
    return t.getValueNode();
  }

  private String text(Node n, String what) {
    if (n instanceof ScalarNode s) {
      return s.getValue();
    }
    throw error(where(n) + ": " + what + ": expected a plain value");
  }

  private boolean bool(Node n, String what) {
    String s = text(n, what);
    if (!s.equalsIgnoreCase("true") && !s.equalsIgnoreCase("false")) {
      throw error(where(n) + ": " + what + ": expected true or false, got '" + s + "'");
    }
    return Boolean.parseBoolean(s);
  }

  /** A file named in the experiment file: relative to the working folder, else to the file's folder. */
  private Path existing(String name, Node n, String what) {
    Path p = Path.of(name);
    if (Files.isRegularFile(p)) {
      return p;
    }
    Path beside = file.toAbsolutePath().getParent().resolve(name);
    if (!p.isAbsolute() && Files.isRegularFile(beside)) {
      return beside;
    }
    throw error(where(n) + ": " + what + ": config file '" + name + "' not found (relative paths are read from "
        + "the working folder or " + file.toAbsolutePath().getParent() + ")");
  }

  private String where(Node n) {
    return file + ":" + (n.getStartMark().getLine() + 1);
  }

  private static ConfigException error(String message) {
    return new ConfigException("", message);
  }
}
