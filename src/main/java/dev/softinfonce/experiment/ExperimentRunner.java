package dev.softinfonce.experiment;

import dev.softinfonce.files.AtomicFiles;
import dev.softinfonce.files.FileTrees;
import dev.softinfonce.corpus.CorpusTokenizer;
import dev.softinfonce.text.TokenizerTrainer;
import dev.softinfonce.config.ConfigParser;
import dev.softinfonce.config.EstimatorConfig;
import dev.softinfonce.config.ExperimentConfig;
import dev.softinfonce.config.ObjectiveConfig;
import dev.softinfonce.data.Datasets;
import dev.softinfonce.data.QuerySet;
import dev.softinfonce.eval.Bm25Retriever;
import dev.softinfonce.eval.ModelEvaluation;
import dev.softinfonce.eval.RetrievalEvaluator;
import dev.softinfonce.eval.RetrievalResult;
import dev.softinfonce.export.ModelCard;
import dev.softinfonce.export.SavedModelExporter;
import dev.softinfonce.model.InferenceModel;
import dev.softinfonce.text.Tokenizer;
import dev.softinfonce.train.Checkpoints;
import dev.softinfonce.train.Trainer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * Runs an {@link ExperimentSpec}: for each seed, each row in order is trained with {@link Trainer},
 * its best checkpoint (chosen on {@code valid}) is evaluated on {@code test}, and the result is saved
 * as JSON; prerequisites are trained once, when a row first needs them. After every run the tables
 * ({@code table.md}, {@code table.csv}, {@code per-seed.csv}) are rewritten from all saved results.
 *
 * <p><b>Resume.</b> Starting again with the same output folder skips every run whose result file
 * exists (after checking that it was produced by the same resolved config), continues a run that has
 * checkpoints but no result with {@link Trainer#resume}, and starts over a run folder without any
 * complete checkpoint.
 *
 * <p>Layout of {@code output_dir}: {@code tokenizer.json} (shared by all runs unless the base names
 * one), {@code runs/<row>/seed-<seed>/} (Trainer folders), {@code results/<row>/seed-<seed>.json},
 * {@code results/bm25.json}, {@code prerequisites/<name>/} and {@code prerequisites/<name>.json}, the
 * tables, and a copy of the experiment file. With {@code zero_shot}, {@code zero-shot/} (the start as a
 * model folder) and {@code results/zero-shot.json}; with {@code export_best}, the run with the best valid
 * MRR is exported to the base's {@code export.dir}/{@code export.version} (that version replaced).
 */
public final class ExperimentRunner {
  /** Config keys that do not change a run's numbers; a saved result stays valid when only they differ. */
  static final Set<String> COSMETIC_KEYS = Set.of("train.progress", "train.threads", "train.log_every",
      "eval.batch_size");
  static final String BM25_ROW = "bm25";
  static final String ZERO_SHOT_ROW = "zero-shot";

  private final ExperimentSpec spec;
  private final Consumer<String> out;
  private final Path dir;
  private final Map<String, RunResult> prerequisites = new HashMap<>();
  private final Map<String, RunResult> runs = new LinkedHashMap<>(); // "row@seed" → result
  private QuerySet test;
  private int trained;
  private int skipped;

  public ExperimentRunner(ExperimentSpec spec, Consumer<String> out) {
    this.spec = spec;
    this.out = out;
    this.dir = spec.outputDir();
  }

  /**
   * What {@link #run} produced.
   *
   * @param baselines the seed-independent rows (zero-shot start, BM25), in table order
   * @param exported the run exported ({@code export_best}), or null
   * @param exportDir the SavedModel version folder it was exported to, or null
   */
  public record Outcome(ResultTable table, List<RunResult> runs, List<RunResult> baselines, RunResult exported,
      Path exportDir, Path markdown, Path csv, Path perSeedCsv, int trained, int skipped, double seconds) {

    /** What a command prints at the end: the table, the test set, the export and the wall time. */
    public String report() {
      StringBuilder sb = new StringBuilder(TableWriter.markdown(table)).append('\n');
      runs.stream().findFirst().or(() -> baselines.stream().findFirst()).ifPresent(r -> sb.append(String.format(
          Locale.ROOT, "Test: %d queries against a pool of %d codes.%n", r.test().queries(), r.test().poolSize())));
      if (exported != null) {
        sb.append(String.format(Locale.ROOT, "Exported row '%s' seed %d (best on valid, MRR %.4f; test MRR %.4f",
            exported.row(), exported.seed(), exported.validMrr(), exported.test().mrr()));
        for (RunResult b : baselines) {
          sb.append(String.format(Locale.ROOT, ", %+.4f vs %s", exported.test().mrr() - b.test().mrr(), b.row()));
        }
        sb.append(") to ").append(exportDir).append('\n');
      }
      sb.append(String.format(Locale.ROOT, "%d runs trained, %d reused from earlier. Wall time %.1f min. Tables: %s, %s, %s%n",
          trained, skipped, seconds / 60, markdown, csv, perSeedCsv));
      return sb.toString();
    }
  }

  public Outcome run() {
    long t0 = System.nanoTime();
    createDirectories(dir);
    copy(spec.file(), dir.resolve("experiment.yaml"));
    ExperimentConfig base = spec.baseConfig();
    if (spec.javaCorpus()) {
      base = JavaCorpus.ensure(base, out);
    }
    require(base.data().train() != null, "data.train is not set in the base config (or use java_corpus: true)");
    require(base.data().test() != null, "data.test is not set in the base config: rows are evaluated on test");
    require(!spec.exportBest() || base.data().valid() != null,
        "export_best: data.valid is not set in the base config: the export is chosen on valid");
    base = withSharedTokenizer(base);
    Map<String, ResultTable.Label> labels = labels(base);
    int total = spec.seeds().size() * spec.rows().size();
    out.accept(String.format(Locale.ROOT, "experiment %s: %d rows x %d seeds = %d runs%s -> %s", spec.file(),
        spec.rows().size(), spec.seeds().size(), total,
        spec.prerequisites().isEmpty() ? "" : " (+ " + spec.prerequisites().size() + " prerequisite)", dir));

    List<ResultTable.Baseline> baselines = new ArrayList<>();
    if (spec.zeroShot()) {
      baselines.add(new ResultTable.Baseline(new ResultTable.Label(ZERO_SHOT_ROW, "Zero-shot start", "–"),
          zeroShot(base)));
    }
    if (spec.bm25Baseline()) {
      baselines.add(new ResultTable.Baseline(new ResultTable.Label(BM25_ROW, "BM25 (lexical baseline)", "–"),
          baseline(base)));
    }
    int index = 0;
    for (long seed : spec.seeds()) {
      for (RowSpec row : spec.rows()) {
        index++;
        RunResult r = rowRun(base, row, seed, index, total);
        runs.put(key(row.name(), seed), r);
        writeTables(labels, baselines);
      }
    }
    ResultTable table = writeTables(labels, baselines);
    RunResult best = spec.exportBest() ? bestOnValid() : null;
    Path exportDir = best == null ? null : export(base, best);
    return new Outcome(table, List.copyOf(runs.values()), baselines.stream().map(ResultTable.Baseline::result).toList(),
        best, exportDir, dir.resolve("table.md"), dir.resolve("table.csv"), dir.resolve("per-seed.csv"), trained,
        skipped, (System.nanoTime() - t0) / 1e9);
  }

  /** The run with the best validation MRR over all rows and seeds (the first of equals). */
  private RunResult bestOnValid() {
    return runs.values().stream().filter(r -> r.validMrr() != null)
        .max(Comparator.comparingDouble(RunResult::validMrr))
        .orElseThrow(() -> new IllegalArgumentException("export_best: no run was validated (set data.valid)"));
  }

  /**
   * Exports {@code best} to the base's {@code export.dir}/{@code export.version}, replacing an earlier
   * export there (the experiment owns that version), with its test evaluation recorded for the model card.
   */
  private Path export(ExperimentConfig base, RunResult best) {
    Path checkpoint = Path.of(best.checkpoint());
    ModelCard.recordEvaluation(checkpoint, "test", best.test(), base.data().test());
    Path root = Path.of(base.export().dir());
    Path versionDir = root.resolve(String.valueOf(base.export().version()));
    if (Files.exists(versionDir)) {
      out.accept("export: replacing " + versionDir);
      FileTrees.deleteTree(versionDir);
    }
    Path exported = new SavedModelExporter().export(checkpoint, root, base.export().version()).versionDir();
    out.accept(String.format(Locale.ROOT, "export: row '%s' seed %d (valid mrr=%.4f), %s -> %s", best.row(), best.seed(),
        best.validMrr(), checkpoint, exported));
    return exported;
  }

  private RunResult rowRun(ExperimentConfig base, RowSpec row, long seed, int index, int total) {
    Path runDir = dir.resolve("runs").resolve(row.name()).resolve("seed-" + seed);
    Path resultFile = dir.resolve("results").resolve(row.name()).resolve("seed-" + seed + ".json");
    ExperimentConfig cfg = spec.rowConfig(base, row, seed, runDir, ref -> resolve(base, ref, seed));
    String what = "row '" + row.name() + "' seed " + seed;
    out.accept("");
    if (Files.isRegularFile(resultFile)) {
      RunResult r = savedResult(resultFile, cfg, what);
      skipped++;
      out.accept(String.format(Locale.ROOT, "== [%d/%d] %s: done before, test mrr=%.4f (%s) ==", index, total, what,
          r.test().mrr(), resultFile));
      return r;
    }
    out.accept(String.format(Locale.ROOT, "== [%d/%d] %s ==", index, total, what));
    Trainer.Result tr = train(cfg, runDir, what);
    Path best = tr.bestCheckpoint();
    require(best != null, what + ": the run left no checkpoint in " + runDir);
    long e0 = System.nanoTime();
    RetrievalResult.Metrics m = evaluate(best, cfg, base);
    double evalSeconds = (System.nanoTime() - e0) / 1e9;
    RunResult r = new RunResult(row.name(), seed, best.toString(), m, tr.bestValidMrr(), tr.steps(), tr.seconds(),
        evalSeconds, cfg.toYaml());
    r.write(resultFile);
    trained++;
    out.accept(String.format(Locale.ROOT, "%s: test mrr=%.4f r@1=%.4f r@10=%.4f (checkpoint %s chosen on valid mrr=%s;"
        + " train %.0f s, test eval %.0f s)", what, m.mrr(), m.recallAt1(), m.recallAt10(), best.getFileName(),
        tr.bestValidMrr() == null ? "-" : String.format(Locale.ROOT, "%.4f", tr.bestValidMrr()), tr.seconds(),
        evalSeconds));
    return r;
  }

  /** Test metrics of a model folder, evaluated with {@code cfg}'s eval settings and threads. */
  private RetrievalResult.Metrics evaluate(Path checkpoint, ExperimentConfig cfg, ExperimentConfig base) {
    try (InferenceModel model = InferenceModel.load(checkpoint, cfg.eval().batchSize(), cfg.train().threads(),
        cfg.eval().precision())) {
      return ModelEvaluation.evaluate(model, test(base), cfg.eval(), null).metrics();
    }
  }

  /** The start itself, untrained, at the runs' lengths and head ({@link ZeroShotStart}), on test. */
  private RunResult zeroShot(ExperimentConfig base) {
    Path resultFile = dir.resolve("results").resolve(ZERO_SHOT_ROW + ".json");
    String what = "the zero-shot row";
    out.accept("");
    if (Files.isRegularFile(resultFile)) {
      RunResult r = savedResult(resultFile, base, what, ExperimentRunner::affectsZeroShot);
      out.accept(String.format(Locale.ROOT, "== %s: done before, test mrr=%.4f (%s) ==", what, r.test().mrr(), resultFile));
      return r;
    }
    out.accept("== zero-shot: " + base.model().initFrom() + ", untrained ==");
    long t0 = System.nanoTime();
    Path folder = dir.resolve(ZERO_SHOT_ROW);
    ExperimentConfig own = ZeroShotStart.write(base, folder);
    RetrievalResult.Metrics m = evaluate(folder, own, base);
    double s = (System.nanoTime() - t0) / 1e9;
    RunResult r = new RunResult(ZERO_SHOT_ROW, 0, folder.toString(), m, null, 0, 0, s, base.toYaml());
    r.write(resultFile);
    out.accept(String.format(Locale.ROOT, "zero-shot %s: test mrr=%.4f r@1=%.4f r@10=%.4f (%.0f s)",
        base.model().initFrom(), m.mrr(), m.recallAt1(), m.recallAt10(), s));
    return r;
  }

  /**
   * A fresh run, the continuation of an interrupted one, or (a run of this row killed before its first
   * checkpoint) a restart, which removes that run's files, naming them.
   */
  private Trainer.Result train(ExperimentConfig cfg, Path runDir, String what) {
    Optional<Path> latest = Checkpoints.latest(runDir);
    if (latest.isPresent()) {
      // both sides with paths relative to the checkpoint, as it saves them: equal paths compare equal
      String saved = ExperimentConfig.load(latest.get().resolve(Checkpoints.CONFIG), List.of()).toYaml(latest.get());
      String diff = difference(saved, cfg.toYaml(latest.get()));
      require(diff == null, what + ": " + runDir + " holds a run with another config (" + diff
          + "); delete that folder or choose another output_dir");
      out.accept(what + ": resuming the interrupted run from " + latest.get());
      return Trainer.resume(runDir).messages(out).run();
    }
    return Trainer.of(cfg).overwrite(true).messages(out).run();
  }

  /** The checkpoint a reference stands for: an earlier row at this seed, or a prerequisite. */
  private String resolve(ExperimentConfig base, Setting.Reference ref, long seed) {
    if (ref.kind() == Setting.Kind.ROW) {
      RunResult r = runs.get(key(ref.name(), seed));
      if (r == null) {
        throw new IllegalStateException("${row:" + ref.name() + "} at seed " + seed + " has not run yet");
      }
      return r.checkpoint();
    }
    RunResult p = prerequisites.get(ref.name());
    if (p == null) {
      p = prerequisite(base, spec.prerequisite(ref.name()));
      prerequisites.put(ref.name(), p);
    }
    return p.checkpoint();
  }

  private RunResult prerequisite(ExperimentConfig base, PrerequisiteSpec p) {
    Path runDir = dir.resolve("prerequisites").resolve(p.name());
    Path resultFile = dir.resolve("prerequisites").resolve(p.name() + ".json");
    ExperimentConfig cfg = spec.prerequisiteConfig(base, p, runDir);
    String what = "prerequisite '" + p.name() + "'";
    out.accept("");
    if (Files.isRegularFile(resultFile)) {
      RunResult r = savedResult(resultFile, cfg, what);
      out.accept("== " + what + ": trained before, using " + r.checkpoint() + " ==");
      return r;
    }
    out.accept("== " + what + " (trained once for the experiment) ==");
    Trainer.Result tr = train(cfg, runDir, what);
    require(tr.bestCheckpoint() != null, what + ": the run left no checkpoint in " + runDir);
    RunResult r = new RunResult(p.name(), cfg.train().seed(), tr.bestCheckpoint().toString(), null, tr.bestValidMrr(),
        tr.steps(), tr.seconds(), 0, cfg.toYaml());
    r.write(resultFile);
    out.accept(String.format(Locale.ROOT, "%s: %s after %d steps (%.0f s)", what, tr.bestCheckpoint(), tr.steps(),
        tr.seconds()));
    return r;
  }

  /** The BM25 ranking of test with the shared tokenizer, untruncated (same evaluation protocol as the models). */
  private RunResult baseline(ExperimentConfig base) {
    Path resultFile = dir.resolve("results").resolve(BM25_ROW + ".json");
    String yaml = base.toYaml();
    if (Files.isRegularFile(resultFile)) {
      return savedResult(resultFile, base, "the BM25 baseline", ExperimentRunner::affectsBm25);
    }
    long t0 = System.nanoTime();
    Path tok = bm25Tokenizer(base);
    RetrievalResult r;
    // Whole queries and whole methods, as the quick start's baseline: the BM25 users would run.
    try (Tokenizer q = Tokenizer.load(tok, Bm25Retriever.MAX_TOKENS);
         Tokenizer c = Tokenizer.load(tok, Bm25Retriever.MAX_TOKENS)) {
      r = new Bm25Retriever(base.estimator().k1(), base.estimator().b()).evaluate(test(base), q, c,
          RetrievalEvaluator.fromConfig(base.eval()), base.eval().maxQueries());
    }
    double s = (System.nanoTime() - t0) / 1e9;
    RunResult result = new RunResult(BM25_ROW, 0, null, r.metrics(), null, 0, 0, s, yaml);
    result.write(resultFile);
    out.accept(String.format(Locale.ROOT, "bm25 (lexical baseline): test %s (%.0f s)", r.summary(), s));
    return result;
  }

  /** A saved result, provided it was produced by the same config. */
  private RunResult savedResult(Path file, ExperimentConfig cfg, String what) {
    return savedResult(file, cfg, what, k -> true);
  }

  /** A saved result, provided it was produced by the same config as far as the {@code relevant} keys go. */
  private RunResult savedResult(Path file, ExperimentConfig cfg, String what, Predicate<String> relevant) {
    RunResult r = RunResult.read(file);
    String diff = difference(r.config(), cfg.toYaml(), relevant);
    require(diff == null, what + ": " + file + " was produced by another config (" + diff
        + "); delete it (and its run folder) to redo the run, or choose another output_dir");
    require(r.checkpoint() == null || Files.isDirectory(Path.of(r.checkpoint())), what + ": " + file
        + " points at the missing checkpoint " + r.checkpoint() + "; delete the result file to redo the run");
    return r;
  }

  /** The first key whose value differs between two resolved configs, ignoring cosmetic keys; null if none. */
  static String difference(String savedYaml, String currentYaml) {
    return difference(savedYaml, currentYaml, k -> true);
  }

  static String difference(String savedYaml, String currentYaml, Predicate<String> relevant) {
    Map<String, String> a = flatten(savedYaml);
    Map<String, String> b = flatten(currentYaml);
    for (String k : b.keySet()) {
      if (relevant.test(k) && !COSMETIC_KEYS.contains(k) && !sameValue(a.get(k), b.get(k))) {
        return k + ": saved " + a.get(k) + ", now " + b.get(k);
      }
    }
    for (String k : a.keySet()) {
      if (relevant.test(k) && !COSMETIC_KEYS.contains(k) && !b.containsKey(k)) {
        return k + ": saved " + a.get(k) + ", now absent";
      }
    }
    return null;
  }

  /** The keys the BM25 baseline's numbers depend on (data, tokenizer, BM25 k1/b, evaluation). */
  static boolean affectsBm25(String key) {
    return key.startsWith("data.") || key.startsWith("eval.") || key.equals("model.tokenizer")
        || key.equals("estimator.k1") || key.equals("estimator.b");
  }

  /** The keys the zero-shot row's numbers depend on (the start and the model settings, data, evaluation). */
  static boolean affectsZeroShot(String key) {
    return key.startsWith("model.") || key.startsWith("data.") || key.startsWith("eval.");
  }

  /** Equal text, or two spellings of one path (relative vs absolute, quoted or not). */
  private static boolean sameValue(String a, String b) {
    if (b.equals(a)) {
      return true;
    }
    if (a == null || a.equals("null") || b.equals("null")) {
      return false;
    }
    try {
      return Path.of(unquote(a)).toAbsolutePath().normalize().equals(Path.of(unquote(b)).toAbsolutePath().normalize());
    } catch (java.nio.file.InvalidPathException e) {
      return false;
    }
  }

  private static String unquote(String v) {
    return v.length() >= 2 && v.startsWith("'") && v.endsWith("'") ? v.substring(1, v.length() - 1).replace("''", "'") : v;
  }

  /** {@code section:\n  key: value} (the form of {@link ExperimentConfig#toYaml}) → {@code section.key → value}. */
  private static Map<String, String> flatten(String yaml) {
    Map<String, String> m = new LinkedHashMap<>();
    String section = "";
    for (String line : yaml.split("\n")) {
      if (line.isBlank()) {
        continue;
      }
      if (!line.startsWith(" ")) {
        section = line.replace(":", "").trim();
      } else {
        int colon = line.indexOf(':');
        m.put(section + "." + line.substring(0, colon).trim(), line.substring(colon + 1).trim());
      }
    }
    return m;
  }

  private ResultTable writeTables(Map<String, ResultTable.Label> labels, List<ResultTable.Baseline> baselines) {
    List<RunResult> ordered = new ArrayList<>(runs.values());
    List<String> rowOrder = spec.rows().stream().map(RowSpec::name).toList();
    ordered.sort(Comparator.comparingInt((RunResult r) -> rowOrder.indexOf(r.row())).thenComparingLong(RunResult::seed));
    ResultTable table = ResultTable.of(List.copyOf(labels.values()), ordered, spec.reference(), baselines);
    write(dir.resolve("table.md"), TableWriter.markdown(table));
    write(dir.resolve("table.csv"), TableWriter.csv(table));
    write(dir.resolve("per-seed.csv"), TableWriter.perSeedCsv(ordered, labels));
    return table;
  }

  /** Table labels: the row's own, else derived from its objective and estimator names. */
  private Map<String, ResultTable.Label> labels(ExperimentConfig base) {
    Map<String, ResultTable.Label> labels = new LinkedHashMap<>();
    for (RowSpec row : spec.rows()) {
      ExperimentConfig c = spec.rowConfig(base, row, spec.seeds().get(0), dir, ref -> ExperimentSpec.PLACEHOLDER);
      labels.put(row.name(), new ResultTable.Label(row.name(),
          row.loss() != null ? row.loss() : lossLabel(c.objective().name()),
          row.estimator() != null ? row.estimator() : estimatorLabel(c.estimator().name())));
    }
    return labels;
  }

  static String lossLabel(ObjectiveConfig.Name n) {
    return switch (n) {
      case INFONCE -> "InfoNCE";
      case SOFT_INFONCE -> "Soft-InfoNCE";
      case BCE -> "BCE";
      case WEIGHTED_INFONCE -> "W-InfoNCE";
      case KL_REGULARIZATION -> "KL Reg.";
      default -> ConfigParser.yamlName(n);
    };
  }

  static String estimatorLabel(EstimatorConfig.Name n) {
    return switch (n) {
      case UNIFORM -> "–";
      case BM25 -> "BM25";
      case SIMCSE -> "SimCSE";
      case TRAINED -> "Trained model";
      case SELF -> "Self (live model)";
    };
  }

  /**
   * Trains one tokenizer on the training split for all runs, unless the base names one or starts from
   * pretrained weights (which bring their own).
   */
  private ExperimentConfig withSharedTokenizer(ExperimentConfig cfg) {
    if (cfg.model().tokenizer() != null || cfg.model().initFrom() != null) {
      return cfg;
    }
    return cfg.toBuilder().set("model.tokenizer", corpusTokenizer(cfg, "tokenizer.json", cfg.model().vocabSize())
        .toString()).build();
  }

  /**
   * The BM25 baseline's tokenizer: the runs' shared one, or, when the runs start from pretrained weights,
   * a code-aware one trained on the corpus for BM25 alone (camelCase split, as the from-scratch runs use).
   */
  private Path bm25Tokenizer(ExperimentConfig base) {
    return base.model().tokenizer() != null && base.model().initFrom() == null ? Path.of(base.model().tokenizer())
        : corpusTokenizer(base, "bm25-tokenizer.json", TokenizerTrainer.VOCAB_SIZE_DEFAULT);
  }

  private Path corpusTokenizer(ExperimentConfig cfg, String name, int vocabSize) {
    return CorpusTokenizer.shared(cfg.data(), vocabSize, dir.resolve(name), out);
  }


  private QuerySet test(ExperimentConfig base) {
    if (test == null) {
      test = Datasets.test(base.data());
    }
    return test;
  }

  private static String key(String row, long seed) {
    return row + "@" + seed;
  }

  private static void require(boolean ok, String message) {
    if (!ok) {
      throw new IllegalArgumentException(message);
    }
  }

  private static void createDirectories(Path p) {
    try {
      Files.createDirectories(p);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create " + p, e);
    }
  }

  private static void copy(Path from, Path to) {
    try {
      Files.copy(from, to, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot copy " + from + " to " + to, e);
    }
  }

  private static void write(Path file, String text) {
    AtomicFiles.writeString(file, text);
  }
}
