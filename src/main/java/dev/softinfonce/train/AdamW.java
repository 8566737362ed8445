package dev.softinfonce.train;

import dev.softinfonce.config.TrainConfig;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Predicate;
import org.tensorflow.ExecutionEnvironment;
import org.tensorflow.Graph;
import org.tensorflow.GraphOperation;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Variable;
import org.tensorflow.proto.DataType;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;

/**
 * AdamW (Loshchilov &amp; Hutter 2019, "Decoupled Weight Decay Regularization") built around
 * {@code tf.train.applyAdam}, with a learning rate fed at every step, global-norm gradient clipping and
 * all optimizer state in checkpointable {@code VariableV2}s. TF Java's framework has no AdamW and bakes
 * its learning rate in as a constant, hence this class.
 *
 * <h2>Update (per trained variable θ with clipped gradient g, step t = 1, 2, ...)</h2>
 * <pre>
 *   n   = sqrt(Σ_vars ‖g_raw‖²)                 global gradient norm (before clipping)
 *   g   = g_raw · min(1, clip / n)              only when clip &gt; 0
 *   θ  ← θ − lr · wd · θ                         decoupled decay, only if decay(name) is true
 *   m  ← β1 m + (1−β1) g ;  v ← β2 v + (1−β2) g²
 *   θ  ← θ − lr / (1−β1^t) · m / (sqrt(v) / sqrt(1−β2^t) + ε)
 * </pre>
 * This is exactly {@code torch.optim.AdamW} (ε added to the bias-corrected sqrt(v)). {@code applyAdam}
 * adds ε to the uncorrected sqrt(v), so the ε fed to it is {@code ε·sqrt(1−β2^t)}, which makes the two
 * identical. Clipping uses {@code clip / max(n, clip)}; PyTorch's {@code clip_grad_norm_} uses
 * {@code clip / (n + 1e-6)}, a relative difference below 1e-6.
 *
 * <h2>Variables</h2>
 * <ul>
 *   <li>Trained: every float32 {@code VariableV2} present in the graph when {@link #minimize} is called,
 *       whose name passes {@code trainable} (default: all) and that receives a gradient from the loss.
 *       Others (a frozen estimator, integer counters) get no slots and are never changed.</li>
 *   <li>Slots {@code <var>-m} and {@code <var>-v} (flat names, zeros-initialised), the step counter
 *       {@code <prefix>step} (int64, number of updates applied) and {@code <prefix>beta1_power},
 *       {@code <prefix>beta2_power} (β^t for the next update). The default prefix is {@code adamw_}.
 *       All are {@code VariableV2}, so {@code Session.save} includes them. Call {@code minimize} before
 *       the first save: the SaverDef is frozen at the first save/restore.</li>
 *   <li>Weight decay default: every trained variable except names ending in {@code .bias} or containing
 *       {@code LayerNorm} / {@code layer_norm} in any case (Hugging Face convention), see
 *       {@link #DEFAULT_DECAY}.</li>
 * </ul>
 *
 * <h2>Usage</h2>
 * <pre>{@code
 * AdamW.Update upd = AdamW.fromConfig(cfg.train()).minimize(tf, loss);   // graph building only
 * LearningRateSchedule sched = LearningRateSchedule.of(cfg.train(), totalSteps);
 * try (TFloat32 lr = TFloat32.scalarOf((float) sched.lr(step));
 *      Result r = session.runner().feed(upd.learningRate(), lr).addTarget(upd.train())
 *          .fetch(loss).fetch(upd.gradNorm()).run()) { ... }
 * }</pre>
 * Fetch in the same run only values computed on the way to the loss (loss, gradient norm): the
 * variables are updated in place during the run, so other reads of them may see either value.
 * Weight statistics belong in a separate run ({@link Update#weightNorm()}).
 */
public final class AdamW {

  /** No decay on biases and layer norms (Hugging Face names: {@code *.bias}, {@code *LayerNorm.weight}). */
  public static final Predicate<String> DEFAULT_DECAY = name -> {
    String lower = name.toLowerCase(java.util.Locale.ROOT);
    return !(name.endsWith(".bias") || name.equals("bias")
        || lower.contains("layernorm") || lower.contains("layer_norm"));
  };

  private final double beta1;
  private final double beta2;
  private final double epsilon;
  private final double weightDecay;
  private final double gradClip;
  private final Predicate<String> trainable;
  private final Predicate<String> decay;
  private final String prefix;

  private AdamW(Builder b) {
    this.beta1 = b.beta1;
    this.beta2 = b.beta2;
    this.epsilon = b.epsilon;
    this.weightDecay = b.weightDecay;
    this.gradClip = b.gradClip;
    this.trainable = b.trainable;
    this.decay = b.decay;
    this.prefix = b.prefix;
  }

  /** A builder with PyTorch defaults: β1 0.9, β2 0.999, ε 1e-8, weight decay 0.01, no clipping. */
  public static Builder builder() {
    return new Builder();
  }

  /** β1, β2, ε, weight decay and clip from {@code train.adam_*}, {@code train.weight_decay}, {@code train.grad_clip}. */
  public static AdamW fromConfig(TrainConfig train) {
    return builder().config(train).build();
  }

  /** Same as {@link #minimize(Ops, Operand, Operand)} with a new scalar placeholder {@code <prefix>learning_rate}. */
  public Update minimize(Ops tf, Operand<TFloat32> loss) {
    return minimize(tf, loss, learningRatePlaceholder(tf));
  }

  /** Same as {@link #apply(Ops, List, List, Operand)} with a new scalar placeholder {@code <prefix>learning_rate}. */
  public Update apply(Ops tf, List<Output<TFloat32>> vars, List<Operand<TFloat32>> grads) {
    return apply(tf, vars, grads, learningRatePlaceholder(tf));
  }

  private Placeholder<TFloat32> learningRatePlaceholder(Ops tf) {
    return tf.withName(prefix + "learning_rate").placeholder(TFloat32.class, Placeholder.shape(Shape.scalar()));
  }

  /**
   * Adds gradients, clipping, the optimizer state variables and the update ops to the graph of {@code tf}.
   * Runs nothing.
   *
   * @param loss scalar loss to minimise
   * @param learningRate scalar learning rate read at every run (a placeholder fed each step, or a variable)
   * @throws IllegalArgumentException if no variable would be trained, or a trained variable has a
   *     shape that is not fully known (slots need it)
   */
  public Update minimize(Ops tf, Operand<TFloat32> loss, Operand<TFloat32> learningRate) {
    List<Output<TFloat32>> vars = trainedVariables(tf, List.of(loss));
    Output<?>[] gs = graphOf(tf).addGradients(loss.asOutput(), vars.toArray(new Output<?>[0]));
    List<Operand<TFloat32>> grads = new ArrayList<>();
    for (Output<?> g : gs) {
      grads.add(g.expect(TFloat32.class));
    }
    return apply(tf, vars, grads, learningRate);
  }

  /**
   * The variables this optimizer trains for a loss computed from {@code roots}: every float32
   * {@code VariableV2} in the graph that passes the trainable filter and that some root depends on (not
   * through {@code StopGradient}), in graph order.
   *
   * @throws IllegalArgumentException if there is none, or one has a shape that is not fully known
   */
  public List<Output<TFloat32>> trainedVariables(Ops tf, List<? extends Operand<?>> roots) {
    Graph graph = graphOf(tf);
    Set<String> upstream = upstream(roots);
    List<Output<TFloat32>> vars = new ArrayList<>();
    for (Iterator<GraphOperation> it = graph.operations(); it.hasNext(); ) {
      GraphOperation op = it.next();
      if (op.type().equals("VariableV2") && isFloat32(op.output(0).dataType())
          && trainable.test(op.name()) && upstream.contains(op.name())) {
        vars.add(op.output(0).expect(TFloat32.class));
      }
    }
    if (vars.isEmpty()) {
      throw new IllegalArgumentException("AdamW: no float32 variable both passes the trainable filter and "
          + "receives a gradient from " + roots.stream().map(r -> "'" + r.op().name() + "'").toList());
    }
    for (Output<TFloat32> v : vars) {
      if (v.shape().isUnknown() || v.shape().hasUnknownDimension()) {
        throw new IllegalArgumentException("AdamW: variable '" + v.op().name() + "' has shape " + v.shape()
            + "; slots need a fully known shape");
      }
    }
    return vars;
  }

  /**
   * Adds clipping, the optimizer state variables and the update ops for gradients computed elsewhere
   * (the gradient cache accumulates them over several runs). Runs nothing.
   *
   * @param vars the trained variables ({@link #trainedVariables})
   * @param grads their gradients, same order and shapes
   */
  public Update apply(Ops tf, List<Output<TFloat32>> vars, List<Operand<TFloat32>> grads,
      Operand<TFloat32> learningRate) {
    if (vars.size() != grads.size()) {
      throw new IllegalArgumentException("AdamW: " + vars.size() + " variables but " + grads.size() + " gradients");
    }
    // Global norm over all gradients (before clipping): sqrt(Σ_i Σ g_i²), scalar.
    Operand<TFloat32> gradNorm = globalNorm(tf, grads);
    List<Operand<TFloat32>> clipped = grads;
    if (gradClip > 0) {
      Operand<TFloat32> clip = tf.constant((float) gradClip);
      Operand<TFloat32> scale = tf.math.div(clip, tf.math.maximum(gradNorm, clip)); // min(1, clip/n)
      clipped = new ArrayList<>();
      for (Operand<TFloat32> g : grads) {
        clipped.add(tf.math.mul(g, scale));
      }
    }

    // State variables: beta powers hold β^t for the update about to run, step counts updates done.
    Ops init = tf.withInitScope();
    Variable<TFloat32> beta1Power = tf.withName(prefix + "beta1_power").variable(init.constant((float) beta1));
    Variable<TFloat32> beta2Power = tf.withName(prefix + "beta2_power").variable(init.constant((float) beta2));
    Variable<TInt64> step = tf.withName(prefix + "step").variable(init.constant(0L));
    Operand<TFloat32> b1 = tf.constant((float) beta1);
    Operand<TFloat32> b2 = tf.constant((float) beta2);
    // ε·sqrt(1−β2^t): turns applyAdam's ε-hat into PyTorch's ε on the bias-corrected sqrt(v).
    Operand<TFloat32> epsHat = tf.math.mul(tf.constant((float) epsilon),
        tf.math.sqrt(tf.math.sub(tf.constant(1f), beta2Power)));
    Operand<TFloat32> lrWd = tf.math.mul(learningRate, tf.constant((float) weightDecay));

    // Every decay / apply waits for the global norm, which waits for every gradient: no variable is
    // written before all gradients (which read the old values) are computed.
    List<Op> applies = new ArrayList<>();
    List<String> names = new ArrayList<>();
    List<String> decayed = new ArrayList<>();
    for (int i = 0; i < vars.size(); i++) {
      Output<TFloat32> v = vars.get(i);
      String name = v.op().name();
      names.add(name);
      Operand<TFloat32> zeros = init.zeros(init.constant(v.shape().asArray()), TFloat32.class);
      Variable<TFloat32> m = tf.withName(name + "-m").variable(zeros);
      Variable<TFloat32> s = tf.withName(name + "-v").variable(
          init.zeros(init.constant(v.shape().asArray()), TFloat32.class));
      Ops after = tf.withControlDependencies(List.<Op>of(gradNorm));
      if (weightDecay > 0 && decay.test(name)) {
        decayed.add(name);
        Op d = after.assignSub(v, after.math.mul(lrWd, v)); // θ ← θ − lr·wd·θ  (same shape as θ)
        after = tf.withControlDependencies(List.<Op>of(gradNorm, d));
      }
      applies.add(after.train.applyAdam(v, m, s, beta1Power, beta2Power, learningRate, b1, b2, epsHat,
          clipped.get(i)));
    }
    Ops done = tf.withControlDependencies(applies);
    List<Op> bookkeeping = List.of(
        done.assign(beta1Power, done.math.mul(beta1Power, b1)),
        done.assign(beta2Power, done.math.mul(beta2Power, b2)),
        done.assignAdd(step, done.constant(1L)));
    Op train = tf.withControlDependencies(bookkeeping).withName(prefix + "train").noOp();
    Operand<TFloat32> weightNorm = globalNorm(tf, new ArrayList<>(vars));
    return new Update(train, learningRate, gradNorm, weightNorm, step,
        Collections.unmodifiableList(names), Collections.unmodifiableList(decayed));
  }

  /** sqrt(Σ_i ‖x_i‖²) over all elements of all operands; a scalar. */
  public static Operand<TFloat32> globalNorm(Ops tf, List<? extends Operand<TFloat32>> xs) {
    List<Operand<TFloat32>> squares = new ArrayList<>();
    for (Operand<TFloat32> x : xs) {
      Operand<TFloat32> flat = tf.reshape(x, tf.constant(new int[] {-1})); // [N]
      squares.add(tf.reduceSum(tf.math.square(flat), tf.constant(0)));   // []
    }
    return tf.math.sqrt(squares.size() == 1 ? squares.get(0) : tf.math.addN(squares));
  }

  /**
   * Names of the ops the values of {@code roots} depend on through data inputs, not crossing
   * {@code StopGradient} (variables behind it get no gradient and TF refuses to differentiate them).
   */
  static Set<String> upstream(List<? extends Operand<?>> roots) {
    Set<String> seen = new HashSet<>();
    ArrayDeque<GraphOperation> todo = new ArrayDeque<>();
    for (Operand<?> root : roots) {
      if (seen.add(root.op().name())) {
        todo.add((GraphOperation) root.op());
      }
    }
    while (!todo.isEmpty()) {
      GraphOperation op = todo.poll();
      if (op.type().equals("StopGradient") || op.type().equals("PreventGradient")) {
        continue;
      }
      for (int i = 0; i < op.numInputs(); i++) {
        GraphOperation in = (GraphOperation) op.input(i).op();
        if (seen.add(in.name())) {
          todo.add(in);
        }
      }
    }
    return seen;
  }

  private static boolean isFloat32(DataType t) {
    return t == DataType.DT_FLOAT || t == DataType.DT_FLOAT_REF; // VariableV2 outputs are ref-typed
  }

  private static Graph graphOf(Ops tf) {
    ExecutionEnvironment env = tf.scope().env();
    if (!(env instanceof Graph g)) {
      throw new IllegalArgumentException("AdamW works on graphs only, got " + env.getClass().getSimpleName());
    }
    return g;
  }

  /**
   * What {@link #minimize} added.
   *
   * @param train run as a target to apply one update
   * @param learningRate the scalar to feed (a placeholder unless the caller passed its own operand)
   * @param gradNorm global gradient norm before clipping (fetch with {@code train})
   * @param weightNorm global norm of the trained variables (fetch in a separate run, not with {@code train})
   * @param step int64 variable: number of updates applied so far (restored from checkpoints)
   * @param variables names of the trained variables, in graph order
   * @param decayed names of the trained variables that get weight decay
   */
  public record Update(
      Op train,
      Operand<TFloat32> learningRate,
      Operand<TFloat32> gradNorm,
      Operand<TFloat32> weightNorm,
      Variable<TInt64> step,
      List<String> variables,
      List<String> decayed) {}

  /** Hyper-parameters; each setter validates at once. */
  public static final class Builder {
    private double beta1 = 0.9;
    private double beta2 = 0.999;
    private double epsilon = 1e-8;
    private double weightDecay = 0.01;
    private double gradClip = 0;
    private Predicate<String> trainable = name -> true;
    private Predicate<String> decay = DEFAULT_DECAY;
    private String prefix = "adamw_";

    private Builder() {}

    public Builder beta1(double v) {
      check(v >= 0 && v < 1, "beta1 must be in [0, 1), got " + v);
      beta1 = v;
      return this;
    }

    public Builder beta2(double v) {
      check(v >= 0 && v < 1, "beta2 must be in [0, 1), got " + v);
      beta2 = v;
      return this;
    }

    public Builder epsilon(double v) {
      check(v > 0, "epsilon must be > 0, got " + v);
      epsilon = v;
      return this;
    }

    public Builder weightDecay(double v) {
      check(v >= 0, "weight decay must be >= 0, got " + v);
      weightDecay = v;
      return this;
    }

    /** Takes β1, β2, ε, weight decay and clip from the train section (filters stay as set). */
    public Builder config(TrainConfig train) {
      return beta1(train.adamBeta1()).beta2(train.adamBeta2()).epsilon(train.adamEps())
          .weightDecay(train.weightDecay()).gradClip(train.gradClip());
    }

    /** Global-norm clipping threshold; 0 switches clipping off. */
    public Builder gradClip(double v) {
      check(v >= 0, "grad clip must be >= 0 (0 = off), got " + v);
      gradClip = v;
      return this;
    }

    /** Which variables (by op name) may be trained; others get no slots and stay unchanged. */
    public Builder trainable(Predicate<String> p) {
      trainable = Objects.requireNonNull(p);
      return this;
    }

    /** Which trained variables (by op name) get weight decay; default {@link #DEFAULT_DECAY}. */
    public Builder decay(Predicate<String> p) {
      decay = Objects.requireNonNull(p);
      return this;
    }

    /** Name prefix of the learning-rate placeholder, step, beta powers and train op (default {@code adamw_}). */
    public Builder prefix(String p) {
      check(p.matches("[A-Za-z0-9._\\-]*"), "prefix must be a flat name (no '/'), got '" + p + "'");
      prefix = p;
      return this;
    }

    public AdamW build() {
      return new AdamW(this);
    }

    private static void check(boolean ok, String message) {
      if (!ok) {
        throw new IllegalArgumentException(message);
      }
    }
  }
}
