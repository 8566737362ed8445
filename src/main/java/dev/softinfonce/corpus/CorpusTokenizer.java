package dev.softinfonce.corpus;

import dev.softinfonce.config.DataConfig;
import dev.softinfonce.data.Datasets;
import dev.softinfonce.data.Example;
import dev.softinfonce.files.AtomicFiles;
import dev.softinfonce.integrity.Manifest;
import dev.softinfonce.text.TokenizerTrainer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * The default tokenizer of a corpus: code-aware WordPiece trained on the query and code texts of the
 * training examples exactly as the data readers produce them (every format, {@code data.code_field},
 * {@code data.max_examples} and {@code data.on_bad_record} honoured), so the tokenizer sees the texts the
 * model is trained on.
 */
public final class CorpusTokenizer {
  /** Next to a shared tokenizer: what it was trained for, so a changed vocabulary or corpus retrains it. */
  static final String STAMP_SUFFIX = ".trained-for";

  private CorpusTokenizer() {}

  /** Counts each example's query, then its code, into {@code trainer}; returns the number of texts added. */
  public static long addExamples(TokenizerTrainer trainer, Iterable<Example> examples) {
    long n = 0;
    for (Example e : examples) {
      trainer.add(e.query());
      trainer.add(e.code());
      n += 2;
    }
    return n;
  }

  /**
   * Trains the default tokenizer ({@code vocabSize} tokens, default settings) on {@code examples} and
   * writes {@code target} atomically, so a killed run never leaves half a tokenizer.json.
   */
  public static TokenizerTrainer.Result train(List<Example> examples, int vocabSize, Path target) {
    TokenizerTrainer trainer = TokenizerTrainer.builder().vocabSize(vocabSize).build();
    addExamples(trainer, examples);
    TokenizerTrainer.Result r = trainer.train();
    AtomicFiles.write(target, tmp -> r.vocabulary().write(tmp));
    return r;
  }

  /**
   * A tokenizer shared by several runs (quick start, experiment grids) at {@code target}: reused when it
   * was trained for the same vocabulary size and training data (file, its SHA-256, format, code field,
   * max examples, bad-record policy), else (re)trained from {@code data}'s training examples. A tokenizer
   * trained for another {@code model.vocab_size} or on another corpus is never reused.
   */
  public static Path shared(DataConfig data, int vocabSize, Path target, Consumer<String> out) {
    Path stamp = target.resolveSibling(target.getFileName() + STAMP_SUFFIX);
    // everything that decides the tokenizer: its size, which examples are read and how, and their content
    Path trainFile = Path.of(data.train());
    String purpose = String.format(Locale.ROOT, "vocab_size=%d data.train=%s data.format=%s data.code_field=%s"
        + " data.max_examples=%d data.on_bad_record=%s sha256=%s%n", vocabSize, trainFile.toAbsolutePath().normalize(),
        data.format().name().toLowerCase(Locale.ROOT), data.codeField().name().toLowerCase(Locale.ROOT),
        data.maxExamples(), data.onBadRecord().name().toLowerCase(Locale.ROOT),
        Files.isRegularFile(trainFile) ? Manifest.sha256(trainFile) : "-");
    try {
      if (Files.isRegularFile(target) && Files.isRegularFile(stamp) && Files.readString(stamp).equals(purpose)) {
        return target;
      }
      List<Example> train = Datasets.loadTrain(data);
      TokenizerTrainer.Result r = train(train, vocabSize, target);
      AtomicFiles.writeString(stamp, purpose);
      out.accept(String.format(Locale.ROOT, "tokenizer: %d tokens trained on %d texts (unknown rate %.4f%%) -> %s",
          r.vocabulary().size(), r.texts(), 100 * r.unknownRate(), target));
      return target;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + stamp, e);
    }
  }
}
