package dev.softinfonce.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.softinfonce.config.ExperimentConfig;
import dev.softinfonce.config.ModelConfig;
import dev.softinfonce.model.DualEncoder;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Variable;

class TrainingFlopsTest {

  private static ModelConfig tiny() {
    return ExperimentConfig.builder().set("model.num_layers", 2).set("model.hidden_size", 128)
        .set("model.num_heads", 4).set("model.intermediate_size", 512).set("model.vocab_size", 8000).build().model();
  }

  @Test
  void nonEmbeddingParamsMatchTheGraphsVariables() {
    for (String pooling : new String[] {"mean", "pooler"}) {
      ModelConfig cfg = ExperimentConfig.builder().set("model.num_layers", 3).set("model.hidden_size", 24)
          .set("model.num_heads", 4).set("model.intermediate_size", 40).set("model.vocab_size", 50)
          .set("model.max_positions", 64).set("model.max_query_length", 16).set("model.max_code_length", 32).set("model.pooling", pooling).build().model();
      long nonEmb = 0;
      long emb = 0;
      try (Graph g = new Graph()) {
        DualEncoder enc = new DualEncoder(Ops.create(g), cfg, false, 1L);
        for (var e : enc.variables().entrySet()) {
          long size = ((Variable<?>) e.getValue()).shape().size();
          if (e.getKey().endsWith("_embeddings.weight")) {
            emb += size;
          } else {
            nonEmb += size;
          }
        }
      }
      assertEquals(nonEmb, TrainingFlops.nonEmbeddingParams(cfg), pooling);
      assertEquals(emb, TrainingFlops.embeddingParams(cfg), pooling);
    }
  }

  @Test
  void tinyFiguresByHand() {
    // per layer: 4*(128*128+128) + (128*512+512) + (512*128+128) + 4*128 = 66048 + 66048 + 65664 + 512 = 198272
    // plus the embedding LayerNorm 256: 2*198272 + 256 = 396800 (PyTorch's count for the same model too)
    assertEquals(396_800, TrainingFlops.nonEmbeddingParams(tiny()));
    // T = 32: 6*396800*32 + 12*2*128*32^2 = 76185600 + 3145728
    assertEquals(79_331_328.0, TrainingFlops.perSequence(tiny(), 32), 0);
    // step: 32 * (flops(32) + flops(96)); flops(96) = 6*396800*96 + 12*2*128*96^2 = 228556800 + 28311552
    assertEquals(32 * (79_331_328.0 + 256_868_352.0), TrainingFlops.perStep(tiny(), 32, 32, 96), 0);
  }
}
