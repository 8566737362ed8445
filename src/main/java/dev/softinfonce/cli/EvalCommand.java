package dev.softinfonce.cli;

import dev.softinfonce.config.ExperimentConfig;
import dev.softinfonce.data.BeirDataset;
import dev.softinfonce.data.QuerySet;
import dev.softinfonce.data.ReadOptions;
import dev.softinfonce.eval.Bm25Retriever;
import dev.softinfonce.eval.GradedRetrieval;
import dev.softinfonce.eval.ModelEvaluation;
import dev.softinfonce.eval.RetrievalEvaluator;
import dev.softinfonce.eval.RetrievalResult;
import dev.softinfonce.export.ModelCard;
import java.nio.file.Files;
import dev.softinfonce.model.TextEmbedder;
import dev.softinfonce.text.Tokenizer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code softinfonce eval --model DIR --queries FILE [--codebase FILE] [--out FILE]}: the literature's
 * retrieval protocol; the last line printed is {@code mrr=<x>}.
 */
@Command(name = "eval", mixinStandardHelpOptions = true,
    description = "Rank the whole codebase for every query (CodeXGLUE protocol: gold matched by url, reciprocal rank 0 "
        + "beyond rank 1000) and print MRR, R@1/5/10 and NDCG@10; the last line is mrr=<x>. For a checkpoint folder the "
        + "result is also recorded as CHECKPOINT/eval-<queries file name>.json, which the model card of its exports states.")
final class EvalCommand implements Callable<Integer> {
  @Option(names = "--model", paramLabel = "DIR",
      description = "a checkpoint folder (trainer or model import), an exported SavedModel version folder, a named"
          + " start (pretrained:NAME, zero-shot) or a Hugging Face folder")
  Path model;

  @Option(names = "--queries", required = true, paramLabel = "FILE",
      description = "queries with gold url (jsonl[.gz], or CoSQA json), or a BEIR/CoIR folder (corpus.jsonl,"
          + " queries.jsonl, qrels/SPLIT.tsv): then graded NDCG@10 as CoIR computes it, last line ndcg@10=<x>")
  Path queries;

  @Option(names = "--split", defaultValue = "test", description = "BEIR qrels split (default: test)")
  String split;

  @Option(names = "--bm25", paramLabel = "TOKENIZER", description = "rank with BM25 (k1/b from estimator.k1/b) over"
      + " this tokenizer.json's tokens instead of a model (whole texts, untruncated)")
  Path bm25;

  @Option(names = "--codebase", paramLabel = "FILE", description = "the pool to rank (default: the queries' own code)")
  Path codebase;

  @Option(names = "--out", paramLabel = "FILE", description = "write full metrics and per-query ranks as JSON")
  Path out;

  @Option(names = "--set", paramLabel = "KEY=VALUE", description = "override data./eval. keys, e.g. eval.max_queries=500")
  List<String> overrides = new ArrayList<>();

  @Override
  public Integer call() {
    if ((model == null) == (bm25 == null)) {
      throw new UserException("give exactly one of --model DIR and --bm25 TOKENIZER");
    }
    // --bm25 reads k1/b as the BM25 estimator's own keys, which only a Soft-InfoNCE + BM25 config reads: name
    // that config first, so --set estimator.k1=… is a key read (eval reads nothing else of the objective).
    List<String> settings = new ArrayList<>();
    if (bm25 != null) {
      settings.addAll(List.of("objective.name=soft_infonce", "estimator.name=bm25"));
    }
    settings.addAll(overrides);
    ExperimentConfig cfg = ExperimentConfig.builder().overrides(settings).build();
    if (BeirDataset.isBeir(queries)) {
      return beir(cfg);
    }
    QuerySet qs = QuerySet.load(queries, codebase, ReadOptions.from(cfg.data()));
    System.out.printf("queries: %d from %s; pool: %d codes%n", qs.size(), queries, qs.codebase().size());
    if (bm25 != null) {
      ModelCommand.requireFile(bm25, "--bm25");
      long t0 = System.nanoTime();
      try (Tokenizer q = Tokenizer.load(bm25, Bm25Retriever.MAX_TOKENS);
           Tokenizer c = Tokenizer.load(bm25, Bm25Retriever.MAX_TOKENS)) {
        report(new Bm25Retriever(cfg.estimator().k1(), cfg.estimator().b()).evaluate(qs, q, c,
            RetrievalEvaluator.fromConfig(cfg.eval()), cfg.eval().maxQueries()), t0);
      }
      return 0;
    }
    try (TextEmbedder m = Embedders.open(model, cfg)) {
      long t0 = System.nanoTime();
      report(ModelEvaluation.evaluate(m, qs, cfg.eval(), null), t0);
    }
    return 0;
  }

  private Integer beir(ExperimentConfig cfg) {
    if (bm25 != null) {
      throw new UserException("--bm25 reads CodeSearchNet/CoSQA files; for a BEIR folder give --model");
    }
    BeirDataset data = BeirDataset.load(queries, split);
    System.out.printf("BEIR %s (%s): %d queries with relevant documents, corpus %d%n", queries, split, data.size(),
        data.docIds().size());
    try (TextEmbedder m = Embedders.open(model, cfg)) {
      long t0 = System.nanoTime();
      float[][] q = m.encodeQueries(data.queries(), null); // [Q, D]
      float[][] d = m.encodeCodes(data.docs(), null); // [N, D]
      GradedRetrieval.Metrics x = GradedRetrieval.evaluate(q, d, data);
      System.out.printf("evaluated in %.1f s: %s%n", (System.nanoTime() - t0) / 1e9, x.summary());
      if (out != null) {
        var json = new com.fasterxml.jackson.databind.ObjectMapper().createObjectNode();
        json.put("ndcg@10", x.ndcgAt10()).put("mrr@10", x.mrrAt10()).put("recall@100", x.recallAt100())
            .put("queries", x.queries()).put("corpus", x.corpus());
        var per = json.putObject("per_query_ndcg@10");
        for (int i = 0; i < data.size(); i++) {
          per.put(data.queryIds().get(i), x.perQueryNdcg()[i]);
        }
        try {
          java.nio.file.Files.writeString(out, json.toPrettyString());
        } catch (java.io.IOException e) {
          throw new java.io.UncheckedIOException("cannot write " + out, e);
        }
        System.out.println("wrote " + out);
      }
      System.out.printf(java.util.Locale.ROOT, "ndcg@10=%.4f%n", x.ndcgAt10());
    }
    return 0;
  }

  private void report(RetrievalResult r, long t0) {
    {
      RetrievalResult.Metrics x = r.metrics();
      System.out.printf("evaluated %d queries against %d codes in %.1f s%n", x.evaluated(), x.poolSize(),
          (System.nanoTime() - t0) / 1e9);
      System.out.printf("R@1=%.4f R@5=%.4f R@10=%.4f NDCG@10=%.4f (rank cut-off %d)%n", x.recallAt1(), x.recallAt5(),
          x.recallAt10(), x.ndcgAt10(), x.rankCutoff());
      // BM25 (model null) has no checkpoint to record into
      if (model != null && Files.isRegularFile(model.resolve("config.yaml"))
          && !Files.isRegularFile(model.resolve("saved_model.pb"))) {
        String split = queries.getFileName().toString().replaceAll("\\.jsonl?$", "");
        ModelCard.recordEvaluation(model, split, x, queries.toString()); // read by the model card of its exports
        System.out.println("recorded " + model.resolve(ModelCard.EVAL_PREFIX + split + ".json"));
      }
      if (out != null) {
        r.writeJson(out);
        System.out.println("wrote " + out);
      }
      System.out.printf("mrr=%.4f%n", x.mrr());
    }
  }
}
