package dev.softinfonce.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.softinfonce.objective.CaseFormatException;
import dev.softinfonce.objective.ObjectiveCase;
import dev.softinfonce.objective.ObjectiveCaseEvaluator;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code softinfonce objective eval --in case.json}: loss and weights of one batch, for comparing implementations. */
@Command(name = "objective", mixinStandardHelpOptions = true, description = "Inspect contrastive objectives.",
    subcommands = {ObjectiveCommand.Eval.class})
final class ObjectiveCommand implements Runnable {
  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  /** The dtype the graph runs in. */
  enum Dtype { float32, float64 }

  @Command(name = "eval", mixinStandardHelpOptions = true,
      description = {"Evaluate an objective on one batch and print {\"loss\": x, \"weights\": [[...]]} (B x B, diagonal 1).",
          "Input JSON: query_embeddings [[..]], code_embeddings [[..]], relevance [[..]] (optional raw estimator "
              + "scores), duplicates [[..]] (optional booleans), objective {name, alpha, beta, t, min_weight, "
              + "similarity, symmetric, mask_duplicates, top_k, ratio} (same keys as the YAML objective section)."})
  static final class Eval implements Runnable {
    @Option(names = "--in", required = true, paramLabel = "CASE.json", description = "the case file")
    Path in;

    @Option(names = "--dtype", defaultValue = "float64",
        description = "float64 (default, reference accuracy) or float32 (the training dtype)")
    Dtype dtype;

    @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
      ObjectiveCase c;
      try {
        c = ObjectiveCase.read(in);
      } catch (CaseFormatException e) {
        throw new UserException(e.getMessage(), e);
      }
      ObjectiveCaseEvaluator.Result r = dtype == Dtype.float32
          ? ObjectiveCaseEvaluator.evaluateFloat32(c) : ObjectiveCaseEvaluator.evaluate(c);
      ObjectMapper mapper = new ObjectMapper();
      ObjectNode out = mapper.createObjectNode();
      out.put("loss", r.loss());
      ArrayNode rows = out.putArray("weights");
      for (double[] row : r.weights()) {
        ArrayNode a = rows.addArray();
        for (double w : row) {
          a.add(w);
        }
      }
      spec.commandLine().getOut().println(out.toString());
    }
  }
}
