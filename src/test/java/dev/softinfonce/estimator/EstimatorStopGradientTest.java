package dev.softinfonce.estimator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.softinfonce.config.EstimatorConfig.Bm25Field;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.exceptions.TFInvalidArgumentException;
import org.tensorflow.framework.optimizers.GradientDescent;
import org.tensorflow.framework.optimizers.Optimizer;
import org.tensorflow.ndarray.StdArrays;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Variable;
import org.tensorflow.op.linalg.MatMul;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.family.TType;

/**
 * No gradient flows from any estimator's {@code sim} into anything (checked on the graph with
 * {@code addGradients}), and the documented trainer recipe keeps estimator variables frozen.
 */
class EstimatorStopGradientTest {
  private static final int V = 30;
  private static final int D = 6;

  /** A graph holding a trainee encoder, a frozen estimator encoder and a cache, on fixed inputs. */
  private static final class Fixture {
    final Ops tf;
    final TestEncoders.Weights frozen;
    final TestEncoders.Weights trainee;
    final EmbeddingCache cache;
    final EstimatorInputs inputs;
    final Operand<TFloat32> liveScores;

    Fixture(Graph g) {
      tf = Ops.create(g);
      frozen = TestEncoders.weights(tf, "estimator.enc_", V, D, 1);
      trainee = TestEncoders.weights(tf, "", V, D, 2);
      cache = EmbeddingCache.create(tf, 10, D);
      Random rnd = new Random(5);
      int[][][] q = TestEncoders.randomIds(rnd, 4, 5, V);
      int[][][] c = TestEncoders.randomIds(rnd, 4, 7, V);
      Operand<TInt32> qIds = tf.constant(q[0]);
      Operand<TInt32> qMask = tf.constant(q[1]);
      Operand<TInt32> cIds = tf.constant(c[0]);
      Operand<TInt32> cMask = tf.constant(c[1]);
      TextEncoder live = TestEncoders.encoder(tf, trainee);
      liveScores = tf.linalg.matMul(live.encode(qIds, qMask), live.encode(cIds, cMask),
          MatMul.transposeB(true));                                         // [B, B]
      inputs = EstimatorInputs.builder().query(qIds, qMask).code(cIds, cMask)
          .exampleIndex(tf.constant(new int[] {3, 0, 7, 9})).liveScores(liveScores).build();
    }

    List<RelevanceEstimator> estimators() {
      TextEncoder enc = TestEncoders.encoder(tf, frozen);
      return List.of(new UniformEstimator(), new SelfEstimator(), new SimCseEstimator(enc),
          TrainedModelEstimator.online(enc, enc, PairScorer.dot()),
          TrainedModelEstimator.cached(cache, PairScorer.dot()),
          new Bm25Estimator(1.2, 0.75, 3, Set.of(0), Bm25Field.CODE));
    }

    List<Output<?>> variables() {
      List<Output<?>> vars = new ArrayList<>();
      frozen.all().forEach(v -> vars.add(v.asOutput()));
      trainee.all().forEach(v -> vars.add(v.asOutput()));
      vars.add(((Operand<?>) cache.queryTable()).asOutput());
      vars.add(((Operand<?>) cache.codeTable()).asOutput());
      return vars;
    }
  }

  /**
   * "No gradient" in TF Java's addGradients takes two forms: a closed Output when x reaches y only
   * through StopGradient, and an "unreachable" error when there is no forward path at all.
   */
  private static boolean hasGradient(Graph g, Operand<TFloat32> y, Output<?> x, boolean[] stopped) {
    try {
      Output<?>[] grad = g.addGradients(y.asOutput(), new Output<?>[] {x});
      if (grad[0].isClosed()) {
        stopped[0] = true;
        return false;
      }
      return true;
    } catch (TFInvalidArgumentException e) {
      assertTrue(e.getMessage().contains("unreachable"), e.getMessage());
      return false;
    }
  }

  @Test
  void noEstimatorPassesGradientsToAnyVariable() {
    try (Graph g = new Graph()) {
      Fixture f = new Fixture(g);
      List<Output<?>> vars = f.variables();
      vars.add(f.liveScores.asOutput());
      for (RelevanceEstimator est : f.estimators()) {
        Operand<TFloat32> sim = est.sim(f.tf, f.inputs);
        assertEquals("StopGradient", sim.op().type(), est.name() + ": sim must be a StopGradient");
        Operand<TFloat32> y = TestEncoders.sumSquares(f.tf, sim);
        boolean[] stopped = {false};
        for (Output<?> x : vars) {
          assertFalse(hasGradient(g, y, x, stopped), est.name() + ": gradient reaches " + x.op().name());
        }
        if (!est.name().equals("uniform") && !est.name().equals("bm25")) {
          // these read variables or live scores: the check above must have met the stop-gradient
          assertTrue(stopped[0], est.name() + ": expected a path cut by stopGradient");
        }
      }
    }
  }

  @Test
  void theCheckCanFailWithoutStopGradient() {
    // positive control: the same encoders without the estimator's stopGradient do pass gradients
    try (Graph g = new Graph()) {
      Fixture f = new Fixture(g);
      TextEncoder enc = TestEncoders.encoder(f.tf, f.frozen);
      Operand<TFloat32> raw = f.tf.linalg.matMul(enc.encode(f.inputs.queryIds(), f.inputs.queryMask()),
          enc.encode(f.inputs.codeIds(), f.inputs.codeMask()), MatMul.transposeB(true));
      boolean[] stopped = {false};
      assertTrue(hasGradient(g, TestEncoders.sumSquares(f.tf, raw), f.frozen.embedding().asOutput(),
          stopped));
      assertTrue(hasGradient(g, TestEncoders.sumSquares(f.tf, f.liveScores),
          f.trainee.projection().asOutput(), stopped));
      assertFalse(stopped[0]);
    }
  }

  @Test
  void estimatorVariablePredicate() {
    assertTrue(RelevanceEstimator.isEstimatorVariable("estimator.cache_query_table"));
    assertTrue(RelevanceEstimator.isEstimatorVariable("estimator/embeddings.word_embeddings.weight"));
    assertTrue(RelevanceEstimator.isEstimatorVariable(EmbeddingCache.CODE_TABLE));
    assertFalse(RelevanceEstimator.isEstimatorVariable("embeddings.word_embeddings.weight"));
    assertFalse(RelevanceEstimator.isEstimatorVariable("query.estimator.x"));
    assertFalse(RelevanceEstimator.isEstimatorVariable("estimatorx"));
  }

  /**
   * The trainer recipe from {@link RelevanceEstimator}: drop estimator variables from the optimizer's
   * list. A loss that uses the frozen encoder WITHOUT stop-gradient (worst case) still leaves it unchanged,
   * while the trainee moves.
   */
  @Test
  void filteredOptimizerLeavesEstimatorVariablesUnchanged() {
    try (Graph g = new Graph(); Session s = new Session(g)) {
      Fixture f = new Fixture(g);
      TextEncoder frozenEnc = TestEncoders.encoder(f.tf, f.frozen);
      Operand<TFloat32> leak = frozenEnc.encode(f.inputs.queryIds(), f.inputs.queryMask()); // [B, D]
      Operand<TFloat32> weights = new SimCseEstimator(frozenEnc).sim(f.tf, f.inputs);   // [B, B]
      Operand<TFloat32> loss = f.tf.math.add(
          TestEncoders.sumSquares(f.tf, f.tf.math.mul(f.liveScores, f.tf.math.exp(weights))),
          TestEncoders.sumSquares(f.tf, leak));
      // The trainer recipe: differentiate only w.r.t. non-estimator variables. (Optimizer.computeGradients
      // would differentiate w.r.t. every variable and throw for ones unreachable from the loss.)
      List<Output<?>> trainable = new ArrayList<>();
      g.operations().forEachRemaining(op -> {
        if (op.type().equals("VariableV2") && !RelevanceEstimator.isEstimatorVariable(op.name())) {
          trainable.add(op.output(0));
        }
      });
      assertEquals(2, trainable.size(), "trainee embedding and projection only");
      Output<?>[] grads = g.addGradients(loss.asOutput(), trainable.toArray(new Output<?>[0]));
      List<Optimizer.GradAndVar<? extends TType>> kept = new ArrayList<>();
      for (int k = 0; k < grads.length; k++) {
        kept.add(gradAndVar(grads[k], trainable.get(k)));
      }
      Optimizer opt = new GradientDescent(g, 0.05f);
      Op train = opt.applyGradients(kept, "train");

      float[][] frozenBefore = fetch(s, f.frozen.embedding());
      float[][] traineeBefore = fetch(s, f.trainee.projection());
      for (int step = 0; step < 3; step++) {
        s.runner().addTarget(train).run().close();
      }
      float[][] frozenAfter = fetch(s, f.frozen.embedding());
      float[][] traineeAfter = fetch(s, f.trainee.projection());
      for (int r = 0; r < frozenBefore.length; r++) {
        assertTrue(java.util.Arrays.equals(frozenBefore[r], frozenAfter[r]), "frozen row " + r);
      }
      assertNotEquals(traineeBefore[0][0], traineeAfter[0][0], "the trainee must have moved");
    }
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static Optimizer.GradAndVar<? extends TType> gradAndVar(Output<?> grad, Output<?> var) {
    return new Optimizer.GradAndVar(grad, var);
  }

  private static float[][] fetch(Session s, Variable<TFloat32> v) {
    try (Result r = s.runner().fetch(v).run()) {
      return StdArrays.array2dCopyOf((TFloat32) r.get(0));
    }
  }
}
