package dev.softinfonce.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.softinfonce.config.ExperimentConfig;
import dev.softinfonce.eval.ModelEvaluation;
import dev.softinfonce.experiment.RunResult;
import dev.softinfonce.experiment.TinyExperiment;
import dev.softinfonce.javacorpus.JavaCorpusBuilder;
import dev.softinfonce.model.InferenceModel;
import dev.softinfonce.train.Trainer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code softinfonce quickstart} is the preset {@code configs/experiment-quickstart.yaml} run by the
 * experiment runner: here on a tiny synthetic corpus, from a tiny "pretrained" start (a short run of
 * its own), so that every row of the quick start's table is produced and checked in seconds.
 */
class QuickstartCommandTest {
  @TempDir Path dir;

  @Test
  void presetRowsZeroShotExportAndSecondRunReuses() throws Exception {
    // A Java-corpus folder as the corpus builder leaves it (the preset reads data.java_corpus_dir).
    Path corpus = Files.createDirectories(dir.resolve("java-corpus"));
    TinyExperiment.corpus(corpus, 96);
    Files.copy(corpus.resolve("valid.jsonl"), corpus.resolve("valid_codebase.jsonl"));
    Files.copy(corpus.resolve("test.jsonl"), corpus.resolve("test_codebase.jsonl"));
    Files.writeString(corpus.resolve(JavaCorpusBuilder.MANIFEST), "{}");

    // The start: a tiny model after a few steps, then the quick start's base fine-tuning it.
    ExperimentConfig startCfg = ExperimentConfig.builder().overrides(List.of("data.train=" + corpus.resolve("train.jsonl"),
        "model.vocab_size=300", "model.hidden_size=32", "model.num_layers=1", "model.num_heads=2",
        "model.intermediate_size=64", "model.max_query_length=16", "model.max_code_length=24",
        "model.max_positions=32", "train.batch_size=8", "train.max_steps=6", "train.learning_rate=3e-3",
        "train.progress=false", "train.threads=1", "train.output_dir=" + dir.resolve("start"))).build();
    Path start = Trainer.of(startCfg).messages(s -> { }).run().lastCheckpoint();
    Path qs = dir.resolve("qs"); // the experiment folder: --config's train.output_dir
    Path base = dir.resolve("base.yaml");
    Files.writeString(base, """
        data:
          java_corpus_dir: %s
        model:
          init_from: %s
        export:
          dir: %s
          version: 3
        """.formatted(corpus, start, dir.resolve("savedmodels"))
        + TinyExperiment.trainAndEval(4).replace("train:\n", "train:\n  output_dir: " + qs + "\n"));

    CliTestSupport.Run r = CliTestSupport.run("quickstart", "--config", base.toString());
    assertEquals(0, r.exitCode(), r.err() + r.out());
    List<String> rows = tableRows(r.out());
    assertEquals(List.of("InfoNCE | –", "Soft-InfoNCE | BM25", "Zero-shot start | –", "BM25 (lexical baseline) | –"),
        rows.stream().map(l -> l.replaceFirst("^\\| (.*? \\| .*?) \\|.*", "$1")).toList());

    // Each row's MRR in the table is its saved result; the zero-shot row is the start itself, evaluated directly.
    RunResult info = RunResult.read(qs.resolve("results/infonce/seed-1234.json"));
    RunResult soft = RunResult.read(qs.resolve("results/soft_infonce_bm25/seed-1234.json"));
    RunResult zero = RunResult.read(qs.resolve("results/zero-shot.json"));
    RunResult bm25 = RunResult.read(qs.resolve("results/bm25.json"));
    List<RunResult> inOrder = List.of(info, soft, zero, bm25);
    for (int i = 0; i < rows.size(); i++) {
      assertEquals(String.format(java.util.Locale.ROOT, "%.4f", inOrder.get(i).test().mrr()), mrr(rows.get(i)), rows.get(i));
    }
    ExperimentConfig fine = ExperimentConfig.builder().file(base).build();
    try (InferenceModel m = InferenceModel.load(start, 64, 1)) {
      double direct = ModelEvaluation.evaluate(m, dev.softinfonce.data.Datasets.test(fine.toBuilder()
          .set("data.test", corpus.resolve("test.jsonl").toString())
          .set("data.test_codebase", corpus.resolve("test_codebase.jsonl").toString()).build().data()),
          fine.eval(), null).metrics().mrr();
      assertEquals(direct, zero.test().mrr(), 1e-9, "zero-shot = the start, untrained");
    }
    assertTrue(info.validMrr() != null && soft.validMrr() != null);

    // The export is the row with the better valid MRR, with its test evaluation recorded for the card.
    RunResult best = Stream.of(info, soft).max(Comparator.comparingDouble(RunResult::validMrr)).orElseThrow();
    Path exported = dir.resolve("savedmodels/3");
    assertTrue(Files.isRegularFile(exported.resolve("saved_model.pb")), r.out());
    assertTrue(r.out().contains("Exported row '" + best.row() + "' seed 1234"), r.out());
    assertTrue(Files.isRegularFile(Path.of(best.checkpoint()).resolve("eval-test.json")));
    assertTrue(r.out().contains("2 runs trained, 0 reused from earlier. Wall time "), r.out());

    // Again: nothing retrained, the same table, the export replaced.
    CliTestSupport.Run again = CliTestSupport.run("quickstart", "--config", base.toString());
    assertEquals(0, again.exitCode(), again.err() + again.out());
    assertEquals(rows, tableRows(again.out()));
    assertTrue(again.out().contains("0 runs trained, 2 reused from earlier."), again.out());
    assertTrue(Files.isRegularFile(exported.resolve("saved_model.pb")));
  }

  private static List<String> tableRows(String out) {
    return out.lines().filter(l -> l.startsWith("| ") && !l.startsWith("| Loss")).toList();
  }

  /** The MRR cell (third column) of a table row. */
  private static String mrr(String row) {
    Matcher m = Pattern.compile("^\\| [^|]+ \\| [^|]+ \\| ([0-9.]+) \\|").matcher(row);
    assertTrue(m.find(), row);
    return m.group(1);
  }
}
