package dev.softinfonce.cli;

import dev.softinfonce.config.ExperimentConfig;
import dev.softinfonce.data.QuerySet;
import dev.softinfonce.data.ReadOptions;
import dev.softinfonce.eval.ModelEvaluation;
import dev.softinfonce.eval.RetrievalResult;
import dev.softinfonce.model.TextEmbedder;
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
        + "beyond rank 1000) and print MRR, R@1/5/10 and NDCG@10; the last line is mrr=<x>.")
final class EvalCommand implements Callable<Integer> {
  @Option(names = "--model", required = true, paramLabel = "DIR",
      description = "a checkpoint folder (trainer or model import), an exported SavedModel version folder, a named"
          + " start (pretrained:NAME, zero-shot) or a Hugging Face folder")
  Path model;

  @Option(names = "--queries", required = true, paramLabel = "FILE", description = "queries with gold url (jsonl, or CoSQA json)")
  Path queries;

  @Option(names = "--codebase", paramLabel = "FILE", description = "the pool to rank (default: the queries' own code)")
  Path codebase;

  @Option(names = "--out", paramLabel = "FILE", description = "write full metrics and per-query ranks as JSON")
  Path out;

  @Option(names = "--set", paramLabel = "KEY=VALUE", description = "override data./eval. keys, e.g. eval.max_queries=500")
  List<String> overrides = new ArrayList<>();

  @Override
  public Integer call() {
    ExperimentConfig cfg = ExperimentConfig.builder().overrides(overrides).build();
    QuerySet qs = QuerySet.load(queries, codebase, ReadOptions.from(cfg.data()));
    System.out.printf("queries: %d from %s; pool: %d codes%n", qs.size(), queries, qs.codebase().size());
    try (TextEmbedder m = Embedders.open(model, cfg)) {
      long t0 = System.nanoTime();
      RetrievalResult r = ModelEvaluation.evaluate(m, qs, cfg.eval(), null);
      RetrievalResult.Metrics x = r.metrics();
      System.out.printf("evaluated %d queries against %d codes in %.1f s%n", x.evaluated(), x.poolSize(),
          (System.nanoTime() - t0) / 1e9);
      System.out.printf("R@1=%.4f R@5=%.4f R@10=%.4f NDCG@10=%.4f (rank cut-off %d)%n", x.recallAt1(), x.recallAt5(),
          x.recallAt10(), x.ndcgAt10(), x.rankCutoff());
      if (out != null) {
        r.writeJson(out);
        System.out.println("wrote " + out);
      }
      System.out.printf("mrr=%.4f%n", x.mrr());
    }
    return 0;
  }
}
