package dev.softinfonce.model;

import dev.softinfonce.config.ExperimentConfig;
import dev.softinfonce.config.ModelConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Session;
import org.tensorflow.exceptions.TensorFlowException;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Variable;
import org.tensorflow.op.train.Restore;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.family.TType;

/**
 * An encoder weight directory that {@code model.init_from} points at:
 *
 * <pre>
 * DIR/config.yaml              the resolved {@code model:} section (readable by ExperimentConfig.load)
 * DIR/tokenizer.json           the tokenizer, when one was given
 * DIR/variables/variables.*    a TF checkpoint (Session.save format) keyed by HF variable names
 * </pre>
 *
 * <p>{@link #restore} loads such a checkpoint (or any TF checkpoint prefix, e.g. a trainer's) into the
 * variables of a graph by name, mapping prefixed names ({@code query.}, {@code estimator.simcse.}) onto
 * the checkpoint's plain names, and fails listing every variable it could not fill.
 */
public final class PretrainedCheckpoint {
  private static final Logger LOG = LoggerFactory.getLogger(PretrainedCheckpoint.class);

  public static final String CONFIG = "config.yaml";
  public static final String TOKENIZER = "tokenizer.json";
  public static final String VARIABLES = "variables/variables";

  private PretrainedCheckpoint() {}

  /** Writes {@code weights} (our names and layout, float32) with the config and tokenizer into {@code dir}. */
  public static void write(Path dir, ModelConfig cfg, Map<String, NamedTensor> weights, Path tokenizer)
      throws IOException {
    Files.createDirectories(dir.resolve(VARIABLES).getParent());
    ModelConfig resolved = cfg;
    if (tokenizer != null) {
      Path copy = dir.resolve(TOKENIZER);
      Files.copy(tokenizer, copy, StandardCopyOption.REPLACE_EXISTING);
      resolved = withModel(cfg, "tokenizer", copy.toAbsolutePath().toString());
    }
    Files.writeString(dir.resolve(CONFIG), modelYaml(resolved));
    try (Graph g = new Graph(); Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      List<Op> assigns = new ArrayList<>();
      List<Placeholder<TFloat32>> feeds = new ArrayList<>();
      for (NamedTensor t : weights.values()) {
        Variable<TFloat32> v = tf.withName(t.name()).variable(Shape.of(t.shape()), TFloat32.class);
        Placeholder<TFloat32> p = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(t.shape())));
        feeds.add(p);
        assigns.add(tf.assign(v, p));
      }
      int i = 0;
      for (NamedTensor t : weights.values()) {
        try (TFloat32 value = TFloat32.tensorOf(Shape.of(t.shape()), DataBuffers.of(t.data(), true, false))) {
          s.runner().feed(feeds.get(i), value).addTarget(assigns.get(i)).run().close();
        }
        i++;
      }
      s.save(dir.resolve(VARIABLES).toString());
    }
    dev.softinfonce.integrity.Manifest.write(dir, dev.softinfonce.integrity.Manifest.FILE, List.of());
  }

  /** The model config stored in {@code dir}/config.yaml. */
  public static ModelConfig readConfig(Path dir) {
    return ExperimentConfig.load(dir.resolve(CONFIG), List.of()).model();
  }

  /**
   * Restores {@code variables} from the checkpoint in {@code dir} ({@code dir/variables/variables}, or
   * {@code dir} itself if it is a checkpoint prefix). A variable named {@code prefix + x} is read from
   * checkpoint key {@code x}; for separate towers, {@code query.x}/{@code code.x} fall back to {@code x}
   * when the checkpoint has no tower prefix. Runs a session; call it after building the graph and before
   * training. Fails, listing them, if any variable is missing from the checkpoint or has another shape.
   *
   * @return the number of tensors loaded (also logged)
   */
  public static int restore(Session s, Ops tf, Map<String, ? extends Variable<?>> variables, Path dir, String prefix) {
    String ckpt = checkpointPrefix(dir);
    Map<String, String> keys = new LinkedHashMap<>();
    for (String name : variables.keySet()) {
      String k = prefix != null && !prefix.isEmpty() && name.startsWith(prefix) ? name.substring(prefix.length()) : name;
      keys.put(name, k);
    }
    // Separate towers from a single-tower checkpoint: if query.x / code.x are absent but x is there, map
    // every tower variable onto the plain name (one probe decides for all).
    keys.entrySet().stream().filter(e -> isTower(e.getValue())).findFirst().ifPresent(first -> {
      Variable<?> v = variables.get(first.getKey());
      if (!hasKey(s, tf, ckpt, first.getValue(), v) && hasKey(s, tf, ckpt, stripTower(first.getValue()), v)) {
        keys.replaceAll((name, k) -> isTower(k) ? stripTower(k) : k);
      }
    });
    try {
      runRestore(s, tf, variables, keys, ckpt);
    } catch (TensorFlowException first) {
      String why = firstLine(first.getMessage());
      if (looksDamaged(why)) { // TF's own CRC32C or table checks: the variable is there, its bytes are not
        throw new dev.softinfonce.integrity.IntegrityException("checkpoint " + ckpt + ".index/.data-*: damaged: "
            + why, first);
      }
      List<String> missing = new ArrayList<>();
      for (var e : keys.entrySet()) {
        if (!hasKey(s, tf, ckpt, e.getValue(), variables.get(e.getKey()))) {
          missing.add(e.getKey() + (e.getKey().equals(e.getValue()) ? "" : " (key " + e.getValue() + ")"));
        }
      }
      if (missing.size() == keys.size() && keys.size() > 1) { // nothing readable: the files, not the names
        throw new dev.softinfonce.integrity.IntegrityException("checkpoint " + ckpt + ".index/.data-*: damaged or not"
            + " a checkpoint of this model: none of its " + keys.size() + " variables can be read: " + why, first);
      }
      if (!missing.isEmpty()) {
        throw new IllegalArgumentException("init_from " + dir + ": " + missing.size()
            + " variable(s) not in the checkpoint: " + String.join(", ", missing));
      }
      throw new IllegalArgumentException("init_from " + dir + ": restoring failed (does the model config match "
          + dir.resolve(CONFIG) + "?): " + first.getMessage(), first);
    }
    LOG.info("loaded {} tensors from {} into {} variables", variables.size(), ckpt, variables.size());
    return variables.size();
  }

  /**
   * {@code model.init_from} for a dual encoder: restores every tower variable (not {@code logit_scale},
   * which keeps its configured initial value) from {@code dir}, whatever the encoder's prefix and tower
   * layout. Returns the number of tensors loaded.
   */
  public static int restoreEncoder(Session s, Ops tf, DualEncoder encoder, Path dir) {
    return restore(s, tf, encoder.encoderVariables(), dir, encoder.prefix());
  }

  /** TF's messages for checkpoint bytes that fail their own checks (not for a missing or misshapen variable). */
  static boolean looksDamaged(String tfMessage) {
    String m = tfMessage.toLowerCase(java.util.Locale.ROOT);
    return m.contains("checksum does not match") || m.contains("not an sstable") || m.contains("corrupt")
        || m.contains("data loss") || m.contains("truncated") || m.contains("read fewer bytes")
        || m.contains("unable to open table file") || m.contains("bad magic");
  }

  private static String firstLine(String m) {
    String s = String.valueOf(m);
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }

  private static boolean isTower(String key) {
    return key.startsWith("query.") || key.startsWith("code.");
  }

  private static String stripTower(String key) {
    return key.substring(key.indexOf('.') + 1);
  }

  private static String checkpointPrefix(Path dir) {
    if (Files.isRegularFile(dir.resolve(VARIABLES + ".index"))) {
      return dir.resolve(VARIABLES).toString();
    }
    if (Files.isRegularFile(Path.of(dir + ".index"))) {
      return dir.toString();
    }
    throw new IllegalArgumentException("init_from " + dir + ": no checkpoint (expected " + dir.resolve(VARIABLES)
        + ".index)");
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static void runRestore(Session s, Ops tf, Map<String, ? extends Variable<?>> variables,
      Map<String, String> keys, String ckpt) {
    List<String> names = new ArrayList<>(variables.keySet());
    String[] tensorNames = names.stream().map(keys::get).toArray(String[]::new);
    String[] slices = new String[names.size()];
    java.util.Arrays.fill(slices, "");
    List<Class<? extends TType>> types = new ArrayList<>();
    for (String n : names) {
      types.add(variables.get(n).type());
    }
    Restore r = tf.train.restore(tf.constant(ckpt), tf.constant(java.nio.charset.StandardCharsets.UTF_8, tensorNames), tf.constant(java.nio.charset.StandardCharsets.UTF_8, slices), types);
    var runner = s.runner();
    for (int i = 0; i < names.size(); i++) {
      runner.addTarget(tf.assign((Operand) variables.get(names.get(i)), (Operand) r.tensors().get(i)));
    }
    runner.run().close();
  }

  private static boolean hasKey(Session s, Ops tf, String ckpt, String key, Variable<?> like) {
    try {
      Restore r = tf.train.restore(tf.constant(ckpt), tf.constant(java.nio.charset.StandardCharsets.UTF_8, new String[] {key}), tf.constant(java.nio.charset.StandardCharsets.UTF_8, new String[] {""}),
          List.of(like.type()));
      try (var res = s.runner().fetch(r.tensors().get(0)).run()) {
        return res.size() == 1;
      }
    } catch (TensorFlowException e) {
      return false;
    }
  }

  /** The {@code model:} section of the YAML for {@code cfg} (other sections stay at their defaults). */
  static String modelYaml(ModelConfig cfg) {
    var b = ExperimentConfig.defaults().toBuilder();
    for (var rc : ModelConfig.class.getRecordComponents()) {
      try {
        b.set("model." + WeightImporter.snake(rc.getName()), rc.getAccessor().invoke(cfg));
      } catch (ReflectiveOperationException e) {
        throw new IllegalStateException(e);
      }
    }
    String yaml = b.build().toYaml();
    StringBuilder out = new StringBuilder("# written by softinfonce model import\n");
    boolean in = false;
    for (String line : yaml.split("\n")) {
      if (!line.startsWith(" ") && !line.isEmpty()) {
        in = line.equals("model:");
      }
      if (in) {
        out.append(line).append('\n');
      }
    }
    return out.toString();
  }

  /** {@code cfg} with one field replaced (through the config parser, so it is validated). */
  static ModelConfig withModel(ModelConfig cfg, String field, Object value) {
    var b = ExperimentConfig.defaults().toBuilder();
    for (var rc : ModelConfig.class.getRecordComponents()) {
      try {
        b.set("model." + WeightImporter.snake(rc.getName()), rc.getAccessor().invoke(cfg));
      } catch (ReflectiveOperationException e) {
        throw new IllegalStateException(e);
      }
    }
    return b.set("model." + field, value).build().model();
  }
}
