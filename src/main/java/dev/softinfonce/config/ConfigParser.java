package dev.softinfonce.config;

import dev.softinfonce.files.FolderPaths;
import java.io.IOException;
import java.io.StringReader;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
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
 * The one parser behind every way of configuring a run. YAML files, {@code --set key=value}
 * overrides and programmatic {@link #set} calls all land in one map of raw values with their source
 * ({@code file:line}, {@code --set}, {@code builder}); {@link #build()} converts, range-checks and
 * cross-checks them against the schema declared by the config records' {@link Field} annotations.
 *
 * <p>Later sources win: load the file first, then apply overrides.
 */
public final class ConfigParser {

  /** A raw value (a scalar string, a list of strings, or null) and where it came from. */
  private record Raw(Object value, String source) {}

  /** The source of the values {@link #values} copies from an existing config ({@code toBuilder()}). */
  private static final String INHERITED = "inherited";

  private final Map<String, Raw> raw = new LinkedHashMap<>();

  /**
   * First line of a config saved in a folder ({@link #toYaml(ExperimentConfig, Path)}): its relative
   * {@link Field#path} values are relative to that folder, and {@link #file} resolves them against it.
   */
  static final String FOLDER_RELATIVE = "# softinfonce: relative paths in this file are relative to its folder";

  /**
   * Reads a YAML file. Unknown sections and keys fail here, naming the line. A file that starts with
   * {@link #FOLDER_RELATIVE} (a checkpoint's or an export's config) has its relative paths resolved
   * against its own folder; any other file's paths stay relative to the working directory.
   */
  public ConfigParser file(Path path) {
    Node root;
    String text;
    try {
      text = Files.readString(path, StandardCharsets.UTF_8);
      root = new Yaml(new LoaderOptions()).compose(new StringReader(text));
    } catch (MarkedYAMLException e) {
      throw new ConfigException("", path + ":" + (e.getProblemMark().getLine() + 1) + ": invalid YAML: "
          + e.getProblem());
    } catch (org.yaml.snakeyaml.error.YAMLException e) { // e.g. an alias bomb stopped by SnakeYAML's alias limit
      throw new ConfigException("", path + ": invalid YAML: " + e.getMessage());
    } catch (IOException e) {
      throw new ConfigException("", "cannot read config " + path + ": " + e.getMessage());
    }
    mapping(path, root);
    if (text.startsWith(FOLDER_RELATIVE)) {
      Path folder = path.getParent() == null ? Path.of("") : path.getParent();
      raw.replaceAll((key, r) -> PATH_KEYS.contains(key) && r.source().startsWith(path + ":")
          && r.value() instanceof String v ? new Raw(resolveIn(folder, v), r.source()) : r);
    }
    return this;
  }

  /** Keys whose value is a file or folder ({@link Field#path}). */
  static final Set<String> PATH_KEYS = pathKeys();

  private static Set<String> pathKeys() {
    Set<String> keys = new LinkedHashSet<>();
    ExperimentConfig.SECTIONS.forEach((name, type) -> pathKeys(name, type, keys));
    return Collections.unmodifiableSet(keys);
  }

  private static void pathKeys(String prefix, Class<?> type, Set<String> keys) {
    for (RecordComponent c : type.getRecordComponents()) {
      String key = prefix + "." + snake(c.getName());
      if (isSubsection(c)) {
        pathKeys(key, c.getType(), keys);
      } else if (c.getAnnotation(Field.class).path()) {
        keys.add(key);
      }
    }
  }

  /** A path value saved relative to {@code folder}, resolved; a named start ({@code pretrained:NAME}) is not a path. */
  private static String resolveIn(Path folder, String value) {
    return PretrainedStart.isNamed(value) ? value : FolderPaths.resolveIn(folder, value);
  }

  /**
   * Reads already-composed YAML sections (e.g. a config written inline in an experiment file); errors
   * name {@code path} and the node's line, exactly as {@link #file} does. A null node means all defaults.
   */
  public ConfigParser mapping(Path path, Node root) {
    if (root == null) {
      return this; // an empty file means all defaults
    }
    if (!(root instanceof MappingNode top)) {
      throw new ConfigException("", where(path, root) + ": the config must be a mapping of sections");
    }
    Map<String, String> seen = new java.util.HashMap<>(); // section or key -> where it first appeared
    for (NodeTuple section : top.getValue()) {
      String name = scalar(path, section.getKeyNode());
      String first = seen.putIfAbsent(name, where(path, section.getKeyNode()));
      if (first != null) { // YAML's "last one wins" would drop the first section silently
        throw new ConfigException(name, where(path, section.getKeyNode()) + ": duplicate section '" + name
            + "' (first at " + first + "); write each section once");
      }
      Class<? extends Record> type = ExperimentConfig.SECTIONS.get(name);
      if (type == null) {
        throw new ConfigException(name, where(path, section.getKeyNode()) + ": unknown section '" + name
            + "'" + suggest(name, ExperimentConfig.SECTIONS.keySet()) + "; sections are "
            + ExperimentConfig.SECTIONS.keySet());
      }
      if (!(section.getValueNode() instanceof MappingNode body)) {
        if (section.getValueNode() instanceof ScalarNode s && s.getValue().isEmpty()) {
          continue; // "train:" with nothing under it
        }
        throw new ConfigException(name, where(path, section.getValueNode()) + ": section '" + name
            + "' must be a mapping of keys");
      }
      entries(path, name, type, body, seen);
    }
    return this;
  }

  /** The keys of one section (or subsection such as {@code train.grad_cache}) named {@code prefix}. */
  private void entries(Path path, String prefix, Class<?> type, MappingNode body, Map<String, String> seen) {
    for (NodeTuple entry : body.getValue()) {
      String key = prefix + "." + scalar(path, entry.getKeyNode());
      String src = where(path, entry.getKeyNode());
      String firstKey = seen.putIfAbsent(key, src);
      if (firstKey != null) {
        throw new ConfigException(key, src + ": duplicate key '" + key + "' (first at " + firstKey
            + "); a key may be given once");
      }
      Class<?> sub = subsection(type, key.substring(prefix.length() + 1));
      if (sub != null) {
        if (entry.getValueNode() instanceof MappingNode inner) {
          entries(path, key, sub, inner, seen);
        } else if (!(entry.getValueNode() instanceof ScalarNode s && s.getValue().isEmpty())) {
          throw new ConfigException(key, where(path, entry.getValueNode()) + ": '" + key
              + "' must be a mapping of keys (" + String.join(", ", keys(sub)) + ")");
        }
        continue;
      }
      checkKnown(key, src);
      raw.put(key, new Raw(rawValue(path, key, entry.getValueNode()), src));
    }
  }

  /** The record type of the subsection {@code name} of {@code type}, or null if it is a plain key. */
  private static Class<?> subsection(Class<?> type, String name) {
    for (RecordComponent c : type.getRecordComponents()) {
      if (isSubsection(c) && snake(c.getName()).equals(name)) {
        return c.getType();
      }
    }
    return null;
  }

  private static boolean isSubsection(RecordComponent c) {
    return c.getType().isRecord();
  }

  /** The keys of a section below its name, subsections flattened: {@code batch_size}, {@code grad_cache.chunk_size}. */
  private static List<String> keys(Class<?> type) {
    List<String> keys = new ArrayList<>();
    for (RecordComponent c : type.getRecordComponents()) {
      if (isSubsection(c)) {
        keys(c.getType()).forEach(k -> keys.add(snake(c.getName()) + "." + k));
      } else {
        keys.add(snake(c.getName()));
      }
    }
    return keys;
  }

  /** Applies {@code section.key=value} overrides; the value is read as a YAML scalar or flow list. */
  public ConfigParser overrides(List<String> overrides) {
    for (String o : overrides == null ? List.<String>of() : overrides) {
      int eq = o.indexOf('=');
      if (eq <= 0) {
        throw new ConfigException(o, "--set " + o + ": expected section.key=value");
      }
      String key = o.substring(0, eq).trim();
      String text = o.substring(eq + 1);
      String src = "--set " + o;
      checkKnown(key, src);
      Node node = new Yaml(new LoaderOptions()).compose(new StringReader(text.isEmpty() ? "''" : text));
      raw.put(key, new Raw(rawValue(null, key, node), src));
    }
    return this;
  }

  /**
   * Sets one key programmatically, e.g. {@code set("train.batch_size", 64)}. Values are converted and
   * checked exactly as YAML values are.
   */
  public ConfigParser set(String key, Object value) {
    checkKnown(key, "builder");
    Object v;
    if (value == null) {
      v = null;
    } else if (value instanceof List<?> list) {
      v = list.stream().map(String::valueOf).collect(Collectors.toList());
    } else if (value instanceof Enum<?> e) {
      v = yamlName(e);
    } else {
      v = String.valueOf(value);
    }
    raw.put(key, new Raw(v, "builder"));
    return this;
  }

  /**
   * Pre-fills every key from an existing config. These values are inherited, not given: a key the
   * config's objective or estimator does not read returns to its default when a variant chooses another
   * one (a row switching to {@code infonce} drops the base's {@code objective.alpha}).
   */
  ConfigParser values(ExperimentConfig config) {
    for (var section : ExperimentConfig.SECTIONS.entrySet()) {
      values(section.getKey(), sectionOf(config, section.getKey()));
    }
    return this;
  }

  private void values(String prefix, Record rec) {
    for (RecordComponent c : rec.getClass().getRecordComponents()) {
      String key = prefix + "." + snake(c.getName());
      if (isSubsection(c)) {
        values(key, (Record) read(c, rec));
      } else {
        set(key, read(c, rec));
        raw.put(key, new Raw(raw.get(key).value(), INHERITED));
      }
    }
  }

  /**
   * Converts, range-checks and cross-checks everything into the immutable records. A
   * {@code model.init_from} start brings its settings first ({@link InitFromSettings}): its architecture
   * replaces the config's (the weights fix it), its other settings fill the model keys not given.
   */
  public ExperimentConfig build() {
    Raw init = raw.get("model.init_from");
    if (init != null && init.value() instanceof String from && !from.isBlank()) {
      String src = "from model.init_from " + from.trim() + ", " + init.source();
      InitFromSettings.of(from.trim()).forEach((k, v) -> {
        String key = "model." + k;
        if (InitFromSettings.ARCHITECTURE.contains(k) || !raw.containsKey(key) || raw.get(key).source().startsWith("from ")) {
          raw.put(key, new Raw(v, src));
        }
      });
    }
    return buildWithoutInitFrom();
  }

  /** {@link #build} without reading the {@code init_from} start (for reading a start's own config). */
  ExperimentConfig buildWithoutInitFrom() {
    Record[] sections = new Record[ExperimentConfig.SECTIONS.size()];
    int i = 0;
    for (var section : ExperimentConfig.SECTIONS.entrySet()) {
      Record rec = buildSection(section.getKey(), section.getValue());
      if (dropUnusedKeys(section.getKey(), rec)) {
        rec = buildSection(section.getKey(), section.getValue());
      }
      sections[i++] = rec;
    }
    ExperimentConfig config = new ExperimentConfig((DataConfig) sections[0], (ModelConfig) sections[1],
        (ObjectiveConfig) sections[2], (EstimatorConfig) sections[3], (TrainConfig) sections[4],
        (EvalConfig) sections[5], (ExportConfig) sections[6]);
    Checker check = new Checker();
    config.model().validate(check);
    config.objective().validate(check);
    config.estimator().validate(check);
    config.validate(check);
    return config;
  }

  /** Reports a cross-field rule broken, naming the key and where its value came from. */
  public final class Checker {
    public void require(boolean ok, String key, String message) {
      if (!ok) {
        Raw r = raw.get(key);
        String src = r == null ? "default" : r.source();
        throw new ConfigException(key, key + ": " + message + " (" + src + ")");
      }
    }

    /** Whether {@code key} was given (file, {@code --set} or builder) rather than left at its default. */
    public boolean isSet(String key) {
      return raw.containsKey(key);
    }
  }

  /**
   * Applies the rule of {@link ReadsKeys} to a section whose {@code name} is such a choice: a key the
   * choice does not read is an error when it was given (file, {@code --set}, builder) with a value other
   * than its default, naming the key, the choice and the source. A default value is accepted (resolved
   * configs such as a checkpoint's {@code config.yaml} list every key); an inherited one is dropped.
   *
   * @return whether inherited keys were dropped (the section must be built again)
   */
  private boolean dropUnusedKeys(String section, Record rec) {
    RecordComponent[] comps = rec.getClass().getRecordComponents();
    if (comps.length == 0 || !comps[0].getName().equals("name") || !(read(comps[0], rec) instanceof ReadsKeys choice)) {
      return false;
    }
    String choiceName = section + " " + yamlName((Enum<?>) choice);
    boolean dropped = false;
    for (RecordComponent c : comps) {
      String name = snake(c.getName());
      String key = section + "." + name;
      Raw r = raw.get(key);
      if (name.equals("name") || choice.keys().contains(name) || r == null) {
        continue;
      }
      if (r.source().equals(INHERITED)) {
        raw.remove(key);
        dropped = true;
        continue;
      }
      Field f = c.getAnnotation(Field.class);
      if (!java.util.Objects.equals(read(c, rec), convert(key, c, f, defaultRaw(f), "default"))) {
        throw new ConfigException(key, key + ": not used by " + choiceName + ", which reads "
            + (choice.keys().isEmpty() ? "no other " + section + " key" : choice.keys().stream()
                .map(k -> section + "." + k).collect(Collectors.joining(", ")))
            + "; remove it or choose another " + section + ".name (" + r.source() + ")");
      }
    }
    return dropped;
  }

  private Record buildSection(String section, Class<?> type) {

    RecordComponent[] comps = type.getRecordComponents();
    Object[] args = new Object[comps.length];
    for (int i = 0; i < comps.length; i++) {
      RecordComponent c = comps[i];
      String key = section + "." + snake(c.getName());
      if (isSubsection(c)) {
        args[i] = buildSection(key, c.getType());
        continue;
      }
      Field f = c.getAnnotation(Field.class);
      Raw r = raw.get(key);
      Object value = r != null ? r.value() : defaultRaw(f);
      String src = r != null ? r.source() : "default";
      args[i] = convert(key, c, f, value, src);
    }
    try {
      Constructor<?> ctor = type.getDeclaredConstructor(
          Arrays.stream(comps).map(RecordComponent::getType).toArray(Class<?>[]::new));
      return (Record) ctor.newInstance(args);
    } catch (InvocationTargetException e) {
      if (e.getCause() instanceof RuntimeException re) {
        throw re;
      }
      throw new IllegalStateException(e.getCause());
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("config record " + type.getSimpleName() + " is malformed", e);
    }
  }

  private static Object defaultRaw(Field f) {
    String d = f.value();
    if (f.nullable() && d.isEmpty()) {
      return null;
    }
    if (d.startsWith("[")) {
      String inner = d.substring(1, d.length() - 1).trim();
      return inner.isEmpty() ? List.of() : Arrays.stream(inner.split(",")).map(String::trim).toList();
    }
    return d;
  }

  private static Object convert(String key, RecordComponent c, Field f, Object value, String src) {
    Class<?> t = c.getType();
    if (value == null || (value instanceof String s && s.isEmpty() && t != String.class)) {
      if (f.nullable()) {
        return null;
      }
      throw bad(key, value, src, "a value is required");
    }
    if (value instanceof String s && f.nullable() && s.isEmpty()) {
      return null;
    }
    if (t == List.class) {
      if (value instanceof List<?> l) {
        return List.copyOf(l.stream().map(String::valueOf).toList());
      }
      String s = ((String) value).trim();
      return s.isEmpty() ? List.of() : Arrays.stream(s.split(",")).map(String::trim).toList();
    }
    if (value instanceof List<?>) {
      throw bad(key, value, src, "expected " + typeName(t) + ", got a list");
    }
    String s = ((String) value).trim();
    try {
      if (t == String.class) {
        return s;
      }
      if (t == boolean.class) {
        if (!s.equalsIgnoreCase("true") && !s.equalsIgnoreCase("false")) {
          throw bad(key, s, src, "expected true or false");
        }
        return Boolean.parseBoolean(s);
      }
      if (t == Precision.class && s.equalsIgnoreCase(Precision.AUTO)) {
        return Precision.auto();
      }
      if (t.isEnum()) {
        for (Object constant : t.getEnumConstants()) {
          if (yamlName((Enum<?>) constant).equals(s.toLowerCase(Locale.ROOT))) {
            return constant;
          }
        }
        List<String> names = new ArrayList<>(Arrays.stream(t.getEnumConstants()).map(e -> yamlName((Enum<?>) e)).toList());
        if (t == Precision.class) {
          names.add(Precision.AUTO);
        }
        throw bad(key, s, src, "expected one of " + String.join(" | ", names) + suggest(s, names));
      }
      double d;
      Object out;
      if (t == int.class) {
        long l = parseWhole(s);
        if (l > Integer.MAX_VALUE || l < Integer.MIN_VALUE) {
          throw bad(key, s, src, "out of range for an integer");
        }
        out = (int) l;
        d = l;
      } else if (t == long.class) {
        long l = parseWhole(s);
        out = l;
        d = l;
      } else if (t == double.class) {
        d = Double.parseDouble(s);
        if (Double.isNaN(d) || Double.isInfinite(d)) {
          throw bad(key, s, src, "expected a finite number");
        }
        out = d;
      } else {
        throw new IllegalStateException("unsupported config type " + t + " for " + key);
      }
      if (d < f.min() || (f.minExclusive() && d == f.min())) {
        throw bad(key, s, src, "must be " + (f.minExclusive() ? "> " : ">= ") + num(f.min()));
      }
      if (d > f.max()) {
        throw bad(key, s, src, "must be <= " + num(f.max()));
      }
      return out;
    } catch (NumberFormatException e) {
      throw bad(key, s, src, "expected " + typeName(t));
    }
  }

  private static long parseWhole(String s) {
    if (s.matches("[+-]?\\d+")) {
      return Long.parseLong(s);
    }
    double d = Double.parseDouble(s); // accepts 1e3
    if (d != Math.rint(d) || Math.abs(d) > 9e15) {
      throw new NumberFormatException(s);
    }
    return (long) d;
  }

  private static ConfigException bad(String key, Object value, String src, String why) {
    return new ConfigException(key, key + ": " + why + ", got '" + value + "' (" + src + ")");
  }

  private static String typeName(Class<?> t) {
    if (t == int.class || t == long.class) {
      return "an integer";
    }
    if (t == double.class) {
      return "a number";
    }
    return t.getSimpleName();
  }

  private static String num(double d) {
    return d == Math.rint(d) ? String.valueOf((long) d) : String.valueOf(d);
  }

  private static void checkKnown(String key, String src) {
    int dot = key.indexOf('.');
    String section = dot < 0 ? key : key.substring(0, dot);
    Class<? extends Record> type = ExperimentConfig.SECTIONS.get(section);
    if (type == null || dot < 0) {
      throw new ConfigException(key, "unknown key '" + key + "' (" + src + ")"
          + suggest(section, ExperimentConfig.SECTIONS.keySet()) + "; sections are "
          + ExperimentConfig.SECTIONS.keySet());
    }
    String name = key.substring(dot + 1);
    List<String> keys = keys(type);
    if (!keys.contains(name)) {
      throw new ConfigException(key, "unknown key '" + key + "' (" + src + ")" + suggest(name, keys)
          + "; keys of " + section + ": " + String.join(", ", keys));
    }
  }

  private static Object rawValue(Path path, String key, Node node) {
    if (node instanceof ScalarNode s) {
      String v = s.getValue();
      return (v.equals("~") || v.equals("null")) && s.getTag().getValue().endsWith(":null") ? null : v;
    }
    if (node instanceof SequenceNode seq) {
      List<String> items = new ArrayList<>();
      for (Node n : seq.getValue()) {
        if (!(n instanceof ScalarNode s)) {
          throw new ConfigException(key, where(path, n) + ": " + key + ": list items must be plain values");
        }
        items.add(s.getValue());
      }
      return items;
    }
    throw new ConfigException(key, where(path, node) + ": " + key + ": expected a value, got a mapping");
  }

  private static String scalar(Path path, Node n) {
    if (n instanceof ScalarNode s) {
      return s.getValue();
    }
    throw new ConfigException("", where(path, n) + ": keys must be plain names");
  }

  private static String where(Path path, Node n) {
    return (path == null ? "--set" : path.toString()) + ":" + (n.getStartMark().getLine() + 1);
  }

  /** A " (did you mean 'x'?)" hint when a close key exists. */
  public static String suggest(String wrong, Iterable<String> known) {
    String best = null;
    int bestDist = Integer.MAX_VALUE;
    for (String k : known) {
      int d = editDistance(wrong, k);
      if (d < bestDist) {
        bestDist = d;
        best = k;
      }
    }
    return best != null && bestDist <= Math.max(2, wrong.length() / 3) ? " (did you mean '" + best + "'?)" : "";
  }

  private static int editDistance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int sub = prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        cur[j] = Math.min(sub, Math.min(prev[j] + 1, cur[j - 1] + 1));
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }

  /** {@code batchSize} → {@code batch_size}. */
  static String snake(String camel) {
    return camel.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toLowerCase(Locale.ROOT);
  }

  /** {@code SOFT_INFONCE} → {@code soft_infonce}. */
  public static String yamlName(Enum<?> e) {
    return e.name().toLowerCase(Locale.ROOT);
  }

  private static Record sectionOf(ExperimentConfig config, String name) {
    return (Record) read(recordComponent(ExperimentConfig.class, name), config);
  }

  private static RecordComponent recordComponent(Class<?> type, String name) {
    for (RecordComponent c : type.getRecordComponents()) {
      if (c.getName().equals(name)) {
        return c;
      }
    }
    throw new IllegalStateException(name);
  }

  private static Object read(RecordComponent c, Object rec) {
    try {
      return c.getAccessor().invoke(rec);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(e);
    }
  }

  static String toYaml(ExperimentConfig config) {
    return toYaml(config, null);
  }

  /**
   * The config as YAML; with a {@code folder}, headed by {@link #FOLDER_RELATIVE} and with every path
   * written relative to {@code folder} (a named start such as {@code pretrained:NAME} is not a path).
   */
  static String toYaml(ExperimentConfig config, Path folder) {
    StringBuilder sb = new StringBuilder();
    if (folder != null) {
      sb.append(FOLDER_RELATIVE).append('\n');
    }
    for (var section : ExperimentConfig.SECTIONS.entrySet()) {
      sb.append(section.getKey()).append(":\n");
      yaml(sb, "  ", sectionOf(config, section.getKey()), folder);
    }
    return sb.toString();
  }

  private static void yaml(StringBuilder sb, String indent, Record rec, Path folder) {
    for (RecordComponent c : rec.getClass().getRecordComponents()) {
      Object v = read(c, rec);
      sb.append(indent).append(snake(c.getName())).append(':');
      if (isSubsection(c)) {
        sb.append('\n');
        yaml(sb, indent + "  ", (Record) v, folder);
        continue;
      }
      if (folder != null && v instanceof String s && c.getAnnotation(Field.class).path()) {
        v = PretrainedStart.isNamed(s) ? s : FolderPaths.relativeTo(folder, s);
      }
      sb.append(' ').append(yamlValue(v)).append('\n');
    }
  }

  private static String yamlValue(Object v) {
    if (v == null) {
      return "null";
    }
    if (v instanceof Enum<?> e) {
      return yamlName(e);
    }
    if (v instanceof List<?> l) {
      return l.stream().map(x -> quote(String.valueOf(x))).collect(Collectors.joining(", ", "[", "]"));
    }
    if (v instanceof String s) {
      return quote(s);
    }
    return String.valueOf(v);
  }

  private static String quote(String s) {
    return s.matches("[A-Za-z0-9_./:+\\-]+") && !s.equals("null") && !s.equals("true") && !s.equals("false")
        ? s : "'" + s.replace("'", "''") + "'";
  }
}
