package dev.softinfonce.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.Graph;
import org.tensorflow.Session;
import org.tensorflow.op.Ops;

/**
 * {@link Checkpoints#resolveModel}: how {@code estimator.model}, {@code model.init_from} and
 * {@code eval --model} turn a run folder into one checkpoint (best, else newest) and leave checkpoint
 * folders alone.
 */
class ModelFolderResolutionTest {
  @TempDir Path dir;

  private static TrainState state(long step, long best) {
    return new TrainState(step, 0, step, 1, null, best >= 0 ? 0.1 * best : null, best, Map.of());
  }

  /** Saves checkpoints at {@code steps} with the given best step recorded in each state. */
  private static void saveRun(Path run, long best, long... steps) {
    try (Graph g = new Graph(); Session s = new Session(g)) {
      Ops tf = Ops.create(g);
      tf.withName("w").variable(tf.constant(new float[] {1f, 2f}));
      s.initialize();
      Checkpoints ck = new Checkpoints(run, 2);
      for (long step : steps) {
        ck.save(s, state(step, step >= best ? best : -1), "x: 1\n");
      }
    }
  }

  @Test
  void runFolderResolvesToItsBestCheckpointNotItsNewest() {
    Path run = dir.resolve("run");
    saveRun(run, 4, 2, 4, 6, 8); // keeps 6, 8 (newest two) and 4 (best)
    assertEquals(3, Checkpoints.list(run).size(), Checkpoints.list(run).toString());
    assertEquals(run.resolve("checkpoint-4"), Checkpoints.resolveModel(run, "estimator.model"));
  }

  @Test
  void runWithoutValidationResolvesToItsNewestCheckpoint() {
    Path run = dir.resolve("run");
    saveRun(run, -1, 3, 5);
    assertEquals(run.resolve("checkpoint-5"), Checkpoints.resolveModel(run, "estimator.model"));
  }

  @Test
  void checkpointFoldersOfBothLayoutsAreReturnedUnchanged() throws Exception {
    Path run = dir.resolve("run");
    saveRun(run, 2, 2, 4);
    Path ck = run.resolve("checkpoint-4");
    assertEquals(ck, Checkpoints.resolveModel(ck, "estimator.model"));
    Path imported = dir.resolve("imported");
    Files.createDirectories(imported.resolve("variables"));
    Files.writeString(imported.resolve("variables/variables.index"), "");
    assertEquals(imported, Checkpoints.resolveModel(imported, "model.init_from"));
  }

  @Test
  void neitherCheckpointNorRunIsAnErrorNamingKeyAndFolder() throws Exception {
    Path empty = Files.createDirectories(dir.resolve("empty"));
    String msg = assertThrows(IllegalArgumentException.class,
        () -> Checkpoints.resolveModel(empty, "estimator.model")).getMessage();
    assertTrue(msg.startsWith("estimator.model: " + empty) && msg.contains("checkpoint-<step>"), msg);
    String missing = assertThrows(IllegalArgumentException.class,
        () -> Checkpoints.resolveModel(dir.resolve("nope"), "model.init_from")).getMessage();
    assertTrue(missing.startsWith("model.init_from: ") && missing.contains("nope"), missing);
  }
}
