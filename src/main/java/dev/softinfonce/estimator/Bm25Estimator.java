package dev.softinfonce.estimator;

import dev.softinfonce.config.EstimatorConfig.Bm25Field;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Unique;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TFloat64;
import org.tensorflow.types.TInt32;

/**
 * In-batch Okapi BM25 (paper §3.1) as graph ops over token ids: query i against the docstring (or,
 * with {@code estimator.field: code}, the code) of example j.
 *
 * <h2>Formula (as the reference code computes it)</h2>
 * <pre>
 *   sim[i][j] = Σ_{t ∈ q_i, with repetition} IDF(t) · (k1+1)·f(t,j) / (K_j + f(t,j))
 *   IDF(t)    = log((N − n_t + 0.5) / (n_t + 0.5))
 *   K_j       = k1 · ((1 − b) + b · dl_j / avgdl)
 * </pre>
 * <ul>
 *   <li>{@code f(t,j)}: occurrences of term t in document j; {@code qf = 1} per query occurrence, so a term
 *       repeated in the query counts once per occurrence (the reference's {@code k2} factor is 1).
 *   <li>{@code N}: documents in the batch (B); {@code n_t}: batch documents containing t. This is the
 *       Robertson–Spärck-Jones IDF with r = R = 0: it is <b>negative</b> for terms in more than half of
 *       the batch, so a common word matched in document j lowers {@code sim[i][j]}. Kept as in the
 *       reference (paper Table 7's α, β, t were tuned on it).
 *   <li>{@code dl_j}: non-special tokens of document j. {@code avgdl}: a constant, the mean non-special
 *       token count of the <b>training set</b>'s documents ({@link dev.softinfonce.corpus.DocumentLengths}).
 *       <em>Deviation:</em> the reference's {@code avg_len} counted {@code <s>}/{@code </s>} while
 *       {@code dl} does not; here both exclude special tokens
 *       ({@link dev.softinfonce.corpus.DocumentLengths#referenceStyle()} reproduces the reference's avgdl if wanted).
 *   <li>Special tokens (the given id set) and padding (mask 0) are not terms: they count neither in
 *       f, n_t, dl nor the query.
 * </ul>
 *
 * <h2>Graph formulation (exact, no Java loop per step)</h2>
 * A per-batch vocabulary {@code u = unique(batch tokens)} (size U) replaces the model vocabulary. The
 * distinct (document j, term u) pairs of the batch (a second {@code unique}, P ≤ B·Ld of them) carry
 * f(t,j) by {@code unsortedSegmentSum}; n_t, IDF and the saturated weight
 * {@code w = IDF·(k1+1)f/(K_j+f)} are computed per pair and scattered into {@code W [U, B]}; finally
 * {@code sim[i][j] = Σ_u count(i,u)·W[u][j]} over the distinct (query i, term u) pairs (a third
 * {@code unique}, Pq ≤ Bq·Lq), a gather {@code [Pq, B]} and a segment sum. Cost and memory are
 * O(B·Ld + U·B + Pq·B), e.g. ≤ 8 MB for B = 64, L = 128. Pair keys {@code j·U + u} are int32;
 * U ≤ min(vocabulary, B·(Lq+Ld)), so they overflow only beyond B·U ≈ 2·10⁹. Arithmetic is float64
 * (counts exact, logs and sums to ~1e-15 relative), the result float32.
 *
 * <h2>Example</h2>
 * Two documents "a b" and "c", query "a a", k1 = 1.2, b = 0.75, avgdl = 1.5: n_a = 1, so
 * IDF(a) = log(1.5/1.5) = 0 and every score is 0; with a third document "c" (N = 3),
 * IDF(a) = log(2.5/1.5) = 0.5108, K_0 = 1.2·(0.25 + 0.75·2/1.5) = 1.5, and
 * sim[q][0] = 2 · 0.5108 · 2.2·1/(1.5+1) = 0.8991.
 */
public final class Bm25Estimator implements RelevanceEstimator {

  /** Paper/reference default k1. */
  public static final double K1_DEFAULT = 1.2;
  /** Paper/reference default b. */
  public static final double B_DEFAULT = 0.75;

  private final double k1;
  private final double b;
  private final double averageDocumentLength;
  private final int[] ignoredIds;
  private final Bm25Field field;

  /**
   * @param k1 term-frequency saturation, ≥ 0
   * @param b length normalisation in [0, 1]
   * @param averageDocumentLength training-set mean of non-special document tokens, &gt; 0
   *     (see {@link dev.softinfonce.corpus.DocumentLengths})
   * @param ignoredIds special token ids that are not terms (padding is excluded by the mask anyway;
   *     include the pad id too if padded positions may have mask 1)
   * @param field which text of example j is the document
   */
  public Bm25Estimator(double k1, double b, double averageDocumentLength, Set<Integer> ignoredIds,
      Bm25Field field) {
    if (!(k1 >= 0) || Double.isInfinite(k1)) {
      throw new IllegalArgumentException("estimator.k1 must be a finite number >= 0, got " + k1);
    }
    if (!(b >= 0 && b <= 1)) {
      throw new IllegalArgumentException("estimator.b must be in [0, 1], got " + b);
    }
    if (!(averageDocumentLength > 0) || Double.isInfinite(averageDocumentLength)) {
      throw new IllegalArgumentException(
          "BM25 average document length must be finite and > 0, got " + averageDocumentLength
              + " (compute it from the training set with DocumentLengths)");
    }
    this.k1 = k1;
    this.b = b;
    this.averageDocumentLength = averageDocumentLength;
    this.ignoredIds = new TreeSet<>(Objects.requireNonNull(ignoredIds, "ignoredIds")).stream()
        .mapToInt(Integer::intValue).toArray();
    this.field = Objects.requireNonNull(field, "field");
  }

  @Override
  public String name() {
    return "bm25";
  }

  @Override
  public Set<EstimatorInput> inputs() {
    return Set.of(EstimatorInput.QUERY,
        field == Bm25Field.CODE ? EstimatorInput.CODE : EstimatorInput.DOCSTRING);
  }

  /** The special token ids that are not terms, sorted. */
  public Set<Integer> ignoredIds() {
    Set<Integer> s = new TreeSet<>();
    for (int id : ignoredIds) {
      s.add(id);
    }
    return Collections.unmodifiableSet(s);
  }

  @Override
  public Operand<TFloat32> sim(Ops tf, EstimatorInputs in) {
    in.requireAll(this);
    Operand<TInt32> qIds = in.queryIds();                                  // [Bq, Lq]
    Operand<TInt32> qMask = in.queryMask();
    Operand<TInt32> dIds = field == Bm25Field.CODE ? in.codeIds() : in.docstringIds(); // [B, Ld]
    Operand<TInt32> dMask = field == Bm25Field.CODE ? in.codeMask() : in.docstringMask();
    Ops s = tf.withSubScope("bm25");

    BatchVocabulary vocab = BatchVocabulary.of(s, qIds, dIds);
    Operand<TFloat64> w = termWeights(s, termPositions(s, dIds, dMask), vocab.docIndex(), // [U, B]
        vocab.size());
    Operand<TFloat64> sim = queryScores(s, w, termPositions(s, qIds, qMask), vocab.queryIndex(),
        vocab.size());                                                    // [Bq, B]
    return tf.withName("bm25_sim").stopGradient(s.dtypes.cast(sim, TFloat32.class));
  }

  /**
   * The batch's own vocabulary: index u in [0, U) of every token position of the queries and documents.
   *
   * @param queryIndex {@code [Bq, Lq]}
   * @param docIndex {@code [B, Ld]}
   * @param size scalar U
   */
  private record BatchVocabulary(Operand<TInt32> queryIndex, Operand<TInt32> docIndex,
      Operand<TInt32> size) {

    static BatchVocabulary of(Ops s, Operand<TInt32> qIds, Operand<TInt32> dIds) {
      Operand<TInt32> flat = s.constant(new int[] {-1});
      Operand<TInt32> axis = s.constant(new int[] {0});
      if (qIds == dIds) {
        // The reference's case, query i vs the query of example j: one pass suffices.
        Unique<TInt32, TInt32> u = s.unique(s.reshape(dIds, flat), axis);
        Operand<TInt32> index = s.reshape(u.idx(), s.shape(dIds));
        return new BatchVocabulary(index, index, s.size(u.y()));
      }
      Operand<TInt32> qFlat = s.reshape(qIds, flat);                       // [Bq*Lq]
      Unique<TInt32, TInt32> u = s.unique(
          s.concat(List.of(qFlat, s.reshape(dIds, flat)), s.constant(0)), axis);
      Operand<TInt32> nq = s.expandDims(s.size(qFlat), s.constant(0));     // [1]
      Operand<TInt32> q = s.slice(u.idx(), s.constant(new int[] {0}), nq);
      Operand<TInt32> d = s.slice(u.idx(), nq, flat);
      return new BatchVocabulary(s.reshape(q, s.shape(qIds)), s.reshape(d, s.shape(dIds)),
          s.size(u.y()));
    }
  }

  /**
   * The distinct (row r, term u) pairs of a batch, keyed {@code r·U + u}; non-term positions all map to
   * the key −1. {@code y()} holds the keys [P], {@code idx()} the pair of each position [R·L].
   */
  private static Unique<TInt32, TInt32> termPairs(Ops s, Operand<TBool> isTerm, Operand<TInt32> uIdx,
      Operand<TInt32> vocab) {
    Operand<TInt32> rowBase = s.expandDims(                               // [R, 1]
        s.math.mul(s.range(s.constant(0), rows(s, uIdx), s.constant(1)), vocab), s.constant(1));
    Operand<TInt32> key = s.select(isTerm, s.math.add(uIdx, rowBase),    // [R, L]
        s.fill(s.shape(uIdx), s.constant(-1)));
    return s.unique(s.reshape(key, s.constant(new int[] {-1})), s.constant(new int[] {0}));
  }

  /** Keeps {@code x} where {@code keep}, else −1, which {@code unsortedSegmentSum} drops. */
  private static Operand<TInt32> orDrop(Ops s, Operand<TBool> keep, Operand<TInt32> x) {
    return s.select(keep, x, s.fill(s.shape(x), s.constant(-1)));
  }

  /**
   * The BM25 weight of every (term, document) cell, {@code W[u][j] = IDF(u)·(k1+1)f/(K_j+f)}, zero where
   * u is not in document j. Computed over the P ≤ B·Ld distinct (document, term) pairs, then scattered.
   *
   * @return {@code W [U, B]}
   */
  private Operand<TFloat64> termWeights(Ops s, Operand<TBool> dTerm, Operand<TInt32> dU,
      Operand<TInt32> vocab) {
    Operand<TInt32> nDocs = rows(s, dU);                                  // scalar N = B
    Unique<TInt32, TInt32> pairs = termPairs(s, dTerm, dU, vocab);
    Operand<TInt32> key = pairs.y();                                      // [P]
    Operand<TBool> real = s.math.greaterEqual(key, s.constant(0));       // [P] false for the −1 key
    Operand<TInt32> doc = s.math.maximum(s.math.floorDiv(key, vocab), s.constant(0)); // [P]
    Operand<TInt32> term = s.math.floorMod(key, vocab);                   // [P]
    Operand<TFloat64> f = s.math.unsortedSegmentSum(                      // [P] f(t, j); 0 for −1 key
        s.dtypes.cast(s.reshape(dTerm, s.constant(new int[] {-1})), TFloat64.class), pairs.idx(),
        s.size(key));

    Operand<TFloat64> docFreq = s.math.unsortedSegmentSum(                // [U] n_t
        s.onesLike(f), orDrop(s, real, term), vocab);
    Operand<TFloat64> n = s.dtypes.cast(nDocs, TFloat64.class);
    Operand<TFloat64> half = s.constant(0.5);
    Operand<TFloat64> idf = s.math.log(s.math.div(                       // [U], < 0 if n_t > N/2
        s.math.add(s.math.sub(n, docFreq), half), s.math.add(docFreq, half)));

    Operand<TFloat64> dl = s.reduceSum(s.dtypes.cast(dTerm, TFloat64.class), s.constant(1)); // [B]
    Operand<TFloat64> kj = s.math.mul(s.constant(k1), s.math.add(        // [B]
        s.constant(1 - b), s.math.mul(s.constant(b / averageDocumentLength), dl)));
    Operand<TFloat64> saturated = s.math.divNoNan(                        // [P] (k1+1)f/(K_j+f)
        s.math.mul(f, s.constant(k1 + 1)), s.math.add(s.gather(kj, doc, s.constant(0)), f));
    Operand<TFloat64> weight = s.math.mul(saturated, s.gather(idf, term, s.constant(0))); // [P]

    Operand<TInt32> cell = orDrop(s, real, s.math.add(s.math.mul(term, nDocs), doc)); // [P] u·B + j
    return s.reshape(s.math.unsortedSegmentSum(weight, cell, s.math.mul(vocab, nDocs)), // [U, B]
        s.stack(List.of(vocab, nDocs)));
  }

  /**
   * {@code sim[i][j] = Σ_{term positions q of query i} W[u(i,q)][j]}, over the distinct (query, term)
   * pairs with their counts (qf = 1 per occurrence): a gather of Pq ≤ Bq·Lq rows and a segment sum.
   *
   * @return {@code [Bq, B]}
   */
  private static Operand<TFloat64> queryScores(Ops s, Operand<TFloat64> w, Operand<TBool> qTerm,
      Operand<TInt32> qU, Operand<TInt32> vocab) {
    Unique<TInt32, TInt32> pairs = termPairs(s, qTerm, qU, vocab);
    Operand<TInt32> key = pairs.y();                                      // [Pq]
    Operand<TFloat64> count = s.math.unsortedSegmentSum(                  // [Pq]
        s.onesLike(s.dtypes.cast(pairs.idx(), TFloat64.class)), pairs.idx(), s.size(key));
    Operand<TInt32> query = orDrop(s, s.math.greaterEqual(key, s.constant(0)), // [Pq]
        s.math.floorDiv(key, vocab));
    Operand<TFloat64> rowsOfW = s.gather(w, s.math.floorMod(key, vocab), s.constant(0)); // [Pq, B]
    return s.math.unsortedSegmentSum(                                     // [Bq, B]
        s.math.mul(rowsOfW, s.expandDims(count, s.constant(1))), query, rows(s, qTerm));
  }

  /** True where the position holds a term: mask on and not an ignored id. [B, L] */
  private Operand<TBool> termPositions(Ops s, Operand<TInt32> ids, Operand<TInt32> mask) {
    Operand<TBool> valid = s.math.notEqual(mask, s.constant(0));         // [B, L]
    if (ignoredIds.length > 0) {
      Operand<TBool> special = s.reduceAny(                               // [B, L]
          s.math.equal(s.expandDims(ids, s.constant(-1)), s.constant(ignoredIds)), // [B, L, S]
          s.constant(-1));
      valid = s.math.logicalAnd(valid, s.math.logicalNot(special));
    }
    return valid;
  }

  /** Leading dimension of a tensor, as a scalar. */
  private static Operand<TInt32> rows(Ops s, Operand<?> x) {
    return s.gather(s.shape(x), s.constant(0), s.constant(0));
  }
}
