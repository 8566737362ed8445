package dev.softinfonce.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.softinfonce.config.ExperimentConfig;
import dev.softinfonce.config.ModelConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.tensorflow.Graph;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * Imports pretrained BERT / RoBERTa weights (ONNX or safetensors) onto this project's variable names,
 * which are the Hugging Face state-dict keys without the model prefix.
 *
 * <ul>
 *   <li><b>Names.</b> Prefixes such as {@code bert.}, {@code roberta.}, {@code 0.auto_model.} are dropped;
 *       TF-style {@code LayerNorm.gamma/beta} become {@code weight/bias}. ONNX exports often store MatMul
 *       weights under generated names ({@code onnx::MatMul_787}, layout {@code [in, out]}); those are placed
 *       by following the graph: MatMul → Add whose other input is {@code <layer>.bias}, or else the MatMul
 *       node's scope path ({@code /encoder/layer.0/attention/self/query/MatMul}). They are transposed to our
 *       {@code [out, in]} layout. {@code Gemm} nodes are honoured with their {@code transB}.</li>
 *   <li><b>Config.</b> Sizes come from the tensor shapes (vocab, hidden, positions, token types, layers,
 *       feed-forward). Heads, layer-norm epsilon, variant and padding id come from, in order: the
 *       explicit {@link Options}, a {@code config.json} beside the file, the ONNX graph (Reshape constants
 *       {@code [.., H, D/H]}, LayerNorm epsilon, {@code CumSum} for RoBERTa positions), the tokenizer's
 *       padding token. Heads that cannot be determined are an error asking for {@code --num-heads}.</li>
 *   <li><b>Strictness.</b> A tensor that cannot be placed, a shape that differs from the variable's, or a
 *       variable left without a value fails the import with the complete list. Tensors that are known not
 *       to be encoder parameters (the {@code position_ids} buffer, MLM/classification heads, the pooler when
 *       pooling is not {@code pooler}) are skipped and listed in {@link Imported#notes()}.</li>
 * </ul>
 */
public final class WeightImporter {
  private WeightImporter() {}

  /** Explicit choices; null fields are inferred. {@code base} supplies every other model field. */
  public record Options(Integer numHeads, Double layerNormEps, ModelConfig.Variant variant, Integer padTokenId,
      ModelConfig.Pooling pooling, Path hfConfigJson, Path tokenizerJson, ModelConfig base) {
    public static Options defaults() {
      return new Options(null, null, null, null, null, null, null, null);
    }

    public Options withTokenizer(Path tokenizer) {
      return new Options(numHeads, layerNormEps, variant, padTokenId, pooling, hfConfigJson, tokenizer, base);
    }

    public Options withNumHeads(Integer h) {
      return new Options(h, layerNormEps, variant, padTokenId, pooling, hfConfigJson, tokenizerJson, base);
    }

    public Options withPooling(ModelConfig.Pooling p) {
      return new Options(numHeads, layerNormEps, variant, padTokenId, p, hfConfigJson, tokenizerJson, base);
    }

    public Options withBase(ModelConfig b) {
      return new Options(numHeads, layerNormEps, variant, padTokenId, pooling, hfConfigJson, tokenizerJson, b);
    }

    public Options withVariant(ModelConfig.Variant v, Integer pad) {
      return new Options(numHeads, layerNormEps, v, pad, pooling, hfConfigJson, tokenizerJson, base);
    }
  }

  /** The result: the resolved config, every variable's value (our names, our layout), and what was skipped. */
  public record Imported(ModelConfig config, Map<String, NamedTensor> weights, List<String> notes) {}

  private static final Pattern LAYER = Pattern.compile("^encoder\\.layer\\.(\\d+)\\.");
  private static final String[] ROOTS = {"embeddings.", "encoder.layer.", "pooler."};
  private static final String[] NOT_ENCODER = {"lm_head.", "cls.", "classifier.", "qa_outputs.", "score."};

  /** Imports an ONNX model's float initializers. */
  public static Imported fromOnnx(Path file, Options opt) throws IOException {
    OnnxModel m = OnnxModel.read(file);
    Map<String, NamedTensor> placed = new LinkedHashMap<>();
    List<String> unplaced = new ArrayList<>();
    List<String> notes = new ArrayList<>();
    for (OnnxModel.RawTensor t : m.initializers().values()) {
      if (!t.isFloating() || t.size() < 2) {
        if (!m.isConstantNode(t.name()) && t.size() >= 2) {
          notes.add("skipped " + t.name() + " " + Arrays.toString(t.dims()) + ": integer buffer, not a parameter");
        }
        continue; // graph structure: shape constants, scalars, masks
      }
      NamedTensor nt = new NamedTensor(t.name(), t.dims(), t.floatValues());
      String direct = hfName(t.name());
      if (direct != null) {
        put(placed, direct, nt.renamed(direct), file, t.name());
        continue;
      }
      NamedTensor viaGraph = placeByGraph(m, t.name(), nt);
      if (viaGraph != null) {
        put(placed, viaGraph.name(), viaGraph, file, t.name());
      } else {
        unplaced.add(t.name() + " " + Arrays.toString(t.dims()));
      }
    }
    Hints hints = new Hints();
    hints.heads = onnxHeads(m, placed);
    hints.eps = onnxEps(m);
    hints.roberta = m.nodes().stream().anyMatch(n -> n.opType().equals("CumSum"));
    return finish(file, placed, unplaced, notes, hints, opt);
  }

  /** Imports a safetensors file (F32/F16/BF16); a {@code config.json} beside it is read for heads etc. */
  public static Imported fromSafetensors(Path file, Options opt) throws IOException {
    Safetensors.Contents c = Safetensors.read(file);
    Map<String, NamedTensor> placed = new LinkedHashMap<>();
    List<String> unplaced = new ArrayList<>();
    List<String> notes = new ArrayList<>();
    for (var e : c.nonFloat().entrySet()) {
      notes.add("skipped " + e.getKey() + " (" + e.getValue() + "): integer buffer, not a parameter");
    }
    for (NamedTensor t : c.tensors().values()) {
      String n = hfName(t.name());
      if (n == null) {
        unplaced.add(t.name() + " " + t.shapeText());
      } else {
        put(placed, n, t.renamed(n), file, t.name());
      }
    }
    return finish(file, placed, unplaced, notes, new Hints(), opt);
  }

  private static final class Hints {
    Integer heads;
    Double eps;
    boolean roberta;
  }

  private static void put(Map<String, NamedTensor> placed, String name, NamedTensor t, Path file, String source) {
    if (placed.containsKey(name)) {
      throw new WeightImportException(file + ": two tensors map to " + name + " (the second is " + source + ")");
    }
    placed.put(name, t);
  }

  /** Our name for a source name, or null when it does not look like an encoder parameter name. */
  static String hfName(String source) {
    String n = source;
    int best = -1;
    for (String root : ROOTS) {
      int i = n.startsWith(root) ? 0 : n.indexOf("." + root);
      if (i > 0) {
        i += 1;
      }
      if (i >= 0 && (best < 0 || i < best)) {
        best = i;
      }
    }
    if (best < 0) {
      for (String head : NOT_ENCODER) {
        if (n.startsWith(head) || n.contains("." + head)) {
          return "!" + n; // recognised, not an encoder parameter
        }
      }
      return null;
    }
    n = n.substring(best);
    if (n.endsWith("LayerNorm.gamma")) {
      n = n.substring(0, n.length() - "gamma".length()) + "weight";
    } else if (n.endsWith("LayerNorm.beta")) {
      n = n.substring(0, n.length() - "beta".length()) + "bias";
    }
    return n;
  }

  /** Places a weight with a generated name by the MatMul/Gemm node that consumes it. */
  private static NamedTensor placeByGraph(OnnxModel m, String name, NamedTensor t) {
    for (OnnxModel.Node n : m.consumers(name)) {
      if (n.opType().equals("MatMul") && n.inputs().size() == 2 && n.inputs().get(1).equals(name)
          && t.shape().length == 2) {
        String base = null;
        for (OnnxModel.Node add : m.consumers(n.outputs().get(0))) {
          if (add.opType().equals("Add")) {
            for (String in : add.inputs()) {
              String hn = m.initializers().containsKey(in) ? hfName(in) : null;
              if (hn != null && hn.endsWith(".bias")) {
                base = hn.substring(0, hn.length() - ".bias".length());
              }
            }
          }
        }
        if (base == null) {
          base = scopePath(n.outputs().get(0), n.name());
        }
        if (base != null) {
          return t.transpose2d(base + ".weight"); // ONNX [in, out] → ours [out, in]
        }
      }
      if (n.opType().equals("Gemm") && n.inputs().size() >= 2 && n.inputs().get(1).equals(name)
          && t.shape().length == 2) {
        String base = null;
        if (n.inputs().size() == 3 && hfName(n.inputs().get(2)) != null) {
          String hb = hfName(n.inputs().get(2));
          base = hb.endsWith(".bias") ? hb.substring(0, hb.length() - 5) : null;
        }
        if (base == null) {
          base = scopePath(n.outputs().get(0), n.name());
        }
        if (base != null) {
          OnnxModel.Attribute tb = n.attributes().get("transB");
          boolean transB = tb != null && tb.i() != null && tb.i() == 1;
          return transB ? t.renamed(base + ".weight") : t.transpose2d(base + ".weight");
        }
      }
    }
    return null;
  }

  /** {@code /encoder/layer.0/attention/self/query/MatMul_output_0} → {@code encoder.layer.0.attention.self.query}. */
  private static String scopePath(String output, String nodeName) {
    for (String s : new String[] {nodeName, output}) {
      if (s == null || !s.startsWith("/")) {
        continue;
      }
      int last = s.lastIndexOf('/');
      if (last <= 0) {
        continue;
      }
      String path = s.substring(1, last).replace('/', '.');
      String hn = hfName(path + ".weight");
      if (hn != null && !hn.startsWith("!")) {
        return hn.substring(0, hn.length() - ".weight".length());
      }
    }
    return null;
  }

  /** Heads from Reshape shape constants {@code [.., H, D/H]} (Concat pieces or a constant shape). */
  private static Integer onnxHeads(OnnxModel m, Map<String, NamedTensor> placed) {
    NamedTensor words = placed.get("embeddings.word_embeddings.weight");
    if (words == null || words.shape().length != 2) {
      return null;
    }
    long d = words.shape()[1];
    TreeSet<Long> candidates = new TreeSet<>();
    Map<String, OnnxModel.Node> producer = new HashMap<>();
    for (OnnxModel.Node n : m.nodes()) {
      for (String o : n.outputs()) {
        producer.put(o, n);
      }
    }
    for (OnnxModel.Node n : m.nodes()) {
      if (!n.opType().equals("Reshape") || n.inputs().size() < 2) {
        continue;
      }
      List<Double> dims = new ArrayList<>();
      String shapeName = n.inputs().get(1);
      OnnxModel.Node p = producer.get(shapeName);
      if (p != null && p.opType().equals("Concat")) {
        for (String in : p.inputs()) {
          OnnxModel.RawTensor c = m.initializers().get(in);
          dims.add(c != null && c.size() == 1 ? c.get(0) : Double.NaN);
        }
      } else if (m.initializers().containsKey(shapeName)) {
        OnnxModel.RawTensor c = m.initializers().get(shapeName);
        for (int k = 0; k < c.size(); k++) {
          dims.add(c.get(k));
        }
      }
      for (int i = 0; i + 1 < dims.size(); i++) {
        double h = dims.get(i);
        double s = dims.get(i + 1);
        if (h > 1 && s > 1 && h * s == d && i + 2 == dims.size()) {
          candidates.add((long) h);
        }
      }
    }
    return candidates.size() == 1 ? candidates.first().intValue() : null;
  }

  /** Layer-norm epsilon: a LayerNormalization attribute, or the scalar added before Sqrt in the decomposed form. */
  private static Double onnxEps(OnnxModel m) {
    Map<Double, Integer> counts = new TreeMap<>();
    for (OnnxModel.Node n : m.nodes()) {
      if (n.opType().equals("LayerNormalization") && n.attributes().containsKey("epsilon")) {
        counts.merge(shortest(n.attributes().get("epsilon").f()), 1, Integer::sum);
      }
      if (n.opType().equals("Add") && m.consumers(n.outputs().get(0)).stream().anyMatch(c -> c.opType().equals("Sqrt"))) {
        for (String in : n.inputs()) {
          OnnxModel.RawTensor c = m.initializers().get(in);
          if (c != null && c.isFloating() && c.size() == 1 && c.get(0) > 0 && c.get(0) < 1e-3) {
            counts.merge(shortest(c.floats()[0]), 1, Integer::sum);
          }
        }
      }
    }
    return counts.entrySet().stream().max(Map.Entry.comparingByValue()).map(Map.Entry::getKey).orElse(null);
  }

  /** A float as the shortest double that prints the same (1e-12f → 1e-12, not 9.99999996e-13). */
  private static double shortest(float f) {
    return Double.parseDouble(Float.toString(f));
  }

  private static Imported finish(Path file, Map<String, NamedTensor> placed, List<String> unplaced,
      List<String> notes, Hints hints, Options opt) throws IOException {
    // separate deliberately skipped tensors
    Map<String, NamedTensor> weights = new LinkedHashMap<>();
    for (var e : placed.entrySet()) {
      String n = e.getKey();
      if (n.startsWith("!")) {
        notes.add("skipped " + n.substring(1) + " " + e.getValue().shapeText() + ": a task head, not part of the encoder");
      } else if (n.equals("embeddings.position_ids")) {
        notes.add("skipped " + n + ": buffer, not a parameter");
      } else {
        weights.put(n, e.getValue());
      }
    }
    if (!unplaced.isEmpty()) {
      throw new WeightImportException(file + ": cannot place " + unplaced.size() + " tensor(s) on encoder variables: "
          + String.join(", ", unplaced));
    }
    ModelConfig cfg = inferConfig(file, weights, hints, opt);
    if (cfg.pooling() != ModelConfig.Pooling.POOLER) {
      weights.keySet().removeIf(n -> {
        if (n.startsWith("pooler.")) {
          notes.add("skipped " + n + ": pooling is " + cfg.pooling().name().toLowerCase() + ", not pooler");
          return true;
        }
        return false;
      });
    }
    Map<String, long[]> expected = expectedShapes(cfg);
    List<String> problems = new ArrayList<>();
    for (var e : weights.entrySet()) {
      long[] want = expected.get(e.getKey());
      if (want == null) {
        problems.add("no variable for tensor " + e.getKey() + " " + e.getValue().shapeText());
      } else if (!Arrays.equals(want, e.getValue().shape())) {
        problems.add(e.getKey() + " has shape " + e.getValue().shapeText() + " but the variable is "
            + Arrays.toString(want));
      }
    }
    for (String v : expected.keySet()) {
      if (!weights.containsKey(v)) {
        problems.add("variable " + v + " " + Arrays.toString(expected.get(v)) + " gets no value");
      }
    }
    if (!problems.isEmpty()) {
      throw new WeightImportException(file + ": " + problems.size() + " problem(s): " + String.join("; ", problems));
    }
    Map<String, NamedTensor> ordered = new LinkedHashMap<>();
    for (String v : expected.keySet()) {
      ordered.put(v, weights.get(v));
    }
    return new Imported(cfg, ordered, notes);
  }

  /** Variable name → shape for a config, read from a throwaway graph so it can never drift from the model. */
  public static Map<String, long[]> expectedShapes(ModelConfig cfg) {
    Map<String, long[]> out = new LinkedHashMap<>();
    try (Graph g = new Graph()) {
      TransformerEncoder<TFloat32> enc = new TransformerEncoder<>(Ops.create(g), cfg, TFloat32.class, "", false, 0L);
      enc.variables().forEach((n, v) -> out.put(n, v.shape().asArray()));
    }
    return out;
  }

  private static ModelConfig inferConfig(Path file, Map<String, NamedTensor> w, Hints hints, Options opt)
      throws IOException {
    NamedTensor words = require(file, w, "embeddings.word_embeddings.weight");
    NamedTensor pos = require(file, w, "embeddings.position_embeddings.weight");
    int vocab = (int) words.shape()[0];
    int hidden = (int) words.shape()[1];
    int maxPos = (int) pos.shape()[0];
    NamedTensor types = w.get("embeddings.token_type_embeddings.weight");
    int typeVocab = types == null ? 0 : (int) types.shape()[0];
    int layers = 0;
    for (String n : w.keySet()) {
      Matcher mm = LAYER.matcher(n);
      if (mm.find()) {
        layers = Math.max(layers, Integer.parseInt(mm.group(1)) + 1);
      }
    }
    if (layers == 0) {
      throw new WeightImportException(file + ": no encoder.layer.N tensors found");
    }
    int ff = (int) require(file, w, "encoder.layer.0.intermediate.dense.weight").shape()[0];

    JsonNode hf = null;
    Path hfPath = opt.hfConfigJson() != null ? opt.hfConfigJson() : file.resolveSibling("config.json");
    if (Files.isRegularFile(hfPath)) {
      hf = new ObjectMapper().readTree(hfPath.toFile());
      String act = hf.path("hidden_act").asText("gelu");
      if (!act.equals("gelu")) {
        throw new WeightImportException(hfPath + ": hidden_act is '" + act + "'; only the exact (erf) gelu is supported");
      }
    }
    Integer heads = opt.numHeads() != null ? opt.numHeads()
        : hf != null && hf.has("num_attention_heads") ? Integer.valueOf(hf.get("num_attention_heads").asInt())
        : hints.heads;
    if (heads == null) {
      throw new WeightImportException(file + ": cannot determine the number of attention heads; pass --num-heads "
          + "(or put the model's config.json next to the file)");
    }
    if (hidden % heads != 0) {
      throw new WeightImportException(file + ": hidden size " + hidden + " is not divisible by " + heads + " heads");
    }
    double eps = opt.layerNormEps() != null ? opt.layerNormEps()
        : hf != null && hf.has("layer_norm_eps") ? hf.get("layer_norm_eps").asDouble()
        : hints.eps != null ? hints.eps : 1e-12;
    ModelConfig.Variant variant = opt.variant() != null ? opt.variant()
        : hf != null && hf.path("model_type").asText("").contains("roberta") ? ModelConfig.Variant.ROBERTA
        : hints.roberta ? ModelConfig.Variant.ROBERTA : ModelConfig.Variant.BERT;
    Integer pad = opt.padTokenId() != null ? opt.padTokenId()
        : hf != null && hf.has("pad_token_id") && !hf.get("pad_token_id").isNull() ? Integer.valueOf(hf.get("pad_token_id").asInt())
        : tokenizerPad(opt.tokenizerJson());
    if (pad == null) {
      pad = variant == ModelConfig.Variant.ROBERTA ? 1 : 0;
    }
    ModelConfig.Pooling pooling = opt.pooling() != null ? opt.pooling()
        : opt.base() != null ? opt.base().pooling() : ModelConfig.Pooling.MEAN;

    ExperimentConfig base = ExperimentConfig.defaults();
    var b = base.toBuilder();
    if (opt.base() != null) {
      for (var rc : ModelConfig.class.getRecordComponents()) {
        try {
          b.set("model." + snake(rc.getName()), rc.getAccessor().invoke(opt.base()));
        } catch (ReflectiveOperationException e) {
          throw new IllegalStateException(e);
        }
      }
    }
    int maxLen = variant == ModelConfig.Variant.ROBERTA ? maxPos - pad - 1 : maxPos;
    ModelConfig cur = opt.base() != null ? opt.base() : base.model();
    b.set("model.variant", variant).set("model.vocab_size", vocab).set("model.hidden_size", hidden)
        .set("model.num_layers", layers).set("model.num_heads", heads).set("model.intermediate_size", ff)
        .set("model.max_positions", maxPos).set("model.type_vocab_size", typeVocab).set("model.layer_norm_eps", eps)
        .set("model.pad_token_id", pad).set("model.pooling", pooling)
        .set("model.max_query_length", Math.min(cur.maxQueryLength(), maxLen))
        .set("model.max_code_length", Math.min(cur.maxCodeLength(), maxLen));
    if (opt.tokenizerJson() != null) {
      b.set("model.tokenizer", opt.tokenizerJson().toString());
    }
    return b.build().model();
  }

  private static NamedTensor require(Path file, Map<String, NamedTensor> w, String name) {
    NamedTensor t = w.get(name);
    if (t == null || t.shape().length != 2) {
      throw new WeightImportException(file + ": no 2-D tensor " + name + " (found: " + w.keySet().stream().limit(8).toList()
          + (w.size() > 8 ? ", ..." : "") + ")");
    }
    return t;
  }

  /** The padding id declared in a tokenizer.json ({@code padding.pad_id}, else [PAD] / <pad> in the vocab). */
  static Integer tokenizerPad(Path tokenizerJson) throws IOException {
    if (tokenizerJson == null || !Files.isRegularFile(tokenizerJson)) {
      return null;
    }
    JsonNode t = new ObjectMapper().readTree(tokenizerJson.toFile());
    if (t.path("padding").has("pad_id")) {
      return t.path("padding").get("pad_id").asInt();
    }
    JsonNode vocab = t.path("model").path("vocab");
    for (String p : new String[] {"[PAD]", "<pad>"}) {
      if (vocab.has(p)) {
        return vocab.get(p).asInt();
      }
    }
    return null;
  }

  static String snake(String camel) {
    return camel.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toLowerCase();
  }
}
