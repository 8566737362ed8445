package dev.softinfonce.train;

import dev.softinfonce.corpus.TokenizedCorpus;
import dev.softinfonce.text.TokenizedBatch;
import java.util.List;
import java.util.function.Consumer;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.StdArrays;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;

/**
 * Validation of a SimCSE run ({@code objective.name: simcse}). The trainer's usual metric, query→code
 * MRR over the valid pool, says nothing about a docstring encoder, so a SimCSE run is validated the
 * way the reference {@code nl_simcse.py} selects its checkpoint — in-batch retrieval between the two
 * dropout views — but on the <em>valid</em> docstrings instead of the training batches:
 *
 * <pre>
 *   valid docstrings, in file order, in batches of train.batch_size (a last batch of one is dropped)
 *   → the training graph's two views z1, z2 (dropout on, fixed key {@link #DROPOUT_STEP})
 *   → logits l = cos(z1_i, z2_j) / t [B,B]; rank_i = 1 + #{j ≠ i : l_ij &gt; l_ii}
 *   mrr = mean 1/rank_i, r@1, r@10 over all docstrings; loss = mean SimCSE loss of the batches
 * </pre>
 *
 * The dropout key is the same at every validation (and never a training step), so the figures of two
 * checkpoints are comparable. Near-identical docstrings in one batch make the task harder than it
 * should be; the metric ranks checkpoints of one run, it is not a retrieval benchmark. The best
 * checkpoint is chosen by this {@code valid_mrr}. Runs the session; builds nothing.
 */
final class SimCseValidation {
  /** The {@code dropout_step} fed during validation: negative, so no training step shares its masks. */
  static final long DROPOUT_STEP = -1;

  /** One validation's figures. */
  record Metrics(double mrr, double recallAt1, double recallAt10, double loss, int docstrings, int batchSize) {}

  private final TokenizedCorpus docstrings;
  private final int batchSize;

  /**
   * @param docstrings the valid docstrings, tokenized with the run's query tokenizer
   * @param batchSize in-batch pool size (the training batch size)
   */
  SimCseValidation(TokenizedCorpus docstrings, int batchSize) {
    this.docstrings = docstrings;
    this.batchSize = batchSize;
  }

  /** Runs the views of {@code tg} (a simcse training graph) over every valid batch; updates nothing. */
  Metrics run(SimCseTrainingGraph tg, Session s) {
    double reciprocal = 0;
    int top1 = 0;
    int top10 = 0;
    int rows = 0;
    double lossSum = 0;
    int batches = 0;
    for (int from = 0; from + 1 < docstrings.size(); from += batchSize) {
      int n = Math.min(batchSize, docstrings.size() - from);
      int[] idx = new int[n];
      for (int k = 0; k < n; k++) {
        idx[k] = from + k;
      }
      TokenizedBatch b = docstrings.batch(idx);
      float[][] logits = new float[n][n]; // [B, B]
      double loss;
      try (TInt32 ids = Trainer.ints(b.ids()); TInt32 mask = Trainer.ints(b.mask());
           TInt64 step = TInt64.scalarOf(DROPOUT_STEP)) {
        Consumer<Session.Runner> feed = r -> r.feed(tg.queryIds, ids).feed(tg.queryMask, mask)
            .feed(tg.outputs().stepSeed(), step);
        // With train.grad_cache the views come from the chunked towers (GradCacheStep.encode) through placeholders.
        GradCache.Plan cache = tg.outputs().gradCache();
        List<TFloat32> views = cache == null ? List.of() : GradCacheStep.encode(s, cache, n, feed);
        try {
          Session.Runner runner = s.runner();
          feed.accept(runner);
          for (int i = 0; i < views.size(); i++) {
            runner.feed(cache.embeddings().get(i), views.get(i));
          }
          try (Result r = runner.fetch(tg.scores).fetch(tg.outputs().loss()).run()) {
            StdArrays.copyFrom((TFloat32) r.get(0), logits);
            loss = ((TFloat32) r.get(1)).getFloat();
          }
        } finally {
          views.forEach(TFloat32::close);
        }
      }
      for (int i = 0; i < n; i++) {
        int rank = rank(logits, i);
        reciprocal += 1.0 / rank;
        top1 += rank == 1 ? 1 : 0;
        top10 += rank <= 10 ? 1 : 0;
      }
      rows += n;
      lossSum += loss;
      batches++;
    }
    if (rows == 0) {
      throw new IllegalArgumentException("data.valid: fewer than 2 docstrings, nothing to validate the SimCSE run on");
    }
    return new Metrics(reciprocal / rows, (double) top1 / rows, (double) top10 / rows, lossSum / batches, rows,
        batchSize);
  }

  /** 1 + the number of columns j ≠ i scoring strictly above the positive {@code logits[i][i]}. */
  static int rank(float[][] logits, int i) {
    int rank = 1;
    for (int j = 0; j < logits[i].length; j++) {
      if (j != i && logits[i][j] > logits[i][i]) {
        rank++;
      }
    }
    return rank;
  }
}
