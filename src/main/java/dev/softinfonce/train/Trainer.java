package dev.softinfonce.train;

import dev.softinfonce.config.ClusterSpec;
import dev.softinfonce.config.ConfigException;
import dev.softinfonce.config.EstimatorConfig;
import dev.softinfonce.config.ExperimentConfig;
import dev.softinfonce.config.ModelConfig;
import dev.softinfonce.corpus.CorpusTokenizer;
import dev.softinfonce.corpus.PreparedCorpus;
import dev.softinfonce.corpus.TokenizedCorpus;
import dev.softinfonce.data.Batcher;
import dev.softinfonce.data.Datasets;
import dev.softinfonce.data.Example;
import dev.softinfonce.data.QuerySet;
import dev.softinfonce.distributed.Chief;
import dev.softinfonce.estimator.EstimatorData;
import dev.softinfonce.estimator.EstimatorGraph;
import dev.softinfonce.files.AtomicFiles;
import dev.softinfonce.eval.RetrievalResult;
import dev.softinfonce.model.InferenceModel;
import dev.softinfonce.model.PretrainedCheckpoint;
import dev.softinfonce.model.PretrainedStarts;
import dev.softinfonce.objective.WeightStats;
import dev.softinfonce.text.Tokenizer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.HashSet;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.StdArrays;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;

/**
 * The training loop of one config: data → tokens → batches → {@link TrainingGraph} steps with AdamW
 * and a fed learning rate → logs, checkpoints and validation on {@code valid} (never {@code test}).
 *
 * <p><b>Resume.</b> A checkpoint holds the variables with Adam slots and step, the data position and
 * the best validation metric; dropout is keyed by the step, the schedule is a function of the step and
 * batches of (seed, epoch, position), so {@link #resume} reproduces the uninterrupted run's losses.
 * A non-finite loss stops the run naming the step; the last good checkpoint stays.
 *
 * <p><b>Run folders.</b> A fresh run refuses a folder holding another run ({@link RunFolder}) unless
 * {@link #overwrite} says to start over. A resume may change the budget ({@link #RESUME_KEYS}), which
 * extends a finished run; the learning-rate schedule is then that of the new budget (see {@link #resume}).
 */
public final class Trainer {
  private static final Logger LOG = LoggerFactory.getLogger(Trainer.class);
  /** Metric that selects the best checkpoint. */
  public static final String SELECT_METRIC = "valid_mrr";

  /** What a finished run reports. */
  public record Result(Path runDir, long steps, double finalLoss, Path lastCheckpoint, Path bestCheckpoint,
      Double bestValidMrr, double seconds, double pairsPerSecond) {}

  private final ExperimentConfig cfg;
  private final Path runDir;
  private final boolean resume;
  private boolean overwrite;
  private boolean progressBar = true;
  private long stopAfterSteps = -1; // tests: abandon the run like a kill, without a final checkpoint
  /** Test hook for kill tests: pause this many ms after each step so a signal lands mid-run. */
  private static final long STEP_DELAY_MS = Long.getLong("softinfonce.test.stepDelayMillis", 0L);
  private Consumer<String> out = System.out::println;

  private Trainer(ExperimentConfig cfg, Path runDir, boolean resume) {
    this.cfg = cfg;
    this.runDir = runDir;
    this.resume = resume;
  }

  /**
   * A fresh run into {@code train.output_dir}. A training run folder in {@code estimator.model} or
   * {@code model.init_from} is resolved here to its best (else newest) checkpoint
   * ({@link Checkpoints#resolveModel}), and the config saved with every checkpoint names that
   * checkpoint, so a resume uses the same one even if the other run went on.
   */
  public static Trainer of(ExperimentConfig cfg) {
    if (cfg.objective().similarity() == dev.softinfonce.config.ObjectiveConfig.Similarity.COSINE
        && !cfg.model().normalize()) {
      // In training the model's head makes the scores; objective.similarity only shapes `objective eval`.
      throw new IllegalArgumentException("objective.similarity: cosine needs model.normalize: true in training"
          + " (the scores come from the model: set model.normalize and model.temperature)");
    }
    return new Trainer(withInitFromArchitecture(resolveModelFolders(cfg)), Path.of(cfg.train().outputDir()), false);
  }

  /**
   * With {@code model.init_from}, the architecture comes from the checkpoint's {@code config.yaml}
   * (sizes, variant, padding id): the weights only fit that shape. Training choices (dropout, pooling,
   * max lengths, towers, normalisation, temperature) stay as configured.
   */
  static ExperimentConfig withInitFromArchitecture(ExperimentConfig cfg) {
    if (cfg.model().initFrom() == null) {
      return cfg;
    }
    ModelConfig m = PretrainedCheckpoint.readConfig(Path.of(cfg.model().initFrom()));
    return cfg.toBuilder()
        .set("model.variant", m.variant()).set("model.vocab_size", m.vocabSize())
        .set("model.hidden_size", m.hiddenSize()).set("model.num_layers", m.numLayers())
        .set("model.num_heads", m.numHeads()).set("model.intermediate_size", m.intermediateSize())
        .set("model.max_positions", m.maxPositions()).set("model.type_vocab_size", m.typeVocabSize())
        .set("model.layer_norm_eps", m.layerNormEps()).set("model.pad_token_id", m.padTokenId())
        .build();
  }

  /** {@code cfg} with {@code estimator.model} and {@code model.init_from} resolved to checkpoint folders. */
  public static ExperimentConfig resolveModelFolders(ExperimentConfig cfg) {
    var b = cfg.toBuilder();
    boolean changed = false;
    if (cfg.estimator().model() != null) {
      Path p = Checkpoints.resolveModel(startFolder(cfg.estimator().model()), "estimator.model");
      changed |= !p.toString().equals(cfg.estimator().model());
      b.set("estimator.model", p.toString());
    }
    if (cfg.model().initFrom() != null) {
      Path p = Checkpoints.resolveModel(startFolder(cfg.model().initFrom()), "model.init_from");
      changed |= !p.toString().equals(cfg.model().initFrom());
      b.set("model.init_from", p.toString());
    }
    return changed ? b.build() : cfg;
  }

  /** A named pretrained start or a Hugging Face folder, imported (once) into a checkpoint folder; else the path. */
  private static Path startFolder(String value) {
    return PretrainedStarts.needsImport(value) ? PretrainedStarts.defaults(System.out::println).resolve(value)
        : Path.of(value);
  }

  /**
   * Continues the run in {@code runDir} from its newest checkpoint that verifies (a damaged newer one is
   * reported when the run starts and skipped), with the config saved there.
   */
  public static Trainer resume(Path runDir) {
    return resume(runDir, List.of());
  }

  /** The keys {@link #resume(Path, List)} may change: the budget, and how often the run validates and saves. */
  public static final List<String> RESUME_KEYS = List.of("train.max_steps", "train.epochs", "train.eval_every",
      "train.checkpoint_every");

  /**
   * As {@link #resume(Path)}, with {@code overrides} ({@code train.max_steps=N}) of {@link #RESUME_KEYS}
   * applied to the saved config; every other key is refused, named. A larger budget extends a finished
   * run. The learning rate follows the schedule of the new budget from the resumed step on: warm-up is
   * not repeated, a constant schedule is unchanged, and a linear or cosine decay is recomputed to reach 0
   * at the new last step, so a finished run (lr already 0) continues at the rate the longer schedule has
   * at that step, like a warm restart, and decays to 0 again at the new end.
   */
  public static Trainer resume(Path runDir, List<String> overrides) {
    Path latest = Checkpoints.latestVerified(runDir, damaged -> { });
    ExperimentConfig saved = ExperimentConfig.builder().file(latest.resolve(Checkpoints.CONFIG)).build();
    if (overrides.isEmpty()) {
      return new Trainer(saved, runDir, true);
    }
    for (String o : overrides) {
      String key = o.substring(0, Math.max(0, o.indexOf('='))).trim();
      if (!RESUME_KEYS.contains(key)) {
        throw new ConfigException(key.isEmpty() ? o : key, "--resume --set " + o + ": "
            + (key.isEmpty() ? "expected KEY=VALUE" : key + " cannot change when a run continues (the run's config is"
            + " saved in " + latest.resolve(Checkpoints.CONFIG) + ")") + "; --resume accepts --set for "
            + String.join(", ", RESUME_KEYS) + " only; start a new run to change anything else");
      }
    }
    ExperimentConfig cfg = saved.toBuilder().overrides(overrides).build();
    if (overrides.stream().anyMatch(o -> o.startsWith("train.epochs")) && cfg.train().maxSteps() > 0) {
      throw new ConfigException("train.epochs", "--resume --set train.epochs: the run's budget is train.max_steps="
          + cfg.train().maxSteps() + ", which wins over train.epochs; set train.max_steps (or train.max_steps=0 to"
          + " count epochs)");
    }
    long step = Checkpoints.readState(latest).step();
    if (cfg.train().maxSteps() > 0 && cfg.train().maxSteps() < step) {
      throw new ConfigException("train.max_steps", "--resume --set train.max_steps=" + cfg.train().maxSteps()
          + ": the run in " + runDir + " is already at step " + step + "; a resume cannot shorten it");
    }
    return new Trainer(cfg, runDir, true);
  }

  /**
   * Whether a fresh run may start over in a folder that holds another run: its files are deleted first,
   * each named in a message ({@link RunFolder#prepareFresh}). Without it such a folder is an error.
   */
  public Trainer overwrite(boolean startOver) {
    this.overwrite = startOver;
    return this;
  }

  /** Stops after this many steps of this process, without a final checkpoint (simulates a kill). */
  public Trainer stopAfter(long steps) {
    this.stopAfterSteps = steps;
    return this;
  }

  /** Where one-line progress messages go (default stdout). */
  public Trainer messages(Consumer<String> sink) {
    this.out = sink;
    return this;
  }

  /** Whether the {@code train.progress} bar may be drawn (false: never, whatever the config says). */
  public Trainer progressBar(boolean allowed) {
    this.progressBar = allowed;
    return this;
  }

  public ExperimentConfig config() {
    return cfg;
  }

  public Result run() {
    long t0 = System.nanoTime();
    if (!resume) {
      RunFolder.prepareFresh(runDir, overwrite, out);
    }
    try {
      Files.createDirectories(runDir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create run folder " + runDir, e);
    }
    List<String> leftOut = new ArrayList<>(); // what data stats would say was skipped or dropped
    List<Example> train = Datasets.loadTrain(cfg.data(), report -> { // read once: tokenizer, ids, hashes
      if (report.anyLeftOut() || cfg.data().onBadRecord() == dev.softinfonce.config.DataConfig.BadRecordPolicy.SKIP) {
        leftOut.addAll(report.summaryLines());
      }
    });
    out.accept("train: " + train.size() + " pairs from " + cfg.data().train());
    leftOut.forEach(l -> out.accept("  " + l));
    Path tokenizerFile = prepareTokenizer(train);
    QuerySet valid = cfg.data().valid() == null ? null : Datasets.valid(cfg.data());
    boolean simcse = TrainingGraph.simcse(cfg);
    if (cfg.estimator().model() != null) {
      out.accept("estimator.model: " + cfg.estimator().model());
    }
    try (Tokenizer qTok = Tokenizer.load(tokenizerFile, cfg.model().maxQueryLength());
         Tokenizer cTok = qTok.withMaxLength(cfg.model().maxCodeLength())) { // one native tokenizer, two lengths
      checkTokenizer(qTok);
      // simcse reads docstrings only
      PreparedCorpus corpus = PreparedCorpus.prepare(train, qTok, simcse ? null : cTok, cfg.train().batchSize(),
          cfg.train().seed());
      SimCseValidation simcseValid = simcse && valid != null
          ? new SimCseValidation(TokenizedCorpus.of(valid.queries(), Example::query, qTok), cfg.train().batchSize())
          : null;
      SessionValidation sessionValid = !simcse && valid != null
          ? new SessionValidation(valid, cfg.eval(), qTok, cTok) : null;
      EstimatorData est = EstimatorData.prepare(cfg, train);
      double avgdl = cfg.estimator().name() == EstimatorConfig.Name.BM25 // only BM25 reads it
          ? corpus.averageDocumentLength(cfg.estimator().field() == EstimatorConfig.Bm25Field.CODE, specialIds(qTok))
          : Double.NaN;
      Chief chief = startChief(simcse); // null: one machine
      try (Graph g = new Graph()) {
        StepGraph tg;
        Validator validator; // null: no valid split
        if (simcse) {
          SimCseTrainingGraph sg = SimCseTrainingGraph.build(g, cfg);
          tg = sg;
          validator = simcseValid == null ? null : s -> simcseFigures(simcseValid.run(sg, s));
        } else {
          TrainingGraph qg = TrainingGraph.build(g, cfg,
              new EstimatorGraph.Resources(specialIds(qTok), avgdl, train.size(), est.model()),
              chief == null ? null : chief.shards());
          tg = qg;
          validator = sessionValid == null ? null : s -> retrievalFigures(sessionValid, qg, s);
        }
        try (Session s = chief == null ? new Session(g, InferenceModel.sessionConfig(cfg.train().threads()))
            : chief.open(g)) {
          TrainState state = initialise(tg, s, est);
          return loop(tg, s, state, corpus, est, validator, t0, chief);
        }
      }
    }
  }

  /** One validation pass in the training session. */
  @FunctionalInterface
  private interface Validator {
    ValidFigures run(Session s);
  }

  /**
   * A validation's figures: MRR (selects the best checkpoint), R@1, R@10, metrics logged before them,
   * and the line printed after {@code "step N: "}.
   */
  private record ValidFigures(double mrr, double r1, double r10, Map<String, Double> extra, String line) {}

  private static ValidFigures simcseFigures(SimCseValidation.Metrics v) {
    return new ValidFigures(v.mrr(), v.recallAt1(), v.recallAt10(), Map.of("valid_loss", v.loss()),
        String.format("valid (simcse: in-batch retrieval between two dropout views of the valid docstrings)"
            + " mrr=%.4f r@1=%.4f r@10=%.4f loss=%.4f (%d docstrings, batches of %d)", v.mrr(), v.recallAt1(),
            v.recallAt10(), v.loss(), v.docstrings(), v.batchSize()));
  }

  private static ValidFigures retrievalFigures(SessionValidation valid, TrainingGraph tg, Session s) {
    long tv = System.nanoTime();
    RetrievalResult r = valid.run(tg, s);
    double seconds = (System.nanoTime() - tv) / 1e9;
    Map<String, Double> extra = new LinkedHashMap<>();
    extra.put("valid_queries", (double) r.metrics().queries()); // for the export's model card
    extra.put("valid_pool", (double) r.metrics().poolSize());
    return new ValidFigures(r.metrics().mrr(), r.metrics().recallAt1(), r.metrics().recallAt10(), extra,
        String.format("valid mrr=%.4f r@1=%.4f r@10=%.4f (%d queries, pool %d, %.1f s)", r.metrics().mrr(),
            r.metrics().recallAt1(), r.metrics().recallAt10(), r.metrics().queries(), r.metrics().poolSize(), seconds));
  }

  /**
   * With {@code train.cluster} (or its environment variables): this process is task 0, the chief
   * ({@link Chief}); null on one machine.
   */
  private Chief startChief(boolean simcse) {
    ClusterSpec cluster = ClusterSpec.resolve(cfg.train().cluster(), System.getenv());
    if (!cluster.distributed()) {
      return null;
    }
    if (simcse) {
      throw new IllegalArgumentException("train.cluster: multi-worker training is for query-code objectives, not"
          + " objective.name: simcse");
    }
    if (cfg.train().batchSize() < cluster.size()) {
      throw new IllegalArgumentException("train.batch_size " + cfg.train().batchSize() + " is smaller than the "
          + cluster.size() + " workers of the cluster: each encodes a shard of the batch");
    }
    out.accept("cluster: chief (task 0) " + cluster.workers().get(0) + ", " + (cluster.size() - 1) + " worker(s) "
        + cluster.workers().subList(1, cluster.size()) + "; each encodes " + cfg.train().batchSize() / cluster.size()
        + "+ pairs of the global batch of " + cfg.train().batchSize());
    return Chief.start(cluster, cfg.train().threads(), cfg.train().clusterTimeout(), out);
  }

  private Result loop(StepGraph tg, Session s, TrainState state, PreparedCorpus corpus, EstimatorData est,
      Validator valid, long t0, Chief chief) {
    Batcher batcher = corpus.batcher();
    long total = totalSteps(batcher);
    LearningRateSchedule schedule = LearningRateSchedule.of(cfg.train(), total);
    Checkpoints checkpoints = new Checkpoints(runDir, cfg.train().keepCheckpoints());
    Batcher.Position pos = new Batcher.Position(state.epoch(), (int) state.batchInEpoch());
    long step = state.step();
    double loss = Double.NaN;
    double pairsPerSecond = 0;
    Path last = null;
    long stepsThisProcess = 0;
    long windowStart = System.nanoTime();
    int windowSteps = 0;
    if (step > total) {
      throw new ConfigException("train.epochs", "the run in " + runDir + " is at step " + step + ", past the "
          + total + " steps of train.epochs=" + cfg.train().epochs() + "; a resume cannot shorten it");
    }
    if (step == total) {
      Path latest = Checkpoints.latest(runDir).orElse(null);
      out.accept("the run in " + runDir + " is complete (" + step + " steps); extend it with `train --resume " + runDir
          + " --set train.max_steps=N`");
      return new Result(runDir, step, lastLoss(state), latest, Checkpoints.best(runDir).orElse(latest),
          state.bestMetric(), (System.nanoTime() - t0) / 1e9, 0);
    }
    out.accept(String.format("training %d steps (%s; %d batches of %d pairs per epoch) from step %d -> %s",
        total, cfg.train().maxSteps() > 0 ? "train.max_steps" : cfg.train().epochs() + " epochs",
        batcher.batchesInEpoch(0), cfg.train().batchSize(), step, runDir));
    try (MetricsLog log = MetricsLog.open(runDir, step);
         TensorBoard tb = TensorBoard.open(runDir, out); // a write failure: one warning, training goes on
         TrainProgress bar = TrainProgress.create(progressBar && cfg.train().progress(), total, step)) {
      while (step < total) {
        if (pos.batch() >= batcher.batchesInEpoch(pos.epoch())) {
          pos = new Batcher.Position(pos.epoch() + 1, 0);
        }
        Batcher.Batch batch = batcher.batch(pos);
        double lr = schedule.lr(step);
        PreparedCorpus.Batch b = corpus.batch(batch);
        long at = step;
        float[] fetched;
        try {
          injectedOutOfMemory();
          fetched = chief == null ? step(tg, s, b, est, lr, step)
              : chief.guard(step + 1, () -> step(tg, s, b, est, lr, at));
        } catch (RuntimeException | OutOfMemoryError e) {
          if (BatchOutOfMemoryException.isOutOfMemory(e)) {
            throw BatchOutOfMemoryException.of(cfg, step + 1, e);
          }
          throw e;
        }
        loss = fetched[0];
        if (!Double.isFinite(loss)) {
          throw new TrainingDivergedException("loss is " + loss + " at step " + (step + 1) + " (epoch " + pos.epoch()
              + "); stopped. The last good checkpoint is " + Checkpoints.latest(runDir).map(Path::toString)
              .orElse("(none yet)") + "; lower train.learning_rate or check the data");
        }
        step++;
        stepsThisProcess++;
        if (STEP_DELAY_MS > 0) {
          sleep(STEP_DELAY_MS);
        }
        windowSteps++;
        pos = batch.next();
        int epoch = batch.position().epoch(); // the epoch this step trained on (pos may have rolled over)
        boolean epochEnd = pos.epoch() != epoch || pos.batch() >= batcher.batchesInEpoch(epoch) || step == total;
        double elapsed = (System.nanoTime() - windowStart) / 1e9;
        pairsPerSecond = windowSteps * cfg.train().batchSize() / Math.max(elapsed, 1e-9);
        bar.update(step, epoch, loss, lr, pairsPerSecond);
        if (step % cfg.train().logEvery() == 0 || epochEnd) {
          Map<String, Object> extra = new LinkedHashMap<>();
          extra.put("grad_norm", fetched[1]);
          extra.put("weight_min", fetched[2]);
          extra.put("weight_mean", fetched[3]);
          extra.put("weight_max", fetched[4]);
          extra.put("weight_clamped_share", fetched[5]);
          extra.put("weight_low_share", fetched[6]);
          log.log(step, epoch, loss, lr, pairsPerSecond, extra);
          Map<String, Number> scalars = new LinkedHashMap<>();
          scalars.put("loss", loss);
          scalars.put("lr", lr);
          scalars.put("pairs_per_second", pairsPerSecond);
          extra.forEach((k, v) -> scalars.put(k, (Number) v));
          tb.scalars(step, scalars);
          if (!bar.enabled()) {
            out.accept(String.format("step %d/%d epoch %d loss %.4f lr %.2e pairs/s %.1f weights min %.3f mean %.3f"
                + " max %.3f clamped %.1f%% below 0.5 %.1f%%", step, total, epoch, loss, lr, pairsPerSecond, fetched[2],
                fetched[3], fetched[4], 100 * fetched[5], 100 * fetched[6]));
          }
          windowStart = System.nanoTime();
          windowSteps = 0;
        }
        if (stopAfterSteps >= 0 && stepsThisProcess >= stopAfterSteps) {
          return new Result(runDir, step, loss, last, Checkpoints.best(runDir).orElse(null), state.bestMetric(),
              (System.nanoTime() - t0) / 1e9, pairsPerSecond);
        }
        boolean evalNow = valid != null && (epochEnd
            || (cfg.train().evalEvery() > 0 && step % cfg.train().evalEvery() == 0));
        boolean saveNow = evalNow || epochEnd || step % cfg.train().checkpointEvery() == 0;
        Map<String, Double> metrics = new LinkedHashMap<>();
        metrics.put("loss", loss);
        metrics.put("lr", lr);
        if (evalNow) {
          ValidFigures v = valid.run(s);
          double mrr = v.mrr();
          double r1 = v.r1();
          double r10 = v.r10();
          out.accept("step " + step + ": " + v.line());
          metrics.putAll(v.extra());
          metrics.put(SELECT_METRIC, mrr);
          metrics.put("valid_r@1", r1);
          metrics.put("valid_r@10", r10);
          Map<String, Object> rec = new LinkedHashMap<>();
          rec.put("step", step);
          rec.put("epoch", epoch);
          rec.putAll(metrics);
          log.log(rec);
          tb.scalars(step, Map.of("valid/mrr", mrr, "valid/r@1", r1, "valid/r@10", r10));
          if (state.bestMetric() == null || mrr > state.bestMetric()) {
            state = state.withBest(mrr, step);
          }
        }
        if (saveNow) {
          state = state.at(step, pos.epoch(), pos.batch(), metrics);
          last = checkpoints.save(s, state, cfg);
          tb.weights(s, tg.outputs().trainableVariables().keySet(), step);
          tb.flush();
        }
      }
    }
    return new Result(runDir, step, loss, last, Checkpoints.best(runDir).orElse(last), state.bestMetric(),
        (System.nanoTime() - t0) / 1e9, pairsPerSecond);
  }

  private static double lastLoss(TrainState state) {
    Double loss = state.metrics().get("loss");
    return loss == null ? Double.NaN : loss;
  }

  /** Runs one update; returns loss, grad norm, weight min/mean/max/clamped share/share below 0.5. */
  private float[] step(StepGraph tg, Session s, PreparedCorpus.Batch batch, EstimatorData est, double lr,
      long step) {
    List<Tensor> feeds = new ArrayList<>();
    try {
      TFloat32 rate = keep(feeds, TFloat32.scalarOf((float) lr));
      TInt64 seed = keep(feeds, TInt64.scalarOf(step));
      StepOutputs o = tg.outputs();
      Consumer<Session.Runner> feed = runner -> {
        tg.feed(runner, batch, est, feeds);
        runner.feed(o.update().learningRate(), rate).feed(o.stepSeed(), seed);
      };
      WeightStats<TFloat32> w = o.weightStats();
      List<Operand<TFloat32>> stats = w.all();
      if (o.gradCache() != null) { // train.grad_cache: 2·⌈B/K⌉ + 2 runs (GradCacheStep)
        List<Operand<TFloat32>> fetches = new ArrayList<>(List.of(o.loss()));
        fetches.addAll(stats);
        float[] v = GradCacheStep.step(s, o.gradCache(), batch.indices().length, feed, fetches); // loss, stats, norm
        float[] out = new float[2 + stats.size()]; // the one-pass order: loss, norm, stats
        out[0] = v[0];
        out[1] = v[1 + stats.size()];
        System.arraycopy(v, 1, out, 2, stats.size());
        return out;
      }
      Session.Runner r = s.runner();
      feed.accept(r);
      r.addTarget(o.update().train()).fetch(o.loss()).fetch(o.update().gradNorm());
      stats.forEach(r::fetch);
      try (org.tensorflow.Result res = r.run()) {
        float[] v = new float[2 + stats.size()];
        for (int i = 0; i < v.length; i++) {
          v[i] = ((TFloat32) res.get(i)).getFloat();
        }
        return v;
      }
    } finally {
      feeds.forEach(Tensor::close);
    }
  }

  static <T extends Tensor> T keep(List<Tensor> all, T t) {
    all.add(t);
    return t;
  }

  static TInt32 ints(int[][] a) {
    return TInt32.tensorOf(StdArrays.ndCopyOf(a));
  }

  static TBool bools(boolean[][] a) {
    return TBool.tensorOf(StdArrays.ndCopyOf(a));
  }

  /** Restores a resumed run, or initialises: fresh weights or {@code model.init_from}, frozen estimator. */
  private TrainState initialise(StepGraph tg, Session s, EstimatorData est) {
    if (resume) {
      Path latest = Checkpoints.latestVerified(runDir, out);
      TrainState st = Checkpoints.restore(s, latest);
      out.accept("resumed from " + latest + " at step " + st.step() + " (epoch " + st.epoch() + ", batch "
          + st.batchInEpoch() + ")");
      return st;
    }
    s.initialize();
    if (cfg.model().initFrom() != null) {
      Path dir = Path.of(cfg.model().initFrom());
      StepOutputs o = tg.outputs();
      int n = PretrainedCheckpoint.restore(s, o.tf(), o.trainableVariables(), InferenceModel.variablesPrefix(dir), "");
      out.accept("init_from " + dir + ": loaded " + n + " of " + o.trainableVariables().size()
          + " trainable tensors; none left at its initializer");
    }
    tg.restoreFrozen(s, est, out);
    return TrainState.initial(cfg.train().seed());
  }

  private long totalSteps(Batcher batcher) {
    if (cfg.train().maxSteps() > 0) {
      return cfg.train().maxSteps();
    }
    long total = 0;
    for (int e = 0; e < cfg.train().epochs(); e++) {
      total += batcher.batchesInEpoch(e);
    }
    return total;
  }

  /**
   * The tokenizer of this run: {@code model.tokenizer}, or {@code model.init_from}'s, copied into the run
   * folder; else trained on the run's own training examples ({@link CorpusTokenizer}).
   */
  private Path prepareTokenizer(List<Example> train) {
    Path target = runDir.resolve(PretrainedCheckpoint.TOKENIZER);
    if (resume && Files.isRegularFile(target)) {
      return target;
    }
    if (cfg.model().tokenizer() != null) {
      Path tok = Path.of(cfg.model().tokenizer());
      if (!Files.isRegularFile(tok)) { // checked before the copy: a folder must not become RUN/tokenizer.json/
        throw new dev.softinfonce.config.ConfigException("model.tokenizer", "model.tokenizer " + tok + ": "
            + (Files.isDirectory(tok) ? "is a directory, not a tokenizer.json file"
                + (Files.isRegularFile(tok.resolve(PretrainedCheckpoint.TOKENIZER))
                    ? " (did you mean " + tok.resolve(PretrainedCheckpoint.TOKENIZER) + "?)" : "")
                : "no such file"));
      }
      AtomicFiles.copy(tok, target);
    } else if (cfg.model().initFrom() != null) {
      AtomicFiles.copy(InferenceModel.findTokenizer(Path.of(cfg.model().initFrom())), target);
    } else {
      var trained = CorpusTokenizer.train(train, cfg.model().vocabSize(), target);
      out.accept("tokenizer: trained " + trained.vocabulary().size() + " tokens on " + cfg.data().train()
          + " -> " + target);
    }
    return target;
  }

  private void checkTokenizer(Tokenizer tok) {
    if (tok.vocabSize() > cfg.model().vocabSize()) {
      throw new IllegalArgumentException("model.vocab_size " + cfg.model().vocabSize() + " is smaller than the tokenizer's "
          + tok.vocabSize() + " tokens (" + tok.source() + ")");
    }
    if (tok.padId() != cfg.model().padTokenId()) {
      throw new IllegalArgumentException("model.pad_token_id " + cfg.model().padTokenId() + " differs from the tokenizer's"
          + " padding id " + tok.padId() + " (" + tok.source() + ")");
    }
  }

  static Set<Integer> specialIds(Tokenizer tok) {
    Set<Integer> ids = new HashSet<>(tok.specialIds());
    ids.add(tok.padId());
    return ids;
  }

  /**
   * Test hook: {@code -Dsoftinfonce.test.outOfMemory=tf} (or {@code jvm}) makes the next step fail as TF's
   * allocator (or the JVM heap) does when a batch does not fit, without allocating anything.
   */
  private static void injectedOutOfMemory() {
    String kind = System.getProperty("softinfonce.test.outOfMemory", "");
    if (kind.equals("tf")) {
      throw new org.tensorflow.exceptions.TFResourceExhaustedException("OOM when allocating tensor with"
          + " shape[64,8,256,256] and type float on /job:localhost/replica:0/task:0/device:CPU:0 by allocator cpu"
          + " (injected)");
    }
    if (kind.equals("jvm")) {
      throw new OutOfMemoryError("Java heap space (injected)");
    }
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
