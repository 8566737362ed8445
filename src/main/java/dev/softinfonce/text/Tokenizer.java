package dev.softinfonce.text;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.huggingface.tokenizers.jni.TokenizersLibrary;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeSet;

/**
 * Turns texts into padded int id and mask arrays with a Hugging Face {@code tokenizer.json} run by
 * DJL's native {@link HuggingFaceTokenizer}. Loads only local files or streams, never a hub name.
 *
 * <p>The tokenizer.json decides normalisation, pre-tokenization, the model and the special tokens
 * (post-processor); this class decides length: special tokens are added (configurable), each text
 * is truncated to {@code maxLength} tokens (special tokens included), and the batch is padded in
 * Java to its longest row (or to {@code maxLength}) with {@link #padId()}. Padding is done here, not
 * by DJL, because DJL pads with id 0 / {@code [PAD]} whenever the tokenizer.json has no
 * {@code padding} section, which is wrong for RoBERTa ({@code <pad>} = 1).
 *
 * <p><b>One tokenizer, views per maximum length.</b> Training, evaluation and serving read the same
 * {@code tokenizer.json} at two lengths (queries and code); {@link #withMaxLength} gives a view at
 * another length that shares this one's native DJL handle (one parse, one native tokenizer). Truncation
 * is a setting of the native handle, so every encode sets the view's length on the handle first, and
 * encodes through one handle are serialised. The handle is freed when the last view closes.
 *
 * <p><b>{@code modelMaxLength}.</b> DJL (0.38, {@code HuggingFaceTokenizer.updateTruncationAndPadding})
 * uses {@code modelMaxLength} for one thing: it lowers a larger {@code maxLength} to it, with a WARN
 * line ("maxLength is greater then modelMaxLength"), and it defaults to 512 (or the value of a
 * {@code tokenizer_config.json}). Any value ≥ {@code maxLength} is therefore right, and the former
 * serving wrapper's {@code max(maxLength, 512)} and this class's {@code maxLength} truncated alike; a
 * value below it would silently cut long code at 512. This class passes {@code modelMaxLength =
 * maxLength}, and views set the handle's truncation directly ({@code TokenizersLibrary.setTruncation}),
 * which DJL does not cap (test {@code TokenizerViewsTest}: 600 tokens stay 600). It also sets the
 * system properties {@code ai.djl.offline} and {@code OPT_OUT_TRACKING} (when unset) so DJL neither
 * downloads a CUDA build nor probes the EC2 metadata service.
 *
 * <pre>{@code
 * try (Tokenizer tok = Tokenizer.load(Path.of("tokenizer.json"), 96)) {
 *   TokenizedBatch b = tok.encode(List.of("getUserName()", "return x;"));
 *   int[][] ids = b.ids();   // [B, L], L <= 96
 *   int[][] mask = b.mask(); // [B, L]
 * }
 * }</pre>
 */
public final class Tokenizer implements AutoCloseable {

  static {
    // Before any DJL class runs: no CUDA-flavour download, no EC2 metadata probe.
    if (System.getProperty("ai.djl.offline") == null && System.getenv("DJL_OFFLINE") == null) {
      System.setProperty("ai.djl.offline", "true");
    }
    if (System.getProperty("OPT_OUT_TRACKING") == null && System.getenv("OPT_OUT_TRACKING") == null) {
      System.setProperty("OPT_OUT_TRACKING", "true");
    }
  }

  /** How a batch is padded. */
  public enum Padding {
    /** To the longest row of the batch (never more than maxLength when truncating). */
    LONGEST,
    /** Always to maxLength. */
    MAX_LENGTH
  }

  /** Pad tokens looked up, in order, when the tokenizer.json has no {@code padding} section. */
  static final List<String> PAD_TOKEN_CANDIDATES = List.of("[PAD]", "<pad>", "<|pad|>", "<|padding|>");

  private final SharedHandle handle;
  private final String source;
  private final int maxLength;
  private final boolean addSpecialTokens;
  private final boolean truncation;
  private final Padding padding;
  private final int padId;
  private final int vocabSize;
  private final Set<Integer> specialIds;
  private final Map<String, Integer> vocab;
  private boolean closed;

  private Tokenizer(Builder b, byte[] json) {
    this.source = b.source;
    this.maxLength = b.maxLength;
    this.addSpecialTokens = b.addSpecialTokens;
    this.truncation = b.truncation;
    this.padding = b.padding;

    JsonNode root = parse(json, source);
    this.vocab = vocabulary(root, source);
    TreeSet<Integer> specials = new TreeSet<>();
    JsonNode added = root.path("added_tokens");
    for (JsonNode t : added) {
      if (t.path("special").asBoolean(false)) {
        specials.add(t.path("id").asInt());
      }
    }
    this.specialIds = Collections.unmodifiableSet(specials);
    this.vocabSize = vocab.values().stream().mapToInt(Integer::intValue).max().orElse(-1) + 1;
    this.padId = b.padId != null ? b.padId : resolvePadId(root, b.padToken);

    Map<String, String> options = new HashMap<>();
    options.put("addSpecialTokens", Boolean.toString(addSpecialTokens));
    options.put("truncation", truncation ? "LONGEST_FIRST" : "DO_NOT_TRUNCATE");
    options.put("padding", "DO_NOT_PAD"); // padded below, with the right id
    options.put("maxLength", Integer.toString(maxLength));
    options.put("modelMaxLength", Integer.toString(maxLength)); // else DJL caps at 512
    try {
      this.handle = new SharedHandle(HuggingFaceTokenizer.newInstance(new ByteArrayInputStream(json), options),
          truncation ? maxLength : NO_TRUNCATION);
    } catch (IOException | RuntimeException e) {
      throw new TokenizerException("cannot load tokenizer " + source + ": " + e.getMessage(), e);
    }
  }

  /** A view of {@code other} at {@code maxLength}, on the same native handle. */
  private Tokenizer(Tokenizer other, int maxLength) {
    this.handle = other.handle;
    this.source = other.source;
    this.maxLength = maxLength;
    this.addSpecialTokens = other.addSpecialTokens;
    this.truncation = other.truncation;
    this.padding = other.padding;
    this.padId = other.padId;
    this.vocabSize = other.vocabSize;
    this.specialIds = other.specialIds;
    this.vocab = other.vocab;
  }

  /**
   * This tokenizer at another maximum length (special tokens, truncation mode, padding and pad id
   * unchanged), sharing the native handle. Close each view; the handle lives until the last is closed.
   */
  public Tokenizer withMaxLength(int maxLength) {
    if (maxLength < 1) {
      throw new IllegalArgumentException("maxLength must be >= 1, got " + maxLength);
    }
    handle.retain(source);
    return new Tokenizer(this, maxLength);
  }

  /**
   * Loads a local tokenizer.json (or a directory holding one) with special tokens, truncation to
   * {@code maxLength} and padding to the longest text of each batch.
   *
   * @throws TokenizerException if the file is missing or is not a tokenizer.json
   */
  public static Tokenizer load(Path tokenizerJson, int maxLength) {
    return builder(tokenizerJson).maxLength(maxLength).build();
  }

  /** Options for a local tokenizer.json file, or a directory that holds {@code tokenizer.json}. */
  public static Builder builder(Path tokenizerJson) {
    Objects.requireNonNull(tokenizerJson, "tokenizerJson");
    return new Builder(tokenizerJson, null, tokenizerJson.toString());
  }

  /**
   * Options for a tokenizer.json read from a stream (e.g. a classpath resource); the stream is read
   * fully at {@link Builder#build()} and not closed.
   *
   * @param sourceName names the stream in error messages
   */
  public static Builder builder(InputStream tokenizerJson, String sourceName) {
    Objects.requireNonNull(tokenizerJson, "tokenizerJson");
    return new Builder(null, tokenizerJson, sourceName);
  }

  /**
   * Tokenizes a batch: ids and mask {@code [B, L]}, L = the longest row (at most maxLength when
   * truncating) or maxLength with {@link Padding#MAX_LENGTH}.
   */
  public TokenizedBatch encode(List<String> texts) {
    return encodeReporting(texts).batch();
  }

  /**
   * {@link #encode} plus, per text, whether truncation cut it and its real length (what serving
   * reports).
   */
  public EncodedBatch encodeReporting(List<String> texts) {
    for (int i = 0; i < texts.size(); i++) {
      if (texts.get(i) == null) {
        throw new IllegalArgumentException("text " + i + " of the batch is null");
      }
    }
    if (texts.isEmpty()) {
      return new EncodedBatch(new int[0][], new int[0][], new boolean[0], new int[0]);
    }
    Encoding[] enc = handle.batchEncode(texts, addSpecialTokens, truncatesAt());
    int longest = 0;
    for (Encoding e : enc) {
      longest = Math.max(longest, checked(e).getIds().length);
    }
    int length = padding == Padding.MAX_LENGTH ? Math.max(maxLength, longest) : longest;
    int[][] ids = new int[enc.length][length];
    int[][] mask = new int[enc.length][length];
    boolean[] truncated = new boolean[enc.length];
    int[] lengths = new int[enc.length];
    for (int i = 0; i < enc.length; i++) {
      long[] row = enc[i].getIds();
      Arrays.fill(ids[i], padId);
      for (int j = 0; j < row.length; j++) {
        ids[i][j] = Math.toIntExact(row[j]);
        mask[i][j] = 1;
      }
      truncated[i] = enc[i].exceedMaxLength();
      lengths[i] = row.length;
    }
    return new EncodedBatch(ids, mask, truncated, lengths);
  }

  /** The tokens of one text as {@link #encode} produces them (special tokens, truncation; no padding). */
  public List<String> tokens(String text) {
    return List.of(checked(handle.encode(text, addSpecialTokens, truncatesAt())).getTokens());
  }

  /** The ids of one text as {@link #encode} produces them, without padding. */
  public int[] ids(String text) {
    return Arrays.stream(checked(handle.encode(text, addSpecialTokens, truncatesAt())).getIds())
        .mapToInt(Math::toIntExact).toArray();
  }

  private int truncatesAt() {
    return truncation ? maxLength : NO_TRUNCATION;
  }

  /**
   * HF leaves a text untruncated when maxLength is below the number of special tokens it adds
   * ([CLS] and [SEP] with maxLength 1); the contract "at most maxLength" must hold, so say so.
   */
  private Encoding checked(Encoding e) {
    if (truncation && e.getIds().length > maxLength) {
      throw new TokenizerException(source + ": maxLength " + maxLength
          + " is too small to hold the special tokens this tokenizer adds (got " + e.getIds().length
          + " tokens after truncation)");
    }
    return e;
  }

  /** The id padding uses. */
  public int padId() {
    return padId;
  }

  /** Largest id + 1 over the model vocabulary and the added tokens: the embedding table size. */
  public int vocabSize() {
    return vocabSize;
  }

  /** Ids of the added tokens marked special ([CLS], [SEP], [PAD], ... or {@code <s>}, ...). */
  public Set<Integer> specialIds() {
    return specialIds;
  }

  /** The id of a token of the vocabulary or the added tokens. */
  public OptionalInt tokenId(String token) {
    Integer id = vocab.get(token);
    return id == null ? OptionalInt.empty() : OptionalInt.of(id);
  }

  public int maxLength() {
    return maxLength;
  }

  /** The file or stream name this tokenizer came from. */
  public String source() {
    return source;
  }

  /** Closes this view; the native handle is freed when its last view closes. Idempotent. */
  @Override
  public synchronized void close() {
    if (!closed) {
      closed = true;
      handle.release();
    }
  }

  @Override
  public String toString() {
    return "Tokenizer(" + source + ", vocab " + vocabSize + ", maxLength " + maxLength + ")";
  }

  private int resolvePadId(JsonNode root, String padToken) {
    if (padToken != null) {
      Integer id = vocab.get(padToken);
      if (id == null) {
        throw new TokenizerException(source + ": pad token '" + padToken + "' is not in the vocabulary");
      }
      return id;
    }
    JsonNode padding = root.path("padding");
    if (padding.isObject() && padding.path("pad_id").isIntegralNumber()) {
      return padding.path("pad_id").asInt();
    }
    for (String candidate : PAD_TOKEN_CANDIDATES) {
      Integer id = vocab.get(candidate);
      if (id != null) {
        return id;
      }
    }
    throw new TokenizerException(source + ": no padding section and none of " + PAD_TOKEN_CANDIDATES
        + " in the vocabulary; set the pad token explicitly");
  }

  private static JsonNode parse(byte[] json, String source) {
    JsonNode root;
    try {
      root = new ObjectMapper().readTree(json);
    } catch (JsonProcessingException e) {
      throw new TokenizerException("not a tokenizer.json: " + source + " is not valid JSON (line "
          + e.getLocation().getLineNr() + "): " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new TokenizerException("cannot read " + source + ": " + e.getMessage(), e);
    }
    if (root == null || !root.isObject()) {
      throw new TokenizerException("not a tokenizer.json: " + source + " is not a JSON object");
    }
    JsonNode model = root.get("model");
    if (model == null || !model.isObject() || !model.has("vocab")) {
      throw new TokenizerException("not a tokenizer.json: " + source
          + " has no 'model' object with a 'vocab' (expected a Hugging Face tokenizers file)");
    }
    return root;
  }

  /** token -> id over model.vocab (map for WordPiece/BPE/WordLevel, [token, score] list for Unigram) and added_tokens. */
  private static Map<String, Integer> vocabulary(JsonNode root, String source) {
    Map<String, Integer> vocab = new HashMap<>();
    JsonNode v = root.get("model").get("vocab");
    if (v.isObject()) {
      for (Iterator<Map.Entry<String, JsonNode>> it = v.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        if (!e.getValue().isIntegralNumber()) {
          throw new TokenizerException(source + ": model.vocab['" + e.getKey() + "'] is not an integer id");
        }
        vocab.put(e.getKey(), e.getValue().asInt());
      }
    } else if (v.isArray()) {
      for (int i = 0; i < v.size(); i++) {
        vocab.put(v.get(i).path(0).asText(), i);
      }
    } else {
      throw new TokenizerException(source + ": model.vocab is neither an object nor a list");
    }
    for (JsonNode t : root.path("added_tokens")) {
      if (t.has("content") && t.path("id").isIntegralNumber()) {
        vocab.put(t.get("content").asText(), t.get("id").asInt());
      }
    }
    return vocab;
  }

  /** {@link SharedHandle#truncateAt} value for "do not truncate". */
  private static final int NO_TRUNCATION = -1;

  /**
   * The native DJL tokenizer every view of one loaded file shares. Truncation is handle state, so each
   * encode sets the calling view's length first; encodes are serialised on the handle.
   */
  private static final class SharedHandle {
    private final HuggingFaceTokenizer hf;
    private int views = 1;
    private int truncateAt; // the handle's current truncation length, NO_TRUNCATION for none

    SharedHandle(HuggingFaceTokenizer hf, int truncateAt) {
      this.hf = hf;
      this.truncateAt = truncateAt;
    }

    synchronized Encoding[] batchEncode(List<String> texts, boolean addSpecialTokens, int length) {
      truncateTo(length);
      return hf.batchEncode(texts, addSpecialTokens, false);
    }

    synchronized Encoding encode(String text, boolean addSpecialTokens, int length) {
      truncateTo(length);
      return hf.encode(text, addSpecialTokens, false);
    }

    private void truncateTo(int length) {
      if (length != truncateAt) {
        long h = hf.getHandle();
        if (length == NO_TRUNCATION) {
          TokenizersLibrary.LIB.disableTruncation(h);
        } else {
          TokenizersLibrary.LIB.setTruncation(h, length, "LONGEST_FIRST", 0);
        }
        truncateAt = length;
      }
    }

    synchronized void retain(String source) {
      if (views == 0) {
        throw new IllegalStateException("tokenizer " + source + " is closed");
      }
      views++;
    }

    synchronized void release() {
      if (--views == 0) {
        hf.close();
      }
    }
  }

  /** Options of a {@link Tokenizer}. */
  public static final class Builder {
    private final Path path;
    private final InputStream stream;
    private final String source;
    private int maxLength = 512;
    private boolean addSpecialTokens = true;
    private boolean truncation = true;
    private Padding padding = Padding.LONGEST;
    private String padToken;
    private Integer padId;

    private Builder(Path path, InputStream stream, String source) {
      this.path = path;
      this.stream = stream;
      this.source = source;
    }

    /** Longest sequence in tokens, special tokens included (default 512; not capped at 512). */
    public Builder maxLength(int n) {
      if (n < 1) {
        throw new IllegalArgumentException("maxLength must be >= 1, got " + n);
      }
      this.maxLength = n;
      return this;
    }

    /** Add the post-processor's special tokens ([CLS] ... [SEP], {@code <s>} ... {@code </s>}); default true. */
    public Builder addSpecialTokens(boolean on) {
      this.addSpecialTokens = on;
      return this;
    }

    /**
     * Truncate to maxLength (default true). When false, long texts keep every token and a batch is
     * padded to its longest row even beyond maxLength.
     */
    public Builder truncation(boolean on) {
      this.truncation = on;
      return this;
    }

    /** Pad to the batch's longest row (default) or always to maxLength. */
    public Builder padding(Padding p) {
      this.padding = Objects.requireNonNull(p);
      return this;
    }

    /** Pad with this token instead of the one the tokenizer.json declares or the usual names. */
    public Builder padToken(String token) {
      this.padToken = Objects.requireNonNull(token);
      return this;
    }

    /** Pad with this id (e.g. the model's {@code pad_token_id} from {@code serving.yaml}), whatever the file says. */
    public Builder padId(int id) {
      if (id < 0) {
        throw new IllegalArgumentException("pad id must be >= 0, got " + id);
      }
      this.padId = id;
      return this;
    }

    /**
     * Reads the file or stream and creates the native tokenizer.
     *
     * @throws TokenizerException if the file is missing, unreadable or not a tokenizer.json
     */
    public Tokenizer build() {
      byte[] json;
      try {
        if (path != null) {
          Path file = Files.isDirectory(path) ? path.resolve("tokenizer.json") : path;
          json = Files.readAllBytes(file);
        } else {
          json = stream.readAllBytes();
        }
      } catch (NoSuchFileException e) {
        throw new TokenizerException("tokenizer file not found: " + e.getFile());
      } catch (IOException e) {
        throw new TokenizerException("cannot read tokenizer " + source + ": " + e.getMessage(), e);
      }
      return new Tokenizer(this, json);
    }
  }
}
