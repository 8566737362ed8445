package dev.softinfonce.train;

import dev.softinfonce.config.ExperimentConfig;
import dev.softinfonce.corpus.PreparedCorpus;
import dev.softinfonce.estimator.EstimatorData;
import dev.softinfonce.objective.WeightStats;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.tensorflow.Operand;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;

/**
 * What the training loop ({@link Trainer}) needs of a training graph, whichever builder made it:
 * {@link TrainingGraph} (query–code objectives) or {@link SimCseTrainingGraph} ({@code objective.name:
 * simcse}). A step feeds a batch ({@link #feed}), the learning rate and {@link #stepSeed}, runs
 * {@link AdamW.Update#train} and fetches the loss, the gradient norm and the weight statistics.
 */
public interface StepGraph {
  Ops tf();

  ExperimentConfig config();

  /** [] the loss a step minimises. */
  Operand<TFloat32> loss();

  /** Statistics of the negative weights, for the training log. */
  WeightStats<TFloat32> weightStats();

  AdamW.Update update();

  /**
   * With {@code train.grad_cache}, the runs of a step ({@link GradCacheStep}: chunked towers, objective,
   * chunked backward, then {@link #update()}); null for the one-pass step.
   */
  GradCache.Plan gradCache();

  /** [] int64 fed with the step number: keys the dropout masks ({@code nn.Dropout#STEP_SEED}). */
  Operand<TInt64> stepSeed();

  /** The trainee's variables, HF names → variable (what checkpoints and TensorBoard histograms hold). */
  Map<String, Variable<?>> trainableVariables();

  /** Feeds what this graph reads of {@code batch} into {@code r}; every tensor it creates goes to {@code open}. */
  void feed(Session.Runner r, PreparedCorpus.Batch batch, EstimatorData estimator, List<Tensor> open);

  /** After the session opens on a fresh run: loads frozen weights or tables the graph holds, reporting to {@code out}. */
  void restoreFrozen(Session s, EstimatorData estimator, Consumer<String> out);
}
