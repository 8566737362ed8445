package dev.softinfonce.train;

import dev.softinfonce.corpus.PreparedCorpus;
import dev.softinfonce.estimator.EstimatorData;
import java.util.List;
import java.util.function.Consumer;
import org.tensorflow.Session;
import org.tensorflow.Tensor;

/**
 * What the training loop ({@link Trainer}) needs of a training graph, whichever builder made it:
 * {@link TrainingGraph} (query–code objectives) or {@link SimCseTrainingGraph} ({@code objective.name:
 * simcse}). A step feeds a batch ({@link #feed}), the learning rate and the step seed, runs
 * {@link AdamW.Update#train} and fetches the loss, the gradient norm and the weight statistics, all named
 * by {@link #outputs()}.
 */
public interface StepGraph {
  /** The step's ops and variables. */
  StepOutputs outputs();

  /** Feeds what this graph reads of {@code batch} into {@code r}; every tensor it creates goes to {@code open}. */
  void feed(Session.Runner r, PreparedCorpus.Batch batch, EstimatorData estimator, List<Tensor> open);

  /** After the session opens on a fresh run: loads frozen weights or tables the graph holds, reporting to {@code out}. */
  void restoreFrozen(Session s, EstimatorData estimator, Consumer<String> out);
}
