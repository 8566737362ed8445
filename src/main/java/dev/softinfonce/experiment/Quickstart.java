package dev.softinfonce.experiment;

import dev.softinfonce.corpus.CorpusTokenizer;
import dev.softinfonce.config.ExperimentConfig;
import dev.softinfonce.data.Datasets;
import dev.softinfonce.data.QuerySet;
import dev.softinfonce.eval.Bm25Retriever;
import dev.softinfonce.eval.ModelEvaluation;
import dev.softinfonce.eval.RetrievalEvaluator;
import dev.softinfonce.eval.RetrievalResult;
import dev.softinfonce.export.ModelCard;
import dev.softinfonce.model.InferenceModel;
import dev.softinfonce.text.Tokenizer;
import dev.softinfonce.text.TokenizerTrainer;
import dev.softinfonce.train.Trainer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * The ten-minute tour: build the default Java corpus (or reuse it), train a small encoder with InfoNCE
 * and with Soft-InfoNCE (BM25 weights) from the same config, pick each run's best checkpoint on
 * {@code valid}, evaluate both and a BM25 baseline on the held-out {@code test} libraries, print the
 * table and export the better model.
 */
public final class Quickstart {
  /** The two objectives compared: name, then config overrides. */
  static final List<List<String>> RUNS = List.of(
      List.of("infonce", "objective.name=infonce", "estimator.name=uniform"),
      List.of("soft_infonce (bm25)", "objective.name=soft_infonce", "objective.alpha=1.5", "objective.beta=0.5",
          "objective.t=1.0", "estimator.name=bm25"));

  private final ExperimentConfig base;
  private final Consumer<String> out;
  private final Path workDir;

  public Quickstart(ExperimentConfig base, Path workDir, Consumer<String> out) {
    this.base = base;
    this.workDir = workDir;
    this.out = out;
  }

  /** The result: one row per run plus the BM25 baseline, and the checkpoint of the better model. */
  public record Result(List<RunOutcome> rows, RunOutcome best, double seconds) {}

  public Result run() {
    long t0 = System.nanoTime();
    ExperimentConfig cfg = JavaCorpus.ensure(base, out);
    cfg = withSharedTokenizer(cfg);
    QuerySet test = Datasets.test(cfg.data());
    List<RunOutcome> rows = new ArrayList<>();
    if (cfg.model().initFrom() != null) {
      rows.add(zeroShot(cfg, test));
    }
    for (List<String> run : RUNS) {
      String name = run.get(0);
      List<String> sets = new ArrayList<>(run.subList(1, run.size()));
      sets.add("train.output_dir=" + workDir.resolve(slug(name)));
      ExperimentConfig rc = cfg.toBuilder().overrides(sets).build();
      out.accept("");
      out.accept("== " + name + " ==");
      Trainer.Result tr = Trainer.of(rc).overwrite(true).messages(out).run(); // the tour always trains anew
      rows.add(evaluate(name, tr.bestCheckpoint(), rc, test, tr.seconds(), tr.bestValidMrr()));
    }
    rows.add(bm25(cfg, test));
    RunOutcome best = rows.stream().filter(r -> r.checkpoint() != null && r.validMrr() != null)
        .max((a, b) -> Double.compare(a.validMrr() == null ? -1 : a.validMrr(), b.validMrr() == null ? -1 : b.validMrr()))
        .orElseThrow();
    return new Result(rows, best, (System.nanoTime() - t0) / 1e9);
  }

  /**
   * Trains one tokenizer on the training split and points {@code model.tokenizer} at it, unless set or
   * the runs start from pretrained weights (which bring their own).
   */
  private ExperimentConfig withSharedTokenizer(ExperimentConfig cfg) {
    if (cfg.model().tokenizer() != null || cfg.model().initFrom() != null) {
      return cfg;
    }
    return cfg.toBuilder().set("model.tokenizer", corpusTokenizer(cfg, "tokenizer.json", cfg.model().vocabSize())
        .toString()).build();
  }

  /** BM25's tokenizer: the runs' own, or a code-aware one of its own when they start from pretrained weights. */
  private Path bm25Tokenizer(ExperimentConfig cfg) {
    return cfg.model().tokenizer() != null && cfg.model().initFrom() == null ? Path.of(cfg.model().tokenizer())
        : corpusTokenizer(cfg, "bm25-tokenizer.json", TokenizerTrainer.VOCAB_SIZE_DEFAULT);
  }

  private Path corpusTokenizer(ExperimentConfig cfg, String name, int vocabSize) {
    // retrained when the vocabulary size or the training data changed (the stamp beside it says which)
    return CorpusTokenizer.shared(cfg.data(), vocabSize, workDir.resolve(name), out);
  }

  /** The start itself, untrained, at the runs' lengths and head: what fine-tuning has to beat. */
  private RunOutcome zeroShot(ExperimentConfig cfg, QuerySet test) {
    out.accept("");
    out.accept("== zero-shot (the start, untrained) ==");
    ExperimentConfig resolved = Trainer.of(cfg.toBuilder().set("train.output_dir", workDir.resolve("zero-shot")
        .toString()).build()).config();
    Path start = Path.of(resolved.model().initFrom());
    Path dir = workDir.resolve("zero-shot");
    try {
      Files.createDirectories(dir);
      // the start's weights with the runs' model settings (lengths), so the comparison is like for like
      Files.writeString(dir.resolve("config.yaml"), resolved.toBuilder().set("model.init_from", null).build().toYaml(dir));
      Files.copy(InferenceModel.findTokenizer(start), dir.resolve("tokenizer.json"),
          java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      Path vars = Files.createDirectories(dir.resolve("variables"));
      Path src = InferenceModel.variablesPrefix(start);
      for (Path f : Files.newDirectoryStream(src.getParent(), src.getFileName() + ".*")) {
        Files.copy(f, vars.resolve(f.getFileName()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + dir, e);
    }
    return evaluate("zero-shot " + cfg.model().initFrom(), dir, resolved, test, 0, null);
  }


  private RunOutcome evaluate(String name, Path checkpoint, ExperimentConfig cfg, QuerySet test, double seconds,
      Double validMrr) {
    try (InferenceModel m = InferenceModel.load(checkpoint, cfg.eval().batchSize(), cfg.train().threads(),
        cfg.eval().precision())) {
      RetrievalResult r = ModelEvaluation.evaluate(m, test, cfg.eval(), null);
      ModelCard.recordEvaluation(checkpoint, "test", r.metrics(), cfg.data().test()); // for the export's model card
      out.accept(String.format(Locale.ROOT, "%s: test %s (checkpoint %s, chosen on valid)", name, r.summary(),
          checkpoint.getFileName()));
      return new RunOutcome(name, checkpoint, r.metrics(), seconds, validMrr);
    }
  }

  private RunOutcome bm25(ExperimentConfig cfg, QuerySet test) {
    // BM25 indexes whole methods and whole queries (no truncation): the baseline users would run.
    Path tok = bm25Tokenizer(cfg);
    try (Tokenizer q = Tokenizer.load(tok, Bm25Retriever.MAX_TOKENS);
         Tokenizer c = Tokenizer.load(tok, Bm25Retriever.MAX_TOKENS)) {
      RetrievalResult r = new Bm25Retriever(cfg.estimator().k1(), cfg.estimator().b()).evaluate(test, q, c, RetrievalEvaluator.fromConfig(cfg.eval()),
          cfg.eval().maxQueries());
      return new RunOutcome("bm25 (lexical baseline)", null, r.metrics(), 0, null);
    }
  }

  static String slug(String name) {
    return name.replaceAll("[^A-Za-z0-9]+", "_").replaceAll("_+$", "");
  }

  /** The comparison as a Markdown table. */
  public static String table(List<RunOutcome> rows) {
    StringBuilder sb = new StringBuilder();
    sb.append("| objective | MRR | R@1 | R@10 | valid MRR | training time |\n");
    sb.append("|---|---|---|---|---|---|\n");
    for (RunOutcome r : rows) {
      sb.append(String.format(Locale.ROOT, "| %s | %.4f | %.4f | %.4f | %s | %s |%n", r.name(), r.test().mrr(),
          r.test().recallAt1(), r.test().recallAt10(), r.validMrr() == null ? "-" : String.format(Locale.ROOT, "%.4f", r.validMrr()),
          r.validMrr() == null ? "-" : String.format(Locale.ROOT, "%.0f s", r.trainSeconds())));
    }
    return sb.toString();
  }
}
