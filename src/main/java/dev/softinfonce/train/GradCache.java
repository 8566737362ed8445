package dev.softinfonce.train;

import dev.softinfonce.config.GradCacheConfig;
import dev.softinfonce.nn.Dropout;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.VarHandleOp;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;

/**
 * The graph pieces of the gradient cache (Gao et al. 2021, "Scaling Deep Contrastive Learning Batch Size
 * under Memory Limited Setup"), {@code train.grad_cache.chunk_size: K}. The loss of a contrastive batch
 * couples all its rows, but it reads the encoders only through the embeddings, so
 * {@code dL/dθ = Σ_chunks (dL/de_chunk)ᵀ · de_chunk/dθ}: the towers need the activations of one chunk at
 * a time. {@link GradCacheStep} runs the pieces of one training step:
 *
 * <pre>
 * 1. per chunk [s, s+k), k = min(K, B - s):  ids [B,L] ─slice─► towers ─► e_chunk [k,D]   (fetched, no gradient)
 * 2. objective run: e [B,D] fed ─► scores, estimator, loss  (weights on the full batch)
 *      fetch dL/de [B,D]; reset: acc_θ ← dL/dθ for head variables (logit_scale), else 0
 * 3. per chunk: towers again (same dropout masks) ─► e_chunk; addGradients(e_chunk, θ, dx = dL/de[s:s+k])
 *      acc_θ += the chunk's variable gradients
 * 4. AdamW on acc_θ (the same global-norm clip, weight decay and step bookkeeping as the one-pass step)
 * </pre>
 *
 * The chunk's first row {@code s} is the graph's {@link Dropout#ROW_OFFSET}: dropout addresses its
 * draws by batch row, so pass 1, pass 3 and the one-pass graph draw identical masks for every example.
 * The accumulators are resource variables ({@code <var>-grad_cache}): a step overwrites them before
 * reading them, and checkpoints (which hold {@code VariableV2}s only) do not carry them. Builds graph
 * only; runs nothing.
 */
public final class GradCache {
  private final Ops tf;
  private final int chunkSize;
  private final Operand<TInt64> chunkStart;
  private final List<Operand<TFloat32>> chunkEmbeddings = new ArrayList<>();
  private final List<Placeholder<TFloat32>> embeddings = new ArrayList<>();
  private Plan plan;

  /**
   * The pieces {@link GradCacheStep} runs; see the class comment for the order.
   *
   * @param chunkStart the chunk's first row ({@link Dropout#ROW_OFFSET}), fed in the chunk runs
   * @param chunkEmbeddings the towers' outputs for the chunk, each {@code [k, D]}
   * @param embeddings the objective's inputs, each {@code [B, D]}, fed in the objective run
   * @param embeddingGradients {@code dL/d embeddings}, each {@code [B, D]}, fetched in the objective run
   * @param upstreamGradients the chunk's rows of those, each {@code [k, D]}, fed in the backward runs
   * @param reset objective run target: accumulators ← head gradients (variables the loss reads), else 0
   * @param accumulate backward run target: accumulators += the chunk's tower gradients
   * @param variables the trained variables
   * @param gradients their accumulated gradients (read after a step: the full-batch gradient)
   * @param update AdamW on {@code gradients}, run last
   */
  public record Plan(
      int chunkSize,
      Operand<TInt64> chunkStart,
      List<Operand<TFloat32>> chunkEmbeddings,
      List<Placeholder<TFloat32>> embeddings,
      List<Operand<TFloat32>> embeddingGradients,
      List<Placeholder<TFloat32>> upstreamGradients,
      Op reset,
      Op accumulate,
      List<Output<TFloat32>> variables,
      List<Operand<TFloat32>> gradients,
      AdamW.Update update) {}

  private GradCache(Ops tf, int chunkSize) {
    if (chunkSize < 0) {
      throw new IllegalArgumentException("grad cache chunk size must be >= 0 (0 = off), got " + chunkSize);
    }
    this.tf = tf;
    this.chunkSize = chunkSize;
    this.chunkStart = chunkSize > 0 ? Dropout.rowOffset(tf) : null;
  }

  /**
   * The gradient cache of a training graph as {@code train.grad_cache} says; when it is off
   * ({@code chunk_size: 0}) {@link #encode} and {@link #minimize} build the one-pass step.
   */
  public static GradCache of(Ops tf, GradCacheConfig cfg) {
    return new GradCache(tf, cfg.chunkSize());
  }

  /** The plan of the chunked step ({@link GradCacheStep}) once {@link #minimize} built it; null when off. */
  public Plan plan() {
    return plan;
  }

  /**
   * The towers' outputs {@code [B, D]} that the objective reads. Off: {@code towers} over the whole batch.
   * On: the towers are built over one chunk of rows (steps 1 and 3), and the objective reads one
   * full-batch placeholder {@code [B, D]} per tower output instead, in the same order.
   *
   * @param towers builds the tower outputs from a function that cuts the rows to encode out of any
   *     batch-major operand (ids, masks {@code [B, L]}): the chunk's rows, or all of them
   */
  public List<Operand<TFloat32>> encode(Function<UnaryOperator<Operand<TInt32>>, List<Operand<TFloat32>>> towers) {
    if (chunkSize == 0) {
      return towers.apply(UnaryOperator.identity());
    }
    if (!chunkEmbeddings.isEmpty()) {
      throw new IllegalStateException("encode was already called");
    }
    Operand<TInt32> start = tf.dtypes.cast(chunkStart, TInt32.class); // []
    chunkEmbeddings.addAll(towers.apply(x -> rows(x, start))); // each [k, D]
    for (int i = 0; i < chunkEmbeddings.size(); i++) {
      embeddings.add(tf.withName("grad_cache_embedding_" + i)
          .placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, -1)))); // [B, D]
    }
    return List.<Operand<TFloat32>>copyOf(embeddings);
  }

  /** Rows {@code [start, start + min(K, B - start))} of a batch-major {@code x [B, L]}. */
  private Operand<TInt32> rows(Operand<TInt32> x, Operand<TInt32> start) {
    Operand<TInt32> b = tf.gather(tf.shape(x), tf.constant(0), tf.constant(0)); // []
    Operand<TInt32> k = tf.math.minimum(tf.constant(chunkSize), tf.math.sub(b, start)); // []
    return tf.slice(x, tf.stack(List.of(start, tf.constant(0))), tf.stack(List.of(k, tf.constant(-1)))); // [k, L]
  }

  /**
   * The AdamW update of {@code loss}. Off: {@link AdamW#minimize}. On: the gradients, the accumulators and
   * the AdamW update on them (steps 2–4), kept as {@link #plan()}.
   *
   * @param loss the objective computed from what {@link #encode} returned
   * @param adamw the optimizer (its trainable filter chooses the variables)
   */
  public AdamW.Update minimize(Operand<TFloat32> loss, AdamW adamw) {
    if (chunkSize == 0) {
      return adamw.minimize(tf, loss);
    }
    if (plan != null) {
      throw new IllegalStateException("minimize was already called");
    }
    plan = update(loss, adamw);
    return plan.update();
  }

  private Plan update(Operand<TFloat32> loss, AdamW adamw) {
    if (chunkEmbeddings.isEmpty()) {
      throw new IllegalStateException("call encode before update");
    }
    Graph graph = (Graph) tf.scope().env();
    List<Operand<?>> roots = new ArrayList<>(chunkEmbeddings);
    roots.add(loss);
    List<Output<TFloat32>> vars = adamw.trainedVariables(tf, roots);
    Set<String> fromLoss = AdamW.upstream(List.of(loss));
    Set<String> fromTowers = AdamW.upstream(chunkEmbeddings);
    List<Output<TFloat32>> head = vars.stream().filter(v -> fromLoss.contains(v.op().name())).toList();
    List<Output<TFloat32>> tower = vars.stream().filter(v -> fromTowers.contains(v.op().name())).toList();

    // Step 2: dL/de for every embedding input [B, D], and dL/dθ of the variables the loss reads directly.
    List<Output<?>> xs = new ArrayList<>();
    embeddings.forEach(e -> xs.add(e.asOutput()));
    xs.addAll(head);
    Output<?>[] g = graph.addGradients("grad_cache_objective", new Output<?>[] {loss.asOutput()},
        xs.toArray(new Output<?>[0]), null);
    List<Operand<TFloat32>> embeddingGradients = new ArrayList<>();
    for (int i = 0; i < embeddings.size(); i++) {
      embeddingGradients.add(g[i].expect(TFloat32.class)); // [B, D]
    }

    // Step 3: the towers' variable gradients for upstream gradients dx [k, D] of the chunk's embeddings.
    List<Placeholder<TFloat32>> upstream = new ArrayList<>();
    Output<?>[] ys = new Output<?>[chunkEmbeddings.size()];
    Output<?>[] dxs = new Output<?>[chunkEmbeddings.size()];
    for (int i = 0; i < chunkEmbeddings.size(); i++) {
      Placeholder<TFloat32> dx = tf.withName("grad_cache_embedding_grad_" + i)
          .placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, -1))); // [k, D]
      upstream.add(dx);
      ys[i] = chunkEmbeddings.get(i).asOutput();
      dxs[i] = dx.asOutput();
    }
    Output<?>[] gt = tower.isEmpty() ? new Output<?>[0]
        : graph.addGradients("grad_cache_chunk", ys, tower.toArray(new Output<?>[0]), dxs);

    // Accumulators: reset writes the head gradient (or zeros), each chunk adds its tower gradient.
    List<Op> resets = new ArrayList<>();
    List<Op> adds = new ArrayList<>();
    List<Operand<TFloat32>> accumulated = new ArrayList<>();
    for (Output<TFloat32> v : vars) {
      String name = v.op().name() + "-grad_cache";
      VarHandleOp acc = tf.withName(name).varHandleOp(TFloat32.class, v.shape(), VarHandleOp.sharedName(name));
      int h = head.indexOf(v);
      Operand<TFloat32> first = h >= 0 ? g[embeddings.size() + h].expect(TFloat32.class)
          : tf.zeros(tf.constant(v.shape().asArray()), TFloat32.class); // shape of v
      resets.add(tf.assignVariableOp(acc, first));
      int t = tower.indexOf(v);
      if (t >= 0) {
        adds.add(tf.assignAddVariableOp(acc, gt[t].expect(TFloat32.class)));
      }
      accumulated.add(tf.readVariableOp(acc, TFloat32.class)); // shape of v
    }
    Op reset = tf.withControlDependencies(resets).withName("grad_cache_reset").noOp();
    Op accumulate = tf.withControlDependencies(adds).withName("grad_cache_accumulate").noOp();
    AdamW.Update update = adamw.apply(tf, vars, accumulated);
    return new Plan(chunkSize, chunkStart, List.copyOf(chunkEmbeddings), List.copyOf(embeddings),
        List.copyOf(embeddingGradients), List.copyOf(upstream), reset, accumulate, List.copyOf(vars),
        List.copyOf(accumulated), update);
  }
}
