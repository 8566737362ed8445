package dev.softinfonce.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.softinfonce.config.ExperimentConfig;
import dev.softinfonce.config.ModelConfig;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/** The model's one similarity: its name and scale agree with what {@link DualEncoder#scores} computes. */
class SimilarityTest {

  private static ModelConfig model(String... sets) {
    var b = ExperimentConfig.builder().set("model.hidden_size", 8).set("model.num_layers", 1)
        .set("model.num_heads", 2).set("model.intermediate_size", 16).set("model.vocab_size", 20);
    for (String s : sets) {
      String[] kv = s.split("=", 2);
      b.set(kv[0], kv[1]);
    }
    return b.build().model();
  }

  @Test
  void nameAndScaleMatchTheScoresOp() {
    for (ModelConfig m : new ModelConfig[] {model(), model("model.normalize=true", "model.temperature=0.05"),
        model("model.normalize=true", "model.temperature=0.05", "model.learn_temperature=true")}) {
      try (Graph g = new Graph(); Session s = new Session(g)) {
        Ops tf = Ops.create(g);
        DualEncoder enc = new DualEncoder(tf, m, false, 1);
        Similarity sim = enc.similarity();
        assertEquals(m.normalize() ? "cosine" : "dot", sim.name());
        Operand<TFloat32> q = tf.constant(new float[][] {{3, 4}}); // [1, 2]
        Operand<TFloat32> c = tf.constant(new float[][] {{1, 2}}); // [1, 2]; q·c = 11
        try (Result r = s.runner().fetch(enc.scores(q, c)).run()) {
          assertEquals(11 * sim.scale(s, enc), ((TFloat32) r.get(0)).getFloat(0, 0), 1e-3, m.toString());
        }
        assertEquals(m.normalize() ? 20.0 : 1.0, sim.scale(s, enc), 1e-4); // exp(log(1/0.05)) when learnt
      }
    }
  }
}
