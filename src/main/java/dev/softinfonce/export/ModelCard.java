package dev.softinfonce.export;

import static dev.softinfonce.export.ServingContract.*;

import dev.softinfonce.files.AtomicFiles;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.softinfonce.config.DataConfig;
import dev.softinfonce.config.ExperimentConfig;
import dev.softinfonce.config.ModelConfig;
import dev.softinfonce.config.Precision;
import dev.softinfonce.data.Datasets;
import dev.softinfonce.eval.RetrievalResult;
import dev.softinfonce.text.Tokenizer;
import dev.softinfonce.train.Checkpoints;
import dev.softinfonce.train.TrainState;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The model card of an export, {@code assets.extra/README.md}: where the model started (init), what it
 * was trained on (files, pair counts, libraries), with which objective and estimator and their
 * hyper-parameters, precision (training and serving) and steps, its validation and test metrics with the pool sizes, the
 * signatures and an example request. Every figure is read from what the run recorded: the checkpoint's
 * {@code state.json} (step, the validation metrics of that step), the {@code eval-<split>.json} files
 * that evaluations leave beside the checkpoint ({@link #recordEvaluation}), the training file and the
 * Java corpus {@code manifest.json}; what was not recorded is said to be unknown, never guessed. Paths
 * appear only in {@link PortablePath} form.
 */
public final class ModelCard {
  private ModelCard() {}

  /** File name prefix of recorded evaluations beside a checkpoint: {@code eval-<split>.json}. */
  public static final String EVAL_PREFIX = "eval-";
  /** The card's file name in {@code assets.extra/}. */
  public static final String FILE = "README.md";
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  /**
   * Records an evaluation of the checkpoint in {@code checkpointDir} as {@code eval-<split>.json}, for
   * the model card of any later export of it.
   *
   * @param queriesFile the query file evaluated (recorded in portable form)
   */
  public static void recordEvaluation(Path checkpointDir, String split, RetrievalResult.Metrics m, String queriesFile) {
    Map<String, Object> rec = new java.util.LinkedHashMap<>();
    rec.put("split", split);
    rec.put("queries_file", PortablePath.of(queriesFile));
    rec.put("metrics", m);
    Path file = checkpointDir.resolve(EVAL_PREFIX + split.replaceAll("[^A-Za-z0-9_.-]", "_") + ".json");
    AtomicFiles.write(file, tmp -> Files.write(tmp, JSON.writeValueAsBytes(rec)));
  }

  /** The card's Markdown for an export of {@code ck} as {@code modelName} version {@code version}. */
  public static String render(CheckpointDir ck, ServingInfo info, String modelName, int version, Precision serving) {
    ExperimentConfig cfg = ck.config();
    ModelConfig m = cfg.model();
    StringBuilder s = new StringBuilder();
    s.append("# Model card: ").append(modelName).append(" version ").append(version).append("\n\n");
    s.append("A code-search bi-encoder (query tower and code tower) exported by `softinfonce export` as a TF Serving ")
        .append("SavedModel. Figures below are read from what its training run and evaluations recorded.\n\n");

    s.append("## Model\n\n");
    s.append("- Architecture: ").append(m.variant().name().toLowerCase(Locale.ROOT)).append(" transformer, ")
        .append(m.numLayers()).append(" layers, hidden ").append(m.hiddenSize()).append(", ").append(m.numHeads())
        .append(" heads, feed-forward ").append(m.intermediateSize()).append(", vocabulary ").append(m.vocabSize())
        .append(", ").append(m.sharedTowers() ? "one encoder shared by both towers" : "separate query and code towers")
        .append(", ").append(info.pooling()).append(" pooling\n");
    s.append("- Start: ").append(m.initFrom() == null || m.initFrom().isEmpty()
        ? "random initialisation (trained from scratch)" : "`" + PortablePath.of(m.initFrom()) + "` (model.init_from)")
        .append("\n");
    s.append("- Similarity: ").append(info.similarity()).append(", score = q·c × ").append(fmt(info.scoreScale()))
        .append(m.learnTemperature() ? " (learnt temperature)" : " (1/τ, τ = " + fmt(m.temperature()) + ")").append("\n");
    s.append("- Precision: trained ").append(describe(cfg.train().precision())).append("; this export computes ")
        .append(describe(serving)).append(" (weights, inputs and outputs are float32 either way)\n");
    s.append("- Max lengths: query ").append(info.maxQueryLength()).append(" tokens, code ").append(info.maxCodeLength())
        .append(" tokens (longer text is truncated, as in training); code read from `").append(info.codeField())
        .append("`\n\n");

    s.append("## Training data\n\n");
    DataConfig d = cfg.data();
    s.append("- Format: ").append(d.format().name().toLowerCase(Locale.ROOT)).append("\n");
    s.append("- Train: ").append(fileAndCount(d.train(), d)).append("\n");
    s.append("- Valid: ").append(d.valid() == null || d.valid().isEmpty() ? "none" : "`" + PortablePath.of(d.valid()) + "`")
        .append("\n");
    s.append("- Test: ").append(d.test() == null || d.test().isEmpty() ? "none" : "`" + PortablePath.of(d.test()) + "`")
        .append("\n");
    libraries(d.train()).ifPresent(l -> s.append(l));
    s.append("\n## Objective and estimator\n\n");
    s.append("```yaml\n").append(section(cfg, "objective")).append(section(cfg, "estimator")).append("```\n\n");

    s.append("## Training\n\n");
    TrainState state = state(ck.dir());
    if (state == null) {
      s.append("- Steps: not recorded (the checkpoint has no state.json: imported weights, not trained here)\n");
    } else {
      s.append("- Steps: ").append(state.step()).append(" (epoch ").append(state.epoch()).append(")\n");
    }
    s.append("- Batch ").append(cfg.train().batchSize()).append(", learning rate ").append(fmt(cfg.train().learningRate()))
        .append(", seed ").append(cfg.train().seed()).append("\n\n");

    s.append("## Metrics\n\n");
    s.append("| split | queries | pool | MRR | R@1 | R@5 | R@10 | NDCG@10 |\n|---|---|---|---|---|---|---|---|\n");
    int rows = 0;
    if (state != null && state.metrics().containsKey("valid_mrr")) {
      Map<String, Double> v = state.metrics();
      s.append("| valid (at this checkpoint) | ").append(count(v.get("valid_queries"))).append(" | ")
          .append(count(v.get("valid_pool"))).append(" | ").append(f4(v.get("valid_mrr"))).append(" | ")
          .append(f4(v.get("valid_r@1"))).append(" | - | ").append(f4(v.get("valid_r@10"))).append(" | - |\n");
      rows++;
    }
    for (Map.Entry<String, JsonNode> e : evaluations(ck.dir()).entrySet()) {
      JsonNode x = e.getValue().get("metrics");
      s.append("| ").append(e.getKey()).append(" (`").append(e.getValue().path("queries_file").asText()).append("`) | ")
          .append(x.path("evaluated").asLong()).append(" | ").append(x.path("poolSize").asLong()).append(" | ")
          .append(f4(x.path("mrr").asDouble())).append(" | ").append(f4(x.path("recallAt1").asDouble())).append(" | ")
          .append(f4(x.path("recallAt5").asDouble())).append(" | ").append(f4(x.path("recallAt10").asDouble()))
          .append(" | ").append(f4(x.path("ndcgAt10").asDouble())).append(" |\n");
      rows++;
    }
    if (rows == 0) {
      s.append("| (none recorded) | | | | | | | |\n");
    }
    s.append("\nProtocol: every query ranked against the whole pool, gold matched by url, reciprocal rank 0 beyond ")
        .append("rank 1000.\n\n");

    s.append("## Signatures (method `").append(METHOD_PREDICT).append("`, tag `").append(TAG).append("`)\n\n");
    s.append("| signature | inputs (int32 [-1,-1]) | output |\n|---|---|---|\n");
    s.append("| `").append(SIG_ENCODE_QUERY).append("` | `input_ids`, `attention_mask` | `embedding` float32 [-1,")
        .append(info.embeddingDim()).append("] |\n");
    s.append("| `").append(SIG_ENCODE_CODE).append("` | `input_ids`, `attention_mask` | `embedding` float32 [-1,")
        .append(info.embeddingDim()).append("] |\n");
    s.append("| `").append(SIG_DEFAULT).append("` | = `").append(SIG_ENCODE_QUERY).append("` | |\n");
    s.append("| `").append(SIG_SCORE).append("` | `query_input_ids`, `query_attention_mask`, `code_input_ids`, ")
        .append("`code_attention_mask` | `scores` float32 [Q, C] |\n\n");
    s.append("Tokenize with `tokenizer.json` beside this file (special tokens added, truncated to the max lengths above, ")
        .append("padded with id ").append(info.padTokenId()).append(" and mask 0); `serving.yaml` has the same figures.\n\n");
    s.append("## Example request\n\n");
    s.append("```bash\ntensorflow_model_server --rest_api_port=8501 --model_name=").append(modelName)
        .append(" --model_base_path=$PWD/savedmodels/").append(modelName).append("\n")
        .append("# or: softinfonce serve --model-base-path savedmodels/").append(modelName).append("\n")
        .append("curl -s -X POST http://localhost:8501/v1/models/").append(modelName).append(":predict -d '")
        .append(exampleRequest(ck.tokenizer(), info.maxQueryLength())).append("'\n")
        .append("# -> {\"outputs\": [[").append(info.embeddingDim()).append(" floats]]}\n```\n\n")
        .append("(ids of the query \"").append(EXAMPLE_QUERY).append("\" from this model's tokenizer.json)\n");
    return s.toString();
  }

  /** The query of the card's example request. */
  public static final String EXAMPLE_QUERY = "read a file into a string";

  /** A columnar encode_query request for {@link #EXAMPLE_QUERY}, tokenized with the shipped tokenizer. */
  static String exampleRequest(Path tokenizerJson, int maxQueryLength) {
    try (Tokenizer t = Tokenizer.load(tokenizerJson, maxQueryLength)) {
      int[] ids = t.ids(EXAMPLE_QUERY);
      int[] mask = new int[ids.length];
      java.util.Arrays.fill(mask, 1);
      return "{\"signature_name\": \"encode_query\", \"inputs\": {\"input_ids\": [" + join(ids)
          + "], \"attention_mask\": [" + join(mask) + "]}}";
    }
  }

  private static String join(int[] v) {
    return "[" + java.util.Arrays.stream(v).mapToObj(Integer::toString).collect(java.util.stream.Collectors.joining(", "))
        + "]";
  }

  private static String fileAndCount(String file, DataConfig d) {
    if (file == null || file.isEmpty()) {
      return "none recorded";
    }
    String shown = "`" + PortablePath.of(file) + "`";
    if (!Files.isRegularFile(Path.of(file))) {
      return shown + " (not present at export time: pair count unknown)";
    }
    try (var pairs = Datasets.streamTrain(d)) {
      return shown + ", " + pairs.count() + " pairs" + (d.maxExamples() > 0 ? " (data.max_examples)" : "");
    } catch (RuntimeException e) {
      return shown + " (unreadable at export time: " + e.getMessage() + ")";
    }
  }

  /** The Java corpus manifest beside the training file, as a list of libraries per split. */
  private static java.util.Optional<String> libraries(String trainFile) {
    if (trainFile == null || trainFile.isEmpty()) {
      return java.util.Optional.empty();
    }
    Path manifest = Path.of(trainFile).toAbsolutePath().resolveSibling("manifest.json");
    if (!Files.isRegularFile(manifest)) {
      return java.util.Optional.empty();
    }
    try {
      JsonNode splits = JSON.readTree(manifest.toFile()).path("splits");
      StringBuilder b = new StringBuilder("- Libraries (split by library, from the corpus manifest):\n");
      for (String split : List.of("train", "valid", "test")) {
        JsonNode sp = splits.path(split);
        List<String> libs = new ArrayList<>();
        sp.path("libraries").forEach(l -> libs.add(l.asText()));
        b.append("  - ").append(split).append(": ").append(sp.path("queries").asLong()).append(" pairs");
        if (sp.has("codebase")) {
          b.append(", pool ").append(sp.path("codebase").asLong());
        }
        b.append(" — ").append(String.join(", ", libs)).append("\n");
      }
      return java.util.Optional.of(b.toString());
    } catch (IOException e) {
      return java.util.Optional.empty();
    }
  }

  private static String section(ExperimentConfig cfg, String name) {
    StringBuilder out = new StringBuilder();
    boolean in = false;
    for (String line : cfg.toYaml().split("\n")) {
      if (!line.startsWith(" ") && !line.isEmpty()) {
        in = line.equals(name + ":");
      }
      if (in) {
        int colon = line.indexOf(": ");
        if (colon > 0 && line.startsWith("  ")) { // values that are paths: portable form
          String v = line.substring(colon + 2).replaceAll("^\"|\"$", "");
          if (v.startsWith("/")) {
            line = line.substring(0, colon + 2) + PortablePath.of(v);
          }
        }
        out.append(line).append('\n');
      }
    }
    return out.toString();
  }

  private static TrainState state(Path checkpointDir) {
    if (!Files.isRegularFile(checkpointDir.resolve("state.json"))) {
      return null;
    }
    try {
      return Checkpoints.readState(checkpointDir);
    } catch (RuntimeException e) {
      return null;
    }
  }

  /** {@code eval-<split>.json} files beside the checkpoint, by split. */
  private static Map<String, JsonNode> evaluations(Path checkpointDir) {
    Map<String, JsonNode> out = new TreeMap<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(checkpointDir, EVAL_PREFIX + "*.json")) {
      for (Path p : ds) {
        JsonNode n = JSON.readTree(p.toFile());
        if (n != null && n.has("metrics")) {
          out.put(n.path("split").asText(p.getFileName().toString()), n);
        }
      }
    } catch (IOException e) {
      return out;
    }
    return out;
  }

  private static String describe(Precision p) {
    return p == Precision.BF16 ? "bf16 (mixed: bfloat16 matmuls, float32 variables, softmax, norms and scores)"
        : "fp32";
  }

  private static String count(Double v) {
    return v == null ? "?" : Long.toString(Math.round(v));
  }

  private static String f4(Double v) {
    return v == null ? "-" : String.format(Locale.ROOT, "%.4f", v);
  }

  private static String fmt(double v) {
    return String.format(Locale.ROOT, "%.6g", v);
  }
}
