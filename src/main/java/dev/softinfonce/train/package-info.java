/**
 * The reusable parts of the training loop: optimizer, schedule, checkpoints, logs and progress.
 *
 * <table>
 *   <caption>Pieces</caption>
 *   <tr><td>{@link dev.softinfonce.train.AdamW}</td><td>graph building: gradients, global-norm clipping,
 *       decoupled decay, {@code applyAdam} with a fed learning rate, checkpointable state</td></tr>
 *   <tr><td>{@link dev.softinfonce.train.LearningRateSchedule}</td><td>pure Java {@code lr(step)}: warm-up then
 *       constant / linear / cosine</td></tr>
 *   <tr><td>{@link dev.softinfonce.train.Checkpoints}, {@link dev.softinfonce.train.TrainState}</td><td>atomic
 *       {@code checkpoint-<step>} folders: variables + slots, state.json, config.yaml; last K + best</td></tr>
 *   <tr><td>{@link dev.softinfonce.train.MetricsLog}</td><td>{@code metrics.jsonl}, one flushed line per log</td></tr>
 *   <tr><td>{@link dev.softinfonce.train.TensorBoard}</td><td>event files through TF summary ops, own graph</td></tr>
 *   <tr><td>{@link dev.softinfonce.train.TrainProgress}</td><td>terminal bar; silent without a TTY</td></tr>
 *   <tr><td>{@link dev.softinfonce.train.TrainingGraph}, {@link dev.softinfonce.train.SimCseTrainingGraph}</td>
 *       <td>the two training graph builders (query–code objectives; {@code objective.name: simcse}), both
 *       a {@link dev.softinfonce.train.StepGraph} for the loop</td></tr>
 *   <tr><td>{@link dev.softinfonce.train.GradCache}, {@link dev.softinfonce.train.GradCacheStep}</td><td>the
 *       gradient cache ({@code train.grad_cache.chunk_size}): chunked towers, objective on the full batch,
 *       chunked backward into accumulators, one AdamW update (graph pieces; the runs of a step)</td></tr>
 *   <tr><td>{@link dev.softinfonce.train.SimCseValidation}</td><td>validation of {@code objective.name: simcse}
 *       runs: in-batch retrieval between two dropout views of the valid docstrings</td></tr>
 * </table>
 *
 * <h2>How a trainer wires them (sketch)</h2>
 * <pre>{@code
 * TrainConfig t = cfg.train();
 * Path run = Path.of(t.outputDir());
 * try (Graph g = new Graph(); Session s = new Session(g, proto)) {
 *   Ops tf = Ops.create(g);
 *   Operand<TFloat32> loss = ...;                       // encoder + estimator + objective
 *   AdamW.Update upd = AdamW.builder().config(t)
 *       .trainable(n -> !n.startsWith("estimator.")).build().minimize(tf, loss);
 *   // graph complete (slots exist) BEFORE the first save/restore: the SaverDef freezes then
 *   Checkpoints ck = Checkpoints.fromConfig(t);
 *   TrainState st = Checkpoints.latest(run).map(p -> Checkpoints.restore(s, p))   // --resume
 *       .orElse(TrainState.initial(t.seed()));
 *   LearningRateSchedule lr = LearningRateSchedule.of(t, totalSteps);
 *   try (MetricsLog log = MetricsLog.open(run, st.step()); TensorBoard tb = TensorBoard.open(run);
 *        TrainProgress bar = TrainProgress.create(t.progress(), totalSteps, st.step())) {
 *     for (long step = st.step(); step < totalSteps; step++) {
 *       // feed batch (epoch, batch position from st), lr.lr(step) into upd.learningRate()
 *       // run upd.train() fetching loss and upd.gradNorm(); stop on non-finite loss naming the step
 *       // every log_every: log.log(...), tb.scalars(...), bar.update(...)
 *       // every checkpoint_every / epoch end: validate (RetrievalEvaluator on valid), st = st.withBest(...)
 *       //   if better, then ck.save(s, st.at(step + 1, epoch, batchInEpoch, metrics), cfg)
 *     }
 *   }
 * }
 * }</pre>
 * Step convention everywhere: {@code step} = updates already applied; the update about to run uses
 * {@code lr(step)}; a checkpoint saved after it carries {@code step + 1}, as does the AdamW step variable.
 */
package dev.softinfonce.train;
