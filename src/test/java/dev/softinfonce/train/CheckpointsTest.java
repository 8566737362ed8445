package dev.softinfonce.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.softinfonce.config.ExperimentConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;

class CheckpointsTest {
  static final List<String> STATE_VARS = List.of("lin.weight", "lin.bias", "lin.weight-m", "lin.weight-v",
      "lin.bias-m", "lin.bias-v", "adamw_beta1_power", "adamw_beta2_power");

  /** A toy training graph: y ≈ x·w + b with AdamW; the same construction in every session. */
  static final class Toy implements AutoCloseable {
    final Graph graph = new Graph();
    final Session session = new Session(graph);
    final AdamW.Update update;

    Toy() {
      Ops tf = Ops.create(graph);
      Ops init = tf.withInitScope();
      Operand<TFloat32> w = tf.withName("lin.weight").variable(init.constant(new float[] {0.2f, -0.4f}));
      Operand<TFloat32> b = tf.withName("lin.bias").variable(init.constant(0.1f));
      Operand<TFloat32> x = tf.constant(new float[][] {{1f, 2f}, {-1f, 0.5f}, {0.3f, -0.8f}}); // [3, 2]
      Operand<TFloat32> y = tf.constant(new float[] {1f, -2f, 0.5f});                         // [3]
      Operand<TFloat32> pred = tf.math.add(tf.reduceSum(tf.math.mul(x, w), tf.constant(1)), b); // [3]
      Operand<TFloat32> loss = tf.math.mean(tf.math.squaredDifference(pred, y), tf.constant(0));
      update = AdamW.builder().weightDecay(0.1).gradClip(1.0).build().minimize(tf, loss);
    }

    void train(int steps) {
      for (int i = 0; i < steps; i++) {
        try (TFloat32 lr = TFloat32.scalarOf(0.05f);
             Result r = session.runner().feed(update.learningRate(), lr).addTarget(update.train()).run()) {
          assertEquals(0, r.size());
        }
      }
    }

    Map<String, float[]> snapshot() {
      Map<String, float[]> out = new LinkedHashMap<>();
      for (String name : STATE_VARS) {
        try (Result r = session.runner().fetch(name).run()) {
          TFloat32 t = (TFloat32) r.get(0);
          float[] v = new float[(int) t.size()];
          if (t.shape().numDimensions() == 0) {
            v[0] = t.getFloat();
          } else {
            for (int i = 0; i < v.length; i++) v[i] = t.getFloat(i);
          }
          out.put(name, v);
        }
      }
      return out;
    }

    long step() {
      try (Result r = session.runner().fetch(update.step()).run()) {
        return ((TInt64) r.get(0)).getLong();
      }
    }

    @Override
    public void close() {
      session.close();
      graph.close();
    }
  }

  static TrainState state(long step, long best) {
    return new TrainState(step, 1, step % 7, 1234, "rng:" + step, best >= 0 ? 0.5 + step / 100.0 : null, best,
        Map.of("loss", 1.0 / (step + 1), "lr", 0.05));
  }

  @Test
  void roundTripRestoresVariablesSlotsStepAndContinuesIdentically(@TempDir Path run) {
    Checkpoints ck = new Checkpoints(run, 3);
    String yaml = ExperimentConfig.defaults().toYaml();
    Map<String, float[]> saved;
    Map<String, float[]> afterOneMore;
    try (Toy a = new Toy()) {
      a.train(3);
      saved = a.snapshot();
      Path dir = ck.save(a.session, state(3, 3), yaml);
      assertEquals(run.resolve("checkpoint-3"), dir);
      assertTrue(Files.isRegularFile(dir.resolve("variables.index")));
      a.train(1);
      afterOneMore = a.snapshot();
    }
    try (Toy b = new Toy()) {
      Path latest = Checkpoints.latest(run).orElseThrow();
      TrainState st = Checkpoints.restore(b.session, latest);
      assertEquals(state(3, 3), st);
      assertEquals(3L, b.step());
      Map<String, float[]> restored = b.snapshot();
      for (String name : STATE_VARS) {
        assertArrayEquals(saved.get(name), restored.get(name), name);
      }
      assertFalse(restored.get("lin.weight-v")[0] == 0f, "slots were trained, not zero");
      b.train(1);
      Map<String, float[]> next = b.snapshot();
      for (String name : STATE_VARS) {
        assertArrayEquals(afterOneMore.get(name), next.get(name), "resumed step equals uninterrupted: " + name);
      }
      assertEquals(yaml, Checkpoints.readConfigYaml(latest));
      assertEquals(ExperimentConfig.defaults(), ExperimentConfig.load(latest.resolve("config.yaml"), List.of()));
    }
  }

  @Test
  void partialAndTempFoldersAreIgnored(@TempDir Path run) throws Exception {
    Checkpoints ck = new Checkpoints(run, 3);
    try (Toy a = new Toy()) {
      ck.save(a.session, state(3, -1), "x: 1\n");
    }
    Files.createDirectories(run.resolve(".tmp-checkpoint-9-123"));
    Files.writeString(run.resolve(".tmp-checkpoint-9-123/variables.index"), "half");
    Files.createDirectories(run.resolve("checkpoint-10"));                   // no state.json
    Files.writeString(run.resolve("checkpoint-10/variables.index"), "copied by hand, incomplete");
    Files.createDirectories(run.resolve("checkpoint-11"));
    Files.writeString(run.resolve("checkpoint-11/state.json"), "{}");        // no variables
    assertEquals(Optional.of(run.resolve("checkpoint-3")), Checkpoints.latest(run));
    assertEquals(Optional.empty(), Checkpoints.latest(run.resolve("nothing-here")));
    assertEquals(state(3, -1), Checkpoints.readState(run.resolve("checkpoint-3")), "null best round-trips");
    assertEquals(Optional.empty(), Checkpoints.best(run), "no best recorded yet");
  }

  @Test
  void failureBeforeCommitLeavesNoHalfCheckpoint(@TempDir Path run) {
    Checkpoints ck = new Checkpoints(run, 3);
    try (Toy a = new Toy()) {
      a.train(1);
      ck.save(a.session, state(1, -1), "x: 1\n");
      a.train(1);
      ck.beforeCommit = () -> {
        throw new IllegalStateException("simulated crash after writing, before rename");
      };
      assertThrows(IllegalStateException.class, () -> ck.save(a.session, state(2, -1), "x: 1\n"));
      assertFalse(Files.exists(run.resolve("checkpoint-2")), "no checkpoint-2 visible");
      assertEquals(Optional.of(run.resolve("checkpoint-1")), Checkpoints.latest(run));
      assertTrue(temps(run) > 0, "the half-written temp folder is still there (as after a crash)");
      ck.beforeCommit = () -> {};
      a.train(1);
      ck.save(a.session, state(3, -1), "x: 1\n");
      assertEquals(0, temps(run), "stale temp folders removed by the next save");
      assertEquals(List.of(1L, 3L), Checkpoints.steps(run));
    }
  }

  @Test
  void retentionKeepsLastKAndTheBest(@TempDir Path run) {
    Checkpoints ck = new Checkpoints(run, 2);
    try (Toy a = new Toy()) {
      for (long s = 1; s <= 6; s++) {
        a.train(1);
        ck.save(a.session, state(s, 2), "x: 1\n");
      }
      assertEquals(List.of(2L, 5L, 6L), Checkpoints.steps(run));
      assertEquals(Optional.of(run.resolve("checkpoint-2")), Checkpoints.best(run));
      a.train(1);
      ck.save(a.session, state(7, 7), "x: 1\n");
      assertEquals(List.of(6L, 7L), Checkpoints.steps(run));
      // Saving the same step again replaces it.
      ck.save(a.session, state(7, 7).withRngState("again"), "x: 2\n");
      assertEquals("again", Checkpoints.readState(run.resolve("checkpoint-7")).rngState());
      assertEquals("x: 2\n", Checkpoints.readConfigYaml(run.resolve("checkpoint-7")));
      assertEquals(List.of(6L, 7L), Checkpoints.steps(run));
      assertEquals(0, temps(run));
    }
  }

  @Test
  void retentionNeverDeletesTheLastCheckpointThatVerifies(@TempDir Path run) throws Exception {
    String yaml = dev.softinfonce.config.ExperimentConfig.defaults().toYaml();
    Checkpoints ck = new Checkpoints(run, 1);
    try (Toy a = new Toy()) {
      a.train(1);
      ck.save(a.session, state(1, -1), yaml);
      // from now on every checkpoint is damaged between its manifest and its commit (a failing disk)
      ck.beforeCommit = () -> {
        try (var s = Files.list(run)) {
          Path tmp = s.filter(p -> p.getFileName().toString().startsWith(".tmp-checkpoint-")).findFirst().orElseThrow();
          Files.writeString(tmp.resolve("state.json"), "{}", java.nio.file.StandardOpenOption.APPEND);
        } catch (java.io.IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      };
      for (long s = 2; s <= 3; s++) {
        a.train(1);
        ck.save(a.session, state(s, -1), yaml);
      }
    }
    // keep_checkpoints 1 would keep only checkpoint-3; checkpoint-1, the only one that verifies, stays too
    assertEquals(List.of(1L, 3L), Checkpoints.steps(run));
    List<String> reports = new java.util.ArrayList<>();
    assertEquals(run.resolve("checkpoint-1"), Checkpoints.latestVerified(run, reports::add));
    assertTrue(reports.get(0).matches("warning: checkpoint .*checkpoint-3 is damaged, skipping it: .*state\\.json: damaged.*"),
        reports.toString());
  }

  @Test
  void stateWithNonFiniteMetricsRoundTrips(@TempDir Path run) {
    TrainState st = new TrainState(5, 0, 5, 1, null, null, -1, Map.of("loss", Double.NaN, "lr", 1e-3));
    try (Toy a = new Toy()) {
      new Checkpoints(run, 1).save(a.session, st, "x: 1\n");
    }
    assertEquals(st, Checkpoints.readState(run.resolve("checkpoint-5")));
  }

  @Test
  void badInputsAreClearErrors(@TempDir Path run) {
    assertThrows(IllegalArgumentException.class, () -> new Checkpoints(run, 0));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Checkpoints.readState(run));
    assertTrue(e.getMessage().contains("state.json"), e.getMessage());
  }

  static long temps(Path run) {
    try (var s = Files.list(run)) {
      return s.filter(p -> p.getFileName().toString().startsWith(".tmp-")).count();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
