package dev.softinfonce.cli;

import static dev.softinfonce.files.FileTrees.deleteTree;


import java.io.IOException;

import dev.softinfonce.config.ModelConfig;
import dev.softinfonce.model.OnnxParity;
import dev.softinfonce.model.PretrainedCheckpoint;
import dev.softinfonce.model.PretrainedStarts;
import dev.softinfonce.model.WeightImportException;
import dev.softinfonce.model.WeightImporter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code softinfonce model import|check-import}: pretrained weights into a checkpoint dir, and a parity check. */
@Command(name = "model", mixinStandardHelpOptions = true, description = "Import pretrained encoders and check them.",
    subcommands = {ModelCommand.ListStarts.class, ModelCommand.Import.class, ModelCommand.CheckImport.class})
final class ModelCommand implements Runnable {
  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  @Command(name = "list", mixinStandardHelpOptions = true,
      description = "The named pretrained starts (model.init_from: pretrained:NAME), their Maven artifact and whether"
          + " the jar and its import are cached on this machine (then no network is needed).")
  static final class ListStarts implements Callable<Integer> {
    @Override
    public Integer call() {
      for (PretrainedStarts.Listing l : PretrainedStarts.defaults(System.err::println).list()) {
        System.out.printf(Locale.ROOT, "pretrained:%s  %s  [%s]%n  %s%n", l.start().name(), l.start().artifact(),
            l.imported() ? "cached, imported in " + l.dir() : l.jarCached() ? "jar cached, imported on first use"
                : "not cached: downloaded from Maven Central on first use",
            l.start().description());
      }
      return 0;
    }
  }

  static final class Source {
    @Option(names = "--onnx", paramLabel = "FILE", description = "ONNX model (float initializers)", required = true)
    Path onnx;

    @Option(names = "--safetensors", paramLabel = "FILE", description = "safetensors weights (F32/F16/BF16)",
        required = true)
    Path safetensors;
  }

  @Command(name = "import", mixinStandardHelpOptions = true,
      description = "Map pretrained BERT/RoBERTa weights onto the encoder's variables and write DIR "
          + "(checkpoint + config.yaml + tokenizer.json) for model.init_from.")
  static final class Import implements Callable<Integer> {
    @ArgGroup(exclusive = true, multiplicity = "1")
    Source source;

    @Option(names = "--tokenizer", paramLabel = "FILE", description = "tokenizer.json to copy next to the weights")
    Path tokenizer;

    @Option(names = "--out", paramLabel = "DIR", required = true, description = "output directory")
    Path out;

    @Option(names = "--num-heads", description = "attention heads, when the file does not tell")
    Integer numHeads;

    @Option(names = "--variant", description = "bert | roberta (default: inferred)")
    String variant;

    @Option(names = "--pad-token-id", description = "padding id (default: config.json, tokenizer, or 0/1)")
    Integer padTokenId;

    @Option(names = "--pooling", description = "cls | mean | pooler (default: mean)")
    String pooling;

    @Option(names = "--hf-config", paramLabel = "FILE", description = "Hugging Face config.json (default: beside the file)")
    Path hfConfig;

    @Override
    public Integer call() throws Exception {
      requireFile(tokenizer, "--tokenizer");
      requireFile(hfConfig, "--hf-config");
      WeightImporter.Options opt = new WeightImporter.Options(numHeads, null,
          variant == null ? null : enumOf(ModelConfig.Variant.class, variant, "--variant"), padTokenId,
          pooling == null ? null : enumOf(ModelConfig.Pooling.class, pooling, "--pooling"), hfConfig, tokenizer, null);
      WeightImporter.Imported imp;
      try {
        if (source.onnx != null) {
          requireFile(source.onnx, "--onnx");
          imp = WeightImporter.fromOnnx(source.onnx, opt);
        } else {
          requireFile(source.safetensors, "--safetensors");
          imp = WeightImporter.fromSafetensors(source.safetensors, opt);
        }
      } catch (WeightImportException | java.io.IOException e) {
        throw new UserException(e.getMessage());
      }
      imp.notes().forEach(n -> System.out.println("note: " + n));
      PretrainedCheckpoint.write(out, imp.config(), imp.weights(), tokenizer);
      ModelConfig c = imp.config();
      System.out.printf(Locale.ROOT, "imported %d tensors: %s, %d layers, hidden %d, %d heads, ff %d, vocab %d,"
          + " positions %d, pad %d, eps %g%n", imp.weights().size(), c.variant().name().toLowerCase(Locale.ROOT),
          c.numLayers(), c.hiddenSize(), c.numHeads(), c.intermediateSize(), c.vocabSize(), c.maxPositions(),
          c.padTokenId(), c.layerNormEps());
      System.out.println("wrote " + out.resolve(PretrainedCheckpoint.CONFIG) + " and " + out.resolve(PretrainedCheckpoint.VARIABLES)
          + ".*; start training with model.init_from: " + out);
      return 0;
    }
  }

  @Command(name = "check-import", mixinStandardHelpOptions = true,
      description = "Run texts through onnxruntime and through the imported TF graph; the last line is "
          + "max_abs_diff=<x> over the last hidden states of all real tokens.")
  static final class CheckImport implements Callable<Integer> {
    @Option(names = "--onnx", paramLabel = "FILE", required = true)
    Path onnx;

    @Option(names = "--tokenizer", paramLabel = "FILE", required = true)
    Path tokenizer;

    @Option(names = "--texts", paramLabel = "FILE", description = "one text per line (default: a built-in varied sample)")
    Path texts;

    @Option(names = "--max-length", defaultValue = "256", description = "token limit incl. special tokens (default 256)")
    int maxLength;

    @Override
    public Integer call() throws Exception {
      requireFile(onnx, "--onnx");
      requireFile(tokenizer, "--tokenizer");
      requireFile(texts, "--texts");
      List<String> list = texts == null ? OnnxParity.sampleTexts() : OnnxParity.readTexts(texts);
      if (list.isEmpty()) {
        throw new UserException(texts + ": no texts (one per line expected)");
      }
      Path work = Files.createTempDirectory("softinfonce-check-import");
      OnnxParity.Result r;
      try {
        r = OnnxParity.compare(onnx, tokenizer, list, maxLength, work);
      } catch (WeightImportException | java.io.IOException e) {
        throw new UserException(e.getMessage());
      } finally {
        deleteTree(work);
      }
      System.out.printf(Locale.ROOT, "compared %d texts, %d real tokens, hidden size %d, %d tensors imported%n",
          r.texts(), r.tokens(), r.hiddenSize(), r.loadedTensors());
      System.out.println("max_abs_diff=" + r.maxAbsDiff());
      return 0;
    }
  }

  static void requireFile(Path p, String option) {
    if (p != null && !Files.isRegularFile(p)) {
      throw new UserException(option + " " + p + ": no such file");
    }
  }

  static <E extends Enum<E>> E enumOf(Class<E> type, String value, String option) {
    try {
      return Enum.valueOf(type, value.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new UserException(option + " " + value + ": expected one of "
          + java.util.Arrays.stream(type.getEnumConstants()).map(x -> x.name().toLowerCase(Locale.ROOT)).toList());
    }
  }

}
