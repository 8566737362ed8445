package dev.softinfonce.examples;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.softinfonce.config.EstimatorConfig;
import dev.softinfonce.config.ExperimentConfig;
import dev.softinfonce.estimator.Bm25Estimator;
import dev.softinfonce.corpus.DocumentLengths;
import dev.softinfonce.estimator.EstimatorInputs;
import dev.softinfonce.eval.RetrievalEvaluator;
import dev.softinfonce.eval.RetrievalResult;
import dev.softinfonce.model.DualEncoder;
import dev.softinfonce.nn.Dropout;
import dev.softinfonce.objective.SoftInfoNce;
import dev.softinfonce.text.TokenizedBatch;
import dev.softinfonce.text.Tokenizer;
import dev.softinfonce.text.TokenizerTrainer;
import dev.softinfonce.train.AdamW;
import dev.softinfonce.train.LearningRateSchedule;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.StdArrays;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;

/**
 * The README's "programmatic use" example, run as a test so it cannot rot: a dual encoder, a
 * Soft-InfoNCE objective with BM25 weights, AdamW with a fed learning rate and the retrieval evaluator,
 * wired in plain Java (no YAML, no {@code Trainer}), trained for a few steps and evaluated.
 */
class ProgrammaticTrainingExample {

  /** 64 (docstring, code) pairs in which the code's name spells out its docstring's verb and noun. */
  static List<String[]> pairs() {
    String[] verbs = {"read", "write", "parse", "sort", "merge", "split", "close", "open"};
    String[] nouns = {"file", "string", "list", "map", "buffer", "stream", "array", "token"};
    List<String[]> out = new ArrayList<>();
    for (String v : verbs) {
      for (String n : nouns) {
        out.add(new String[] {v + " the " + n, "void " + v + Character.toUpperCase(n.charAt(0)) + n.substring(1)
            + " ( " + n + " x ) { return ; }"});
      }
    }
    return out;
  }

  @Test
  void trainSoftInfoNceWithBm25InPlainJava(@TempDir Path dir) throws Exception {
    List<String[]> data = pairs();
    // 1. A code-aware WordPiece tokenizer trained on the corpus (camelCase split), written as tokenizer.json.
    TokenizerTrainer trainer = TokenizerTrainer.builder().vocabSize(200).minFrequency(1).build();
    data.forEach(p -> { trainer.add(p[0]); trainer.add(p[1]); });
    Path tokFile = dir.resolve("tokenizer.json");
    trainer.train().vocabulary().write(tokFile);

    // 2. Configuration records built in code (the same records YAML produces).
    ExperimentConfig cfg = ExperimentConfig.builder()
        .set("model.vocab_size", 200).set("model.hidden_size", 32).set("model.num_layers", 1)
        .set("model.num_heads", 2).set("model.intermediate_size", 64)
        .set("objective.name", "soft_infonce").set("objective.alpha", 1.5).set("objective.beta", 0.5)
        .set("estimator.name", "bm25").set("train.batch_size", 16).set("train.learning_rate", 5e-3).build();

    try (Tokenizer tok = Tokenizer.load(tokFile, 16); Graph g = new Graph()) {
      List<String> queries = data.stream().map(p -> p[0]).toList();
      List<String> codes = data.stream().map(p -> p[1]).toList();
      TokenizedBatch allQ = tok.encode(queries);
      TokenizedBatch allC = tok.encode(codes);
      Set<Integer> special = new java.util.HashSet<>(tok.specialIds());
      special.add(tok.padId());

      // 3. The graph: placeholders → dual encoder → scores [B,B]; BM25 relevance → Soft-InfoNCE → AdamW.
      Ops tf = Ops.create(g);
      Placeholder<TInt32> qIds = tf.placeholder(TInt32.class, Placeholder.shape(Shape.of(-1, -1)));
      Placeholder<TInt32> qMask = tf.placeholder(TInt32.class, Placeholder.shape(Shape.of(-1, -1)));
      Placeholder<TInt32> cIds = tf.placeholder(TInt32.class, Placeholder.shape(Shape.of(-1, -1)));
      Placeholder<TInt32> cMask = tf.placeholder(TInt32.class, Placeholder.shape(Shape.of(-1, -1)));
      DualEncoder encoder = new DualEncoder(tf, cfg.model(), true, 42);
      Operand<TFloat32> q = encoder.encodeQuery(qIds, qMask); // [B, D]
      Operand<TFloat32> c = encoder.encodeCode(cIds, cMask); // [B, D]
      Operand<TFloat32> scores = encoder.scores(q, c); // [B, B]
      double avgdl = DocumentLengths.average(allQ.ids(), allQ.mask(), special);
      Bm25Estimator bm25 = new Bm25Estimator(1.2, 0.75, avgdl, special, EstimatorConfig.Bm25Field.DOCSTRING);
      Operand<TFloat32> relevance = bm25.sim(tf, EstimatorInputs.builder().query(qIds, qMask).build()); // [B, B]
      Operand<TFloat32> loss = new SoftInfoNce(cfg.objective()).build(tf, scores, relevance, null).loss();
      AdamW.Update update = AdamW.builder().config(cfg.train()).build().minimize(tf, loss);
      Operand<TInt64> stepSeed = Dropout.stepSeed(tf);

      // 4. The loop: shuffled batches of 16, linear-decay learning rate fed per step.
      int steps = 60;
      LearningRateSchedule lr = new LearningRateSchedule(cfg.train().learningRate(), 5, steps, cfg.train().schedule());
      java.util.Random rnd = new java.util.Random(7);
      List<Integer> order = new ArrayList<>();
      for (int i = 0; i < data.size(); i++) {
        order.add(i);
      }
      double first = Double.NaN;
      double last = Double.NaN;
      try (Session s = new Session(g)) {
        for (int step = 0; step < steps; step++) {
          if (step % 4 == 0) {
            java.util.Collections.shuffle(order, rnd);
          }
          int[] idx = order.subList((step % 4) * 16, (step % 4) * 16 + 16).stream().mapToInt(Integer::intValue).toArray();
          try (TInt32 a = rows(allQ.ids(), idx); TInt32 b = rows(allQ.mask(), idx);
               TInt32 cc = rows(allC.ids(), idx); TInt32 d = rows(allC.mask(), idx);
               TFloat32 rate = TFloat32.scalarOf((float) lr.lr(step)); TInt64 seed = TInt64.scalarOf(step);
               Result r = s.runner().feed(qIds, a).feed(qMask, b).feed(cIds, cc).feed(cMask, d)
                   .feed(update.learningRate(), rate).feed(stepSeed, seed)
                   .addTarget(update.train()).fetch(loss).run()) {
            double l = ((TFloat32) r.get(0)).getFloat();
            first = step == 0 ? l : first;
            last = l;
          }
        }
        // 5. Evaluate: rank all 64 codes for each query (dropout still on in this graph: fine for a demo;
        //    real runs evaluate an inference graph, see InferenceModel).
        float[][] qe = embed(s, q, qIds, qMask, allQ);
        float[][] ce = embed(s, c, cIds, cMask, allC);
        RetrievalResult res = RetrievalEvaluator.builder().build().evaluate(qe, codes, codes, ce);
        System.out.printf("loss %.3f -> %.3f, %s%n", first, last, res.summary());
        assertTrue(last < first, "loss should fall: " + first + " -> " + last);
        // A random ranking of 64 codes has MRR ≈ 0.07; the trained model must do clearly better.
        assertTrue(res.metrics().mrr() > 0.2, res.summary());
      }
    }
  }

  private static TInt32 rows(int[][] m, int[] idx) {
    int[][] out = new int[idx.length][];
    for (int k = 0; k < idx.length; k++) {
      out[k] = m[idx[k]];
    }
    return TInt32.tensorOf(StdArrays.ndCopyOf(out));
  }

  private static float[][] embed(Session s, Operand<TFloat32> out, Placeholder<TInt32> ids, Placeholder<TInt32> mask,
      TokenizedBatch all) {
    try (TInt32 a = TInt32.tensorOf(StdArrays.ndCopyOf(all.ids()));
         TInt32 b = TInt32.tensorOf(StdArrays.ndCopyOf(all.mask()));
         Result r = s.runner().feed(ids, a).feed(mask, b).fetch(out).run()) {
      TFloat32 t = (TFloat32) r.get(0);
      float[][] e = new float[(int) t.shape().get(0)][(int) t.shape().get(1)];
      StdArrays.copyFrom(t, e);
      return e;
    }
  }
}
