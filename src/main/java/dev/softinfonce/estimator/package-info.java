/**
 * Relevance estimators for Soft-InfoNCE (paper §3): each builds {@code sim [B, B]} as graph ops behind
 * {@code stopGradient}; the objective turns it into negative weights.
 *
 * <h2>Wiring</h2>
 * A training run asks {@link dev.softinfonce.estimator.EstimatorGraph#build} for its estimator: it adds
 * the estimator's placeholders, the frozen encoder or embedding cache, the trained model's scorer and
 * the relevance op; {@link dev.softinfonce.estimator.EstimatorData#prepare} reads the frozen model's
 * ids or tables of the training set beforehand, and {@code EstimatorGraph.feed} / {@code restore}
 * feed them per step and load the frozen weights once the session opens. Below it, the lower-level API:
 * <pre>{@code
 * // 1. resources for the configured estimator (only what it needs; Estimators.create names what is missing)
 * EstimatorResources res = EstimatorResources.builder()
 *     .averageDocumentLength(avgdl)                 // bm25: DocumentLengths over the training docstrings/code
 *     .ignoredTokenIds(tokenizer.specialIds())      // bm25: + pad id
 *     .sentenceEncoder(simcseEncoder)               // simcse: frozen TextEncoder (its own tokenizer's ids)
 *     .queryEncoder(frozenQ).codeEncoder(frozenC)   // trained, online: frozen towers
 *     .embeddingCache(EmbeddingCache.create(tf, nTrain, dim)) // trained, cached
 *     .build();
 * RelevanceEstimator est = Estimators.create(cfg.estimator(), res);
 * // 2. the batch operands it declares in est.inputs()
 * Operand<TFloat32> sim = est.sim(tf, EstimatorInputs.builder()
 *     .query(qIds, qMask).code(cIds, cMask).exampleIndex(idx).liveScores(scores).build());
 * // 3. gradients only for variables with !RelevanceEstimator.isEstimatorVariable(name)
 * // 4. trained/cached: after opening the session, cache.load(session, EmbeddingTables.compute(...))
 * }</pre>
 *
 * <p>Frozen encoders must be built in inference mode and with variable names that start with
 * {@code estimator.} or live under {@code tf.withSubScope("estimator")}. {@link
 * dev.softinfonce.objective.SimCseLoss} trains the SimCSE encoder beforehand. {@link
 * dev.softinfonce.estimator.Bm25Benchmark} times the BM25 op.
 */
package dev.softinfonce.estimator;
