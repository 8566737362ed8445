package dev.softinfonce.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.softinfonce.cli.CliTestSupport;
import dev.softinfonce.config.ConfigException;
import dev.softinfonce.config.ExperimentConfig;
import dev.softinfonce.config.TrainConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code train --resume RUN --set train.max_steps=N}: a finished run continues to N; other keys are refused. */
class ResumeExtendTest {
  @TempDir Path dir;

  private static Map<Long, Double> lrs(Path run) {
    Map<Long, Double> m = new TreeMap<>();
    for (Map<String, Object> rec : MetricsLog.read(run.resolve(MetricsLog.FILE))) {
      if (rec.containsKey("grad_norm")) { // a step record (validation records repeat the step)
        Object prev = m.put(((Number) rec.get("step")).longValue(), ((Number) rec.get("lr")).doubleValue());
        assertEquals(null, prev, "step " + rec.get("step") + " logged twice");
      }
    }
    return m;
  }

  @Test
  void finishedRunIsExtendedWithTheLongerSchedule() throws Exception {
    Path train = TrainerResumeTest.syntheticCorpus(dir, 96);
    Path run = dir.resolve("run");
    double peak = 3e-3;
    Trainer.of(RunFolderTest.config(train, run, 8, "train.warmup_steps=2", "train.learning_rate=" + peak,
        "train.schedule=linear")).messages(s -> { }).run();
    assertEquals(0.0, new LearningRateSchedule(peak, 2, 8, TrainConfig.Schedule.LINEAR).lr(8), "the run ended at lr 0");

    List<String> messages = new ArrayList<>();
    Trainer.Result r = Trainer.resume(run, List.of("train.max_steps=14")).messages(messages::add).run();
    assertEquals(14, r.steps());
    assertEquals(run.resolve("checkpoint-14"), Checkpoints.latest(run).orElseThrow());
    Map<Long, Double> lr = lrs(run);
    assertEquals(14, lr.size(), "steps 1..14, each once: " + lr);
    LearningRateSchedule before = new LearningRateSchedule(peak, 2, 8, TrainConfig.Schedule.LINEAR);
    LearningRateSchedule after = new LearningRateSchedule(peak, 2, 14, TrainConfig.Schedule.LINEAR);
    for (long step = 1; step <= 14; step++) { // the update of step s ran at lr(s - 1)
      double want = (step <= 8 ? before : after).lr(step - 1);
      assertEquals(want, lr.get(step), 1e-9, "lr of step " + step);
    }
    assertTrue(lr.get(9L) > lr.get(8L) && lr.get(14L) < lr.get(9L), "restarted at the longer schedule's rate, decaying: " + lr);
    ExperimentConfig saved = ExperimentConfig.load(run.resolve("checkpoint-14").resolve(Checkpoints.CONFIG), List.of());
    assertEquals(14, saved.train().maxSteps(), "the new budget is saved: a later resume keeps it");

    // resumed again without a larger budget: nothing to do, said so, same result
    messages.clear();
    Trainer.Result again = Trainer.resume(run).messages(messages::add).run();
    assertEquals(14, again.steps());
    assertEquals(run.resolve("checkpoint-14"), again.lastCheckpoint());
    assertTrue(messages.stream().anyMatch(m -> m.contains("is complete (14 steps)")), messages.toString());
  }

  @Test
  void resumeRefusesKeysOutsideTheBudgetNamingThem() throws Exception {
    Path train = TrainerResumeTest.syntheticCorpus(dir, 48);
    Path run = dir.resolve("run");
    Trainer.of(RunFolderTest.config(train, run, 4)).messages(s -> { }).run();

    ConfigException e = assertThrows(ConfigException.class,
        () -> Trainer.resume(run, List.of("train.max_steps=8", "train.learning_rate=1e-2")));
    assertEquals("train.learning_rate", e.key());
    assertTrue(e.getMessage().contains("train.max_steps, train.epochs, train.eval_every, train.checkpoint_every"),
        e.getMessage());
    ConfigException shorter = assertThrows(ConfigException.class, () -> Trainer.resume(run, List.of("train.max_steps=2")));
    assertEquals("train.max_steps", shorter.key());
    ConfigException epochs = assertThrows(ConfigException.class, () -> Trainer.resume(run, List.of("train.epochs=3")));
    assertTrue(epochs.getMessage().contains("train.max_steps=4"), epochs.getMessage());

    CliTestSupport.Run bad = CliTestSupport.run("train", "--resume", run.toString(), "--set", "model.hidden_size=64");
    assertEquals(2, bad.exitCode(), bad.err());
    assertTrue(bad.err().startsWith("error: --resume --set model.hidden_size=64: model.hidden_size cannot change"),
        bad.err());
    CliTestSupport.Run ok = CliTestSupport.run("train", "--resume", run.toString(), "--set", "train.max_steps=6",
        "--set", "train.checkpoint_every=1");
    assertEquals(0, ok.exitCode(), ok.err());
    assertTrue(ok.out().contains("done: 6 steps"), ok.out());
    assertEquals(List.of(4L, 5L, 6L), Checkpoints.list(run).stream().map(Checkpoints::stepOf).toList());
  }
}
