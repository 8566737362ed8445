package dev.softinfonce.cli;

import dev.softinfonce.config.DataConfig.CodeField;
import dev.softinfonce.data.DataFormatException;
import dev.softinfonce.serve.CodeIndex;
import dev.softinfonce.serve.CodeSearcher;
import dev.softinfonce.serve.IndexProgress;
import dev.softinfonce.serve.SearchException;
import dev.softinfonce.serve.ServingModel;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Locale;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code softinfonce index --model savedmodels/NAME/1 --codebase FILE --out INDEX}. */
@Command(name = "index", mixinStandardHelpOptions = true,
    description = "Encode a codebase (CodeSearchNet/GraphCodeBERT jsonl, CoSQA json or code_idx_map) with an exported "
        + "model's encode_code signature into an index file for `search` and `serve`.")
final class IndexCommand implements Runnable {
  @Option(names = "--model", required = true, paramLabel = "DIR",
      description = "SavedModel version folder (savedmodels/NAME/1) or base folder (highest version is used)")
  Path model;

  @Option(names = "--codebase", required = true, paramLabel = "FILE", description = "the code pool to index")
  Path codebase;

  @Option(names = "--out", required = true, paramLabel = "FILE", description = "index file to write")
  Path out;

  @Option(names = "--batch-size", defaultValue = "32", paramLabel = "N", description = "codes per encode call (default 32)")
  int batchSize;

  @Option(names = "--code-field", paramLabel = "FIELD",
      description = "code_tokens | code | original_string (default: the field the model was trained on)")
  String codeField;

  @Override
  public void run() {
    CodeField field = null;
    if (codeField != null) {
      try {
        field = CodeField.valueOf(codeField.toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new UserException("--code-field: expected code_tokens, code or original_string, got '" + codeField + "'");
      }
    }
    try (ServingModel m = ServingModel.open(model); BarProgress bar = new BarProgress()) {
      CodeIndex index = CodeSearcher.buildIndex(m, codebase, field, batchSize, bar);
      bar.close();
      index.save(out);
      System.out.printf("indexed %d entries of %s with %s -> %s%n", index.size(), codebase, m.dir(), out);
    } catch (SearchException | DataFormatException e) {
      throw new UserException(e.getMessage(), e);
    } catch (IOException e) {
      throw dev.softinfonce.files.IoErrors.unchecked("cannot write", out, e);
    }
  }

  /** A console progress bar (me.tongfei:progressbar) on stderr. */
  private static final class BarProgress implements IndexProgress, AutoCloseable {
    private ProgressBar bar;

    @Override
    public void start(int total) {
      bar = new ProgressBarBuilder().setTaskName("encoding").setInitialMax(total)
          .setStyle(ProgressBarStyle.ASCII).setUnit(" codes", 1).continuousUpdate().build();
    }

    @Override
    public void advance(int done) {
      bar.stepBy(done);
    }

    @Override
    public void close() {
      if (bar != null) {
        bar.close();
        bar = null;
      }
    }
  }
}
