package dev.softinfonce.train;

import dev.softinfonce.config.ExperimentConfig;
import dev.softinfonce.objective.WeightStats;
import java.util.Map;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;

/**
 * What a training step runs and fetches, whichever builder made the graph ({@link TrainingGraph},
 * {@link SimCseTrainingGraph}): one record both fill, read by the loop ({@link Trainer}), the gradient
 * cache ({@link GradCacheStep}), the cluster path and the benchmarks.
 *
 * @param tf the ops the graph was built with (on a cluster: placed on the chief)
 * @param config the run's configuration
 * @param loss [] the loss a step minimises
 * @param weightStats statistics of the negative weights, for the training log
 * @param update AdamW's update: the train op, the learning-rate placeholder, the gradient norm
 * @param gradCache with {@code train.grad_cache}, the runs of a step (chunked towers, objective, chunked
 *     backward, then {@code update}); null for the one-pass step
 * @param stepSeed [] int64 fed with the step number: keys the dropout masks ({@code nn.Dropout#STEP_SEED})
 * @param trainableVariables the trainee's variables, HF names → variable (what checkpoints and TensorBoard
 *     histograms hold)
 */
public record StepOutputs(Ops tf, ExperimentConfig config, Operand<TFloat32> loss, WeightStats<TFloat32> weightStats,
    AdamW.Update update, GradCache.Plan gradCache, Operand<TInt64> stepSeed,
    Map<String, Variable<?>> trainableVariables) {}
