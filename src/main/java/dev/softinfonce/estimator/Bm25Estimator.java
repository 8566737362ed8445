package dev.softinfonce.estimator;

import dev.softinfonce.config.EstimatorConfig.Bm25Field;
import java.util.Collections;
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
 *       token count of the <b>training set</b>'s documents ({@link DocumentLengths}).
 *       <em>Deviation:</em> the reference's {@code avg_len} counted {@code <s>}/{@code </s>} while
 *       {@code dl} does not; here both exclude special tokens
 *       ({@link DocumentLengths#referenceStyle()} reproduces the reference's avgdl if wanted).
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
   *     (see {@link DocumentLengths})
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

    // Per-batch vocabulary: u-index of every token position.
    Operand<TInt32> qU;                                                    // [Bq, Lq]
    Operand<TInt32> dU;                                                    // [B, Ld]
    Operand<TInt32> vocab;                                                 // scalar U
    Operand<TInt32> flatShape = s.constant(new int[] {-1});
    if (qIds == dIds) {
      // The reference's case: query i vs the query of example j — one vocabulary pass suffices.
      Unique<TInt32, TInt32> u = s.unique(s.reshape(dIds, flatShape), s.constant(new int[] {0}));
      dU = s.reshape(u.idx(), s.shape(dIds));
      qU = dU;
      vocab = s.size(u.y());
    } else {
      Operand<TInt32> qFlat = s.reshape(qIds, flatShape);                  // [Bq*Lq]
      Unique<TInt32, TInt32> u = s.unique(
          s.concat(java.util.List.of(qFlat, s.reshape(dIds, flatShape)), s.constant(0)),
          s.constant(new int[] {0}));
      Operand<TInt32> nq = s.size(qFlat);
      qU = s.reshape(s.slice(u.idx(), s.expandDims(s.constant(0), s.constant(0)),
          s.expandDims(nq, s.constant(0))), s.shape(qIds));
      dU = s.reshape(s.slice(u.idx(), s.expandDims(nq, s.constant(0)),
          s.constant(new int[] {-1})), s.shape(dIds));
      vocab = s.size(u.y());
    }

    Operand<TBool> qTerm = termPositions(s, qIds, qMask);                 // [Bq, Lq]
    Operand<TBool> dTerm = termPositions(s, dIds, dMask);                 // [B, Ld]
    Operand<TInt32> nDocs = rows(s, dIds);                                // scalar N = B
    Operand<TInt32> minusOne = s.constant(-1);

    // Sparse (document, term) pairs: key = j·U + u for term positions, −1 elsewhere. Everything below
    // runs over the P ≤ B·Ld distinct pairs, never over a dense [B, U] matrix.
    Operand<TInt32> rowBase = s.expandDims(                               // [B, 1]
        s.math.mul(s.range(s.constant(0), nDocs, s.constant(1)), vocab), s.constant(1));
    Operand<TInt32> key = s.select(dTerm, s.math.add(dU, rowBase),       // [B, Ld]
        s.fill(s.shape(dU), minusOne));
    Unique<TInt32, TInt32> pairs = s.unique(s.reshape(key, flatShape), s.constant(new int[] {0}));
    Operand<TInt32> pairKey = pairs.y();                                  // [P]
    Operand<TBool> realPair = s.math.greaterEqual(pairKey, s.constant(0)); // [P] false for the −1 key
    Operand<TInt32> pairDoc = s.math.maximum(s.math.floorDiv(pairKey, vocab), s.constant(0)); // [P]
    Operand<TInt32> pairTerm = s.math.floorMod(pairKey, vocab);           // [P]
    Operand<TFloat64> f = s.math.unsortedSegmentSum(                      // [P] f(t, j)
        s.dtypes.cast(s.reshape(dTerm, flatShape), TFloat64.class), pairs.idx(), s.size(pairKey));

    // unsortedSegmentSum drops negative segment ids: the −1 pair contributes nowhere.
    Operand<TInt32> pairTermOrDrop = s.select(realPair, pairTerm, s.fill(s.shape(pairTerm), minusOne));
    Operand<TFloat64> docFreq = s.math.unsortedSegmentSum(                // [U] n_t
        s.onesLike(f), pairTermOrDrop, vocab);
    Operand<TFloat64> n = s.dtypes.cast(nDocs, TFloat64.class);
    Operand<TFloat64> half = s.constant(0.5);
    Operand<TFloat64> idf = s.math.log(s.math.div(                       // [U]
        s.math.add(s.math.sub(n, docFreq), half), s.math.add(docFreq, half)));

    Operand<TFloat64> dl = s.reduceSum(s.dtypes.cast(dTerm, TFloat64.class), s.constant(1)); // [B]
    Operand<TFloat64> kj = s.math.mul(s.constant(k1), s.math.add(        // [B]
        s.constant(1 - b), s.math.mul(s.constant(b / averageDocumentLength), dl)));
    Operand<TFloat64> saturated = s.math.divNoNan(                        // [P] (k1+1)f/(K_j+f)
        s.math.mul(f, s.constant(k1 + 1)),
        s.math.add(s.gather(kj, pairDoc, s.constant(0)), f));
    Operand<TFloat64> pairWeight = s.math.mul(saturated,                 // [P] IDF·saturated
        s.gather(idf, pairTerm, s.constant(0)));

    // W [U, B] by term then document (zeros where t is not in j), so a query token's row is a gather.
    Operand<TInt32> cell = s.select(realPair,                             // [P] u·B + j, or drop
        s.math.add(s.math.mul(pairTerm, nDocs), pairDoc), s.fill(s.shape(pairTerm), minusOne));
    Operand<TFloat64> w = s.reshape(                                      // [U, B]
        s.math.unsortedSegmentSum(pairWeight, cell, s.math.mul(vocab, nDocs)),
        s.stack(java.util.List.of(vocab, nDocs)));
    // Query side, also as distinct (query i, term u) pairs with their counts (qf = 1 per occurrence):
    // sim[i][j] = Σ_pairs count(i,u) · W[u][j], a gather of Pq ≤ Bq·Lq rows and a segment sum.
    Operand<TInt32> nQueries = rows(s, qIds);                             // scalar Bq
    Operand<TInt32> qRowBase = s.expandDims(                              // [Bq, 1]
        s.math.mul(s.range(s.constant(0), nQueries, s.constant(1)), vocab), s.constant(1));
    Operand<TInt32> qKey = s.select(qTerm, s.math.add(qU, qRowBase),     // [Bq, Lq]
        s.fill(s.shape(qU), minusOne));
    Unique<TInt32, TInt32> qPairs = s.unique(s.reshape(qKey, flatShape), s.constant(new int[] {0}));
    Operand<TInt32> qPairKey = qPairs.y();                                // [Pq]
    Operand<TFloat64> qCount = s.math.unsortedSegmentSum(                 // [Pq]
        s.onesLike(s.dtypes.cast(qPairs.idx(), TFloat64.class)), qPairs.idx(), s.size(qPairKey));
    Operand<TInt32> qRow = s.select(s.math.greaterEqual(qPairKey, s.constant(0)), // [Pq], −1 dropped
        s.math.floorDiv(qPairKey, vocab), s.fill(s.shape(qPairKey), minusOne));
    Operand<TFloat64> rowsOfW = s.gather(w, s.math.floorMod(qPairKey, vocab), s.constant(0)); // [Pq, B]
    Operand<TFloat64> sim = s.math.unsortedSegmentSum(                    // [Bq, B]
        s.math.mul(rowsOfW, s.expandDims(qCount, s.constant(1))), qRow, nQueries);
    return tf.withName("bm25_sim").stopGradient(s.dtypes.cast(sim, TFloat32.class));
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
  private static Operand<TInt32> rows(Ops s, Operand<TInt32> x) {
    return s.gather(s.shape(x), s.constant(0), s.constant(0));
  }
}
