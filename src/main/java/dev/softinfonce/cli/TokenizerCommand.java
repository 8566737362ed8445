package dev.softinfonce.cli;

import dev.softinfonce.corpus.CorpusTokenizer;
import dev.softinfonce.data.ExampleReader;
import dev.softinfonce.data.ReadMode;
import dev.softinfonce.data.ReadOptions;
import dev.softinfonce.text.TokenizerException;
import dev.softinfonce.text.TokenizerTrainer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code softinfonce tokenizer train ...}: trains a code-aware WordPiece tokenizer.json. */
@Command(name = "tokenizer", mixinStandardHelpOptions = true, description = "Train tokenizers.",
    subcommands = {TokenizerCommand.Train.class})
final class TokenizerCommand implements Runnable {
  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  @Command(name = "train", mixinStandardHelpOptions = true,
      description = {"Train a code-aware WordPiece tokenizer (camelCase, snake_case and punctuation split)"
          + " on docstring_tokens and code_tokens of CodeSearchNet-style jsonl files, and write a"
          + " Hugging Face tokenizer.json that DJL loads."})
  static final class Train implements Runnable {
    @Option(names = "--data", required = true, arity = "1..*", paramLabel = "FILE",
        description = "training pairs in a format the data readers read (CodeSearchNet jsonl[.gz], CoSQA json): their query and code texts")
    List<Path> data;

    @Option(names = "--vocab-size", paramLabel = "N",
        description = "target vocabulary size, special tokens included (default: ${DEFAULT-VALUE})")
    int vocabSize = TokenizerTrainer.VOCAB_SIZE_DEFAULT;

    @Option(names = "--min-frequency", paramLabel = "K",
        description = "minimum count of a merged pair and of an alphabet character (default: ${DEFAULT-VALUE})")
    int minFrequency = TokenizerTrainer.MIN_FREQUENCY_DEFAULT;

    @Option(names = "--lowercase", negatable = true, defaultValue = "true", fallbackValue = "true",
        description = "lower-case after splitting camelCase (default); --no-lowercase keeps case")
    boolean lowercase = TokenizerTrainer.LOWERCASE_DEFAULT;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "tokenizer.json to write")
    Path out;

    @Override
    public void run() {
      TokenizerTrainer trainer;
      try {
        trainer = TokenizerTrainer.builder().vocabSize(vocabSize).minFrequency(minFrequency)
            .lowercase(lowercase).build();
      } catch (IllegalArgumentException e) {
        throw new UserException(e.getMessage());
      }
      try {
        for (Path file : data) {
          long n;
          // Through the data readers: every format they read, records dropped and checked as in training.
          try (ExampleReader r = ExampleReader.open(file, ReadMode.PAIRS, ReadOptions.defaults())) {
            n = CorpusTokenizer.addExamples(trainer, () -> r);
          }
          System.out.println(file + ": " + n + " texts");
        }
        TokenizerTrainer.Result r = trainer.train();
        r.vocabulary().write(out);
        System.out.println("texts read: " + r.texts());
        System.out.println("words: " + r.words() + " (" + r.distinctWords() + " distinct)");
        System.out.println("vocabulary size: " + r.vocabulary().size()
            + (r.vocabulary().size() < vocabSize ? " (no pair left with count >= " + minFrequency + ")" : ""));
        System.out.println(String.format(Locale.ROOT, "unknown-token rate: %.4f%% (%d of %d tokens)",
            100 * r.unknownRate(), r.unknownTokens(), r.tokens()));
        System.out.println("wrote " + out);
      } catch (TokenizerException e) {
        throw new UserException(e.getMessage(), e);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot write " + out + ": " + e.getMessage(), e);
      }
    }
  }
}
