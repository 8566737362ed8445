package dev.softinfonce.cli;

import dev.softinfonce.files.FileTrees;
import dev.softinfonce.config.ExperimentConfig;
import dev.softinfonce.experiment.Quickstart;
import dev.softinfonce.experiment.RunOutcome;
import dev.softinfonce.export.SavedModelExporter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code softinfonce quickstart}: corpus, two trainings, the comparison table and an export. */
@Command(name = "quickstart", mixinStandardHelpOptions = true,
    description = {"Build the default Java corpus (or reuse it), fine-tune the pretrained start (or train the tiny model) with InfoNCE and with "
        + "Soft-InfoNCE (BM25), evaluate both and a BM25 baseline on held-out libraries, print the table and "
        + "export the better model (chosen on valid) to savedmodels/quickstart/1.",
        "Under 15 minutes on 2 quiet CPU cores; a second run reuses the corpus and the imported start."})
final class QuickstartCommand implements Callable<Integer> {
  @Option(names = "--config", paramLabel = "FILE", description = "default: configs/quickstart.yaml (pretrained MiniLM); configs/quickstart-tiny.yaml is the from-scratch tiny model")
  Path config = Path.of("configs/quickstart.yaml");

  @Option(names = "--set", paramLabel = "KEY=VALUE", description = "override a config key (repeatable)")
  List<String> overrides = new ArrayList<>();

  @Override
  public Integer call() {
    if (!Files.isRegularFile(config)) {
      throw new UserException("config " + config + " not found (run from the project folder or pass --config)");
    }
    ExperimentConfig cfg = ExperimentConfig.load(config, overrides);
    Path work = Path.of(cfg.train().outputDir());
    Quickstart.Result r = new Quickstart(cfg, work, Output.progress()).run();
    Path base = Path.of(cfg.export().dir());
    Path versionDir = base.resolve(String.valueOf(cfg.export().version()));
    if (Files.exists(versionDir)) {
      FileTrees.deleteTree(versionDir); // the quick start owns savedmodels/quickstart: replace its export
    }
    var exported = new SavedModelExporter().export(r.best().checkpoint(), base, cfg.export().version());
    System.out.println();
    System.out.print(Quickstart.table(r.rows()));
    RunOutcome bm25 = r.rows().get(r.rows().size() - 1);
    double bestNeural = r.rows().stream().filter(x -> x.checkpoint() != null).mapToDouble(x -> x.test().mrr()).max().orElse(0);
    System.out.printf(Locale.ROOT, "%nTest: %d queries from held-out libraries, pool of %d codes. %s%n",
        bm25.test().queries(), bm25.test().poolSize(), bestNeural > bm25.test().mrr()
            ? String.format(Locale.ROOT, "The best neural model beats BM25 by %+.4f MRR.", bestNeural - bm25.test().mrr())
            : String.format(Locale.ROOT, "BM25 beats the best neural model by %+.4f MRR.", bm25.test().mrr() - bestNeural));
    System.out.printf(Locale.ROOT, "Exported %s (selected on valid MRR %.4f) to %s%n", r.best().name(),
        r.best().validMrr(), exported.versionDir());
    System.out.printf(Locale.ROOT, "Total time %.1f min. Try: tools/softinfonce index --model %s --codebase %s --out runs/quickstart/test.index%n",
        r.seconds() / 60, exported.versionDir(), Path.of(cfg.data().javaCorpusDir()).resolve("test_codebase.jsonl"));
    return 0;
  }
}
