package dev.softinfonce.model;

import dev.softinfonce.config.ModelConfig;
import java.util.Locale;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.types.TFloat32;

/**
 * The model's similarity, the one definition training, export, index and eval read:
 * {@code score(q, c) = (q · c) × scale} over the embeddings {@link DualEncoder} returns, which are unit
 * rows when {@code model.normalize} is set (then {@code q · c} is the cosine), and
 * {@code scale = 1/τ} ({@code model.temperature}) or {@code exp(logit_scale)} when the temperature is
 * learnt ({@code model.learn_temperature}; the value is in the checkpoint).
 *
 * <p>{@link DualEncoder#scores} builds it as ops; the export writes {@link #name()} and
 * {@link #scale} into {@code serving.yaml}, which the index and the server read back; retrieval
 * evaluation ranks by {@code q · c} of the same embeddings (a positive scale does not change a ranking).
 *
 * @param cosine whether embeddings are L2-normalised ({@code model.normalize})
 * @param temperature τ as configured
 * @param learntScale whether the scale is the variable {@link DualEncoder#LOGIT_SCALE}
 */
public record Similarity(boolean cosine, double temperature, boolean learntScale) {

  /** The similarity a {@code model:} config defines. */
  public static Similarity of(ModelConfig m) {
    return new Similarity(m.normalize(), m.temperature(), m.learnTemperature());
  }

  /** {@code cosine} or {@code dot}, as {@code serving.yaml} and the index header name it. */
  public String name() {
    return (cosine ? "cosine" : "dot").toLowerCase(Locale.ROOT);
  }

  /** The scale of a fixed temperature, {@code 1/τ}; for a learnt one use {@link #scale(Session, DualEncoder)}. */
  public double fixedScale() {
    return 1.0 / temperature;
  }

  /** The factor on {@code q · c}: {@code exp(logit_scale)} read from {@code s} when learnt, else {@code 1/τ}. */
  public double scale(Session s, DualEncoder encoder) {
    if (!learntScale) {
      return fixedScale();
    }
    try (Result r = s.runner().fetch(encoder.variables().get(encoder.prefix() + DualEncoder.LOGIT_SCALE)).run()) {
      return Math.exp(((TFloat32) r.get(0)).getFloat());
    }
  }
}
