package dev.softinfonce.cli;

import dev.softinfonce.config.Precision;
import dev.softinfonce.export.ExportException;
import dev.softinfonce.export.ModelCard;
import dev.softinfonce.export.SavedModelExporter;
import dev.softinfonce.export.ServingContract;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code softinfonce export --checkpoint DIR --out savedmodels/NAME [--version N]}. */
// No mixinStandardHelpOptions: its -V/--version would clash with --version N, and picocli then silently
// drops the whole mixin (no --help). -h/--help is declared below instead.
@Command(name = "export",
    description = "Export a checkpoint (trainer checkpoint-N folder or `model import` output) as a TF Serving "
        + "SavedModel in OUT/<version>/ with signatures encode_query, encode_code, serving_default, score and "
        + "assets.extra/{tokenizer.json,config.yaml,serving.yaml,README.md}, and print the model card (README.md). Atomic: a failure leaves no version folder.")
final class ExportCommand implements Runnable {
  @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.")
  boolean help;

  @Option(names = "--checkpoint", required = true, paramLabel = "DIR",
      description = "checkpoint folder: variables.index + config.yaml (+ tokenizer.json), or variables/variables.index "
          + "+ config.yaml + tokenizer.json")
  Path checkpoint;

  @Option(names = "--out", required = true, paramLabel = "DIR",
      description = "model base path, e.g. savedmodels/NAME (TF Serving --model_base_path)")
  Path out;

  @Option(names = "--version", paramLabel = "N",
      description = "integer version folder (default: one more than the highest existing, 1 if none)")
  Integer version;

  @Option(names = "--precision", paramLabel = "fp32|bf16",
      description = "serving graph compute (default: the checkpoint's export.precision); bf16 = bf16 matmuls, "
          + "fp32 inputs, outputs and variables")
  String precision;

  @Override
  public void run() {
    try {
      var e = new SavedModelExporter().export(checkpoint, out, version, precision == null ? null
          : ModelCommand.enumOf(Precision.class, precision, "--precision"));
      System.out.printf("exported %s -> %s (embedding dim %d, %s similarity, score scale %.6g; reload check max abs diff %.2g)%n",
          checkpoint, e.versionDir(), e.info().embeddingDim(), e.info().similarity(), e.info().scoreScale(),
          e.selfCheckMaxAbsDiff());
      System.out.println();
      System.out.print(Files.readString(e.versionDir().resolve(ServingContract.ASSETS_EXTRA).resolve(ModelCard.FILE)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (ExportException e) {
      throw new UserException(e.getMessage(), e);
    }
  }
}
