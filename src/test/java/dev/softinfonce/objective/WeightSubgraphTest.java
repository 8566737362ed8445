package dev.softinfonce.objective;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.GraphOperation;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;

/**
 * One {@link Objective#build} call adds Soft-InfoNCE's Eq. 4 weight subgraph once per direction, however
 * many of loss, weights and statistics the caller fetches (it used to be built three times: once for the
 * loss and twice more for the statistics). Counted on the graph: ops of type {@code Assert} (one per
 * subgraph, the β − α/(N−1) &gt; 0 check) and the distinct {@link SoftInfoNce#WEIGHTS_SCOPE} name scopes.
 */
class WeightSubgraphTest {

  @Test
  void softInfoNceBuildsItsWeightsOncePerDirection() {
    assertEquals(new Counts(1, Set.of("soft_infonce_weights")), countsOfOneBuild(Map.of("name", "soft_infonce"), true));
    assertEquals(new Counts(2, Set.of("soft_infonce_weights", "soft_infonce_weights_1")),
        countsOfOneBuild(Map.of("name", "soft_infonce", "symmetric", true), true));
    assertEquals(new Counts(0, Set.of()), countsOfOneBuild(Map.of("name", "soft_infonce"), false),
        "no relevance: weight 1, no Eq. 4");
  }

  @Test
  void otherObjectivesAddNoEq4Subgraph() {
    for (String name : new String[] {"infonce", "bce", "weighted_infonce", "kl_regularization", "fn_cancel_topk"}) {
      assertEquals(new Counts(0, Set.of()), countsOfOneBuild(Map.of("name", name), true), name);
    }
  }

  /** Asserts and weight scopes added by one build whose loss, weights and every statistic are all used. */
  private static Counts countsOfOneBuild(Map<String, Object> values, boolean withRelevance) {
    try (Graph g = new Graph()) {
      Ops tf = Ops.create(g);
      Placeholder<TFloat32> scores = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, -1)));
      Placeholder<TFloat32> relevance = tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, -1)));
      Placeholder<TBool> dup = tf.placeholder(TBool.class, Placeholder.shape(Shape.of(-1, -1)));
      Map<String, Integer> before = opTypes(g);
      ObjectiveOutputs<TFloat32> out = Objectives.create(Harness.config(values))
          .build(tf, scores, withRelevance ? relevance : null, dup);
      // Everything a training step fetches, combined so nothing is left dangling.
      tf.math.addN(java.util.List.of(out.loss(), tf.reduceSum(out.weights(), tf.constant(new int[] {0, 1})),
          out.stats().min(), out.stats().mean(), out.stats().max(), out.stats().clampedShare(),
          out.stats().lowShare()));
      Map<String, Integer> after = opTypes(g);
      Set<String> scopes = new TreeSet<>();
      for (Iterator<GraphOperation> it = g.operations(); it.hasNext(); ) {
        String name = it.next().name();
        if (name.startsWith(SoftInfoNce.WEIGHTS_SCOPE)) {
          scopes.add(name.substring(0, name.indexOf('/')));
        }
      }
      return new Counts(after.getOrDefault("Assert", 0) - before.getOrDefault("Assert", 0), scopes);
    }
  }

  private static Map<String, Integer> opTypes(Graph g) {
    Map<String, Integer> counts = new HashMap<>();
    for (Iterator<GraphOperation> it = g.operations(); it.hasNext(); ) {
      counts.merge(it.next().type(), 1, Integer::sum);
    }
    return counts;
  }

  private record Counts(int asserts, Set<String> weightScopes) {}
}
