package dev.softinfonce.export;

import dev.softinfonce.config.ExperimentConfig;
import dev.softinfonce.model.DualEncoder;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.tensorflow.Graph;
import org.tensorflow.Session;
import org.tensorflow.op.Ops;

/**
 * Test fixture: a tiny randomly initialised dual encoder (2 layers, hidden 32) saved as a checkpoint
 * folder in either layout {@link CheckpointDir} accepts, with the test WordPiece {@code tokenizer.json}
 * (81 tokens: [PAD]=0, [UNK]=1, [CLS]=2, [SEP]=3).
 */
public final class TinyCheckpoints {
  private TinyCheckpoints() {}

  /** The two layouts written by the project. */
  public enum Layout { TRAINER, IMPORTED }

  /** A tiny config; extra overrides as "key=value". */
  public static ExperimentConfig config(String... overrides) {
    var b = ExperimentConfig.builder()
        .set("model.vocab_size", 96).set("model.hidden_size", 32).set("model.num_layers", 2)
        .set("model.num_heads", 4).set("model.intermediate_size", 64).set("model.max_positions", 64)
        .set("model.max_query_length", 16).set("model.max_code_length", 32);
    return b.overrides(java.util.List.of(overrides)).build();
  }

  /** Copies the test tokenizer to {@code file}. */
  public static Path tokenizer(Path file) {
    try (InputStream in = TinyCheckpoints.class.getResourceAsStream("/export/tokenizer.json")) {
      Files.createDirectories(file.toAbsolutePath().getParent());
      Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Writes a checkpoint folder with random weights from {@code seed}; returns {@code dir}. */
  public static Path write(Path dir, Layout layout, ExperimentConfig cfg, long seed) throws IOException {
    Files.createDirectories(dir);
    Path prefix = layout == Layout.TRAINER ? dir.resolve("variables") : dir.resolve("variables/variables");
    Files.createDirectories(prefix.getParent());
    try (Graph g = new Graph(); Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      DualEncoder enc = new DualEncoder(tf, cfg.model(), true, seed);
      s.initialize();
      if (cfg.model().learnTemperature()) { // move logit_scale away from its init so tests see it restored
        @SuppressWarnings("unchecked")
        var scale = (org.tensorflow.Operand<org.tensorflow.types.TFloat32>) (org.tensorflow.Operand<?>)
            enc.variables().get(DualEncoder.LOGIT_SCALE);
        s.runner().addTarget(tf.assign(scale, tf.constant(2.5f))).run().close();
      }
      s.save(prefix.toString());
    }
    String yaml = cfg.toYaml();
    if (layout == Layout.IMPORTED) { // PretrainedCheckpoint writes only the model: section
      StringBuilder out = new StringBuilder();
      boolean in = false;
      for (String line : yaml.split("\n")) {
        if (!line.startsWith(" ") && !line.isEmpty()) {
          in = line.equals("model:");
        }
        if (in) {
          out.append(line).append('\n');
        }
      }
      yaml = out.toString();
    }
    Files.writeString(dir.resolve("config.yaml"), yaml);
    tokenizer(dir.resolve("tokenizer.json"));
    dev.softinfonce.integrity.Manifest.write(dir, dev.softinfonce.integrity.Manifest.FILE, java.util.List.of());
    return dir;
  }
}
