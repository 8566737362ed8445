package dev.softinfonce.serve;

import dev.softinfonce.config.DataConfig.BadRecordPolicy;
import dev.softinfonce.config.DataConfig.CodeField;
import dev.softinfonce.data.Codebase;
import dev.softinfonce.data.ReadOptions;
import dev.softinfonce.integrity.Manifest;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Code search from Java over an exported model: encode a codebase into a {@link CodeIndex}, then answer
 * queries with the model's {@code encode_query} and the index's similarity.
 *
 * <pre>{@code
 * try (ServingModel model = ServingModel.open(Path.of("savedmodels/quickstart/1"))) {
 *   CodeIndex index = CodeSearcher.buildIndex(model, Path.of("codebase.jsonl"), null, 32, IndexProgress.NONE);
 *   index.save(Path.of("code.idx"));
 * }
 * try (CodeSearcher searcher = CodeSearcher.open(Path.of("code.idx"))) {   // model recorded in the index
 *   for (SearchHit h : searcher.search("read a file into a string", 10).hits()) { ... }
 * }
 * }</pre>
 *
 * <p>Query rules: a blank query is rejected; a query longer than {@link #MAX_QUERY_CHARS} characters
 * is rejected; a query with more tokens than the model's {@code max_query_length} is truncated to it
 * (as in training) and the response says so ({@link SearchResponse#truncated()}). {@code k} must be in
 * 1..{@link #MAX_K}. Thread-safe: one searcher serves concurrent requests.
 */
public final class CodeSearcher implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(CodeSearcher.class);
  /** Longest accepted query text, in characters (a guard against pasting a file into the search box). */
  public static final int MAX_QUERY_CHARS = 10_000;
  /** Largest accepted k. */
  public static final int MAX_K = 1000;
  /** Lines and characters per line kept as a code preview in the index. */
  static final int PREVIEW_LINES = 3;
  static final int PREVIEW_LINE_CHARS = 160;

  private final ServingModel model;
  private final CodeIndex index;
  private final boolean ownsModel;

  /** A searcher over {@code index} with an already opened {@code model} (not closed by {@link #close}). */
  public CodeSearcher(ServingModel model, CodeIndex index) {
    this(model, index, false);
  }

  private CodeSearcher(ServingModel model, CodeIndex index, boolean ownsModel) {
    if (model.info().embeddingDim() != index.header().dim()) {
      if (ownsModel) {
        model.close();
      }
      throw new SearchException("model " + model.dir() + " makes " + model.info().embeddingDim()
          + "-dim embeddings but the index (built with " + index.header().model() + ") has " + index.header().dim());
    }
    String why = mismatch(model, index);
    if (why != null) {
      if (ownsModel) {
        model.close();
      }
      throw new SearchException(why);
    }
    this.model = model;
    this.index = index;
    this.ownsModel = ownsModel;
  }

  /**
   * Why {@code model} cannot answer queries for {@code index}: another model's weights or another
   * tokenizer than the ones the index was built with (the checksums its header records); null if it can.
   */
  private static String mismatch(ServingModel model, CodeIndex index) {
    CodeIndex.Header h = index.header();
    if (h.modelSha256() != null && !h.modelSha256().equals(model.modelFingerprint())) {
      return "index (" + h.codebase() + ") was built with another model than " + model.dir() + " (weights checksum "
          + Manifest.shortHash(h.modelSha256()) + " in the index, " + Manifest.shortHash(model.modelFingerprint())
          + " in the model); rebuild it with softinfonce index --model " + model.dir();
    }
    if (h.tokenizerSha256() != null && !h.tokenizerSha256().equals(model.tokenizerSha256())) {
      return "index (" + h.codebase() + ") was built with another tokenizer than " + model.dir()
          + "/assets.extra/tokenizer.json (checksum " + Manifest.shortHash(h.tokenizerSha256()) + " in the index, "
          + Manifest.shortHash(model.tokenizerSha256()) + " in the model); rebuild it with softinfonce index";
    }
    return null;
  }

  /** Loads {@code indexFile} and the model recorded in its header. */
  public static CodeSearcher open(Path indexFile) {
    return open(indexFile, null);
  }

  /** Loads {@code indexFile} and {@code modelDir} (or the recorded model when null). */
  public static CodeSearcher open(Path indexFile, Path modelDir) {
    CodeIndex index = CodeIndex.load(indexFile);
    Path dir = modelDir != null ? modelDir : Path.of(index.header().model());
    if (modelDir != null && !dir.toAbsolutePath().normalize().toString().equals(index.header().model())) {
      LOG.warn("index {} was built with {}; encoding queries with {}", indexFile, index.header().model(), dir);
    }
    return new CodeSearcher(ServingModel.open(dir), index, true);
  }

  /**
   * Encodes a codebase file (CodeSearchNet/GraphCodeBERT jsonl, CoSQA json or code_idx_map, read by
   * {@link Codebase#load}) with {@code encode_code}.
   *
   * @param codeField which record field to encode; null = the field the model was trained on
   *     ({@code serving.yaml} {@code code_field})
   * @param batchSize texts per {@code encode_code} call
   */
  public static CodeIndex buildIndex(ServingModel model, Path codebaseFile, CodeField codeField, int batchSize,
      IndexProgress progress) {
    CodeField field = codeField != null ? codeField
        : CodeField.valueOf(model.info().codeField().toUpperCase(Locale.ROOT));
    Codebase pool = Codebase.load(codebaseFile, new ReadOptions(field, BadRecordPolicy.FAIL));
    if (pool.size() == 0) {
      throw new SearchException(codebaseFile + ": no codebase entries (every record lacked url or code)");
    }
    Map<String, String> display = displayCode(codebaseFile, field);
    List<String> previews = new ArrayList<>(pool.size());
    for (int i = 0; i < pool.size(); i++) {
      previews.add(preview(display.getOrDefault(pool.url(i), pool.code(i))));
    }
    progress.start(pool.size());
    float[][] vectors = model.encodeAllCodes(pool.codes(), batchSize, progress::advance);
    CodeIndex.Header header = new CodeIndex.Header(model.dir().toAbsolutePath().normalize().toString(),
        codebaseFile.toAbsolutePath().normalize().toString(), pool.size(), model.info().embeddingDim(),
        model.info().scoreScale(), model.info().similarity(), field.name().toLowerCase(Locale.ROOT),
        Instant.now().toString(), model.modelFingerprint(), model.tokenizerSha256());
    return new CodeIndex(header, pool.urls(), previews, vectors);
  }

  /**
   * Readable code for previews: when the encoded field is {@code code_tokens} (one line of tokens), the
   * {@code code} field of the same records if they have one; empty when they do not.
   */
  private static Map<String, String> displayCode(Path file, CodeField encoded) {
    if (encoded != CodeField.CODE_TOKENS) {
      return Map.of();
    }
    try {
      Codebase readable = Codebase.load(file, new ReadOptions(CodeField.CODE, BadRecordPolicy.SKIP));
      Map<String, String> m = new HashMap<>();
      for (int i = 0; i < readable.size(); i++) {
        m.put(readable.url(i), readable.code(i));
      }
      return m;
    } catch (IllegalArgumentException e) { // DataFormatException included
      return Map.of();
    }
  }

  /** The first {@link #PREVIEW_LINES} non-blank lines, each cut at {@link #PREVIEW_LINE_CHARS} characters. */
  static String preview(String code) {
    List<String> lines = new ArrayList<>();
    for (String line : code.split("\\R")) {
      if (line.isBlank()) {
        continue;
      }
      String l = line.stripTrailing();
      lines.add(l.length() > PREVIEW_LINE_CHARS ? l.substring(0, PREVIEW_LINE_CHARS) + " …" : l);
      if (lines.size() == PREVIEW_LINES) {
        break;
      }
    }
    return String.join("\n", lines);
  }

  /**
   * The top {@code k} codebase entries for {@code query}.
   *
   * @throws SearchException for a blank or too long query, or k outside 1..{@link #MAX_K}
   */
  public SearchResponse search(String query, int k) {
    if (query == null || query.isBlank()) {
      throw new SearchException("empty query: give some words to search for");
    }
    if (query.length() > MAX_QUERY_CHARS) {
      throw new SearchException("query too long: " + query.length() + " characters (at most " + MAX_QUERY_CHARS
          + "; the model reads only its first " + model.info().maxQueryLength() + " tokens anyway)");
    }
    if (k < 1 || k > MAX_K) {
      throw new SearchException("k must be between 1 and " + MAX_K + ", got " + k);
    }
    ServingModel.Embeddings e = model.encodeQueries(List.of(query));
    return new SearchResponse(query, e.tokenCounts()[0], e.truncated()[0], index.search(e.vectors()[0], k));
  }

  public CodeIndex index() {
    return index;
  }

  public ServingModel model() {
    return model;
  }

  @Override
  public void close() {
    if (ownsModel) {
      model.close();
    }
  }
}
