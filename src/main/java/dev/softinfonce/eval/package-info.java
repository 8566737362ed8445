/**
 * Retrieval evaluation over a full code pool, as in the CodeSearchNet / CodeXGLUE literature:
 * {@link dev.softinfonce.eval.RetrievalEvaluator} ranks each query against every code (streamed in
 * {@link dev.softinfonce.eval.CodeChunk}s, bounded memory) and reports MRR with reciprocal rank 0 beyond
 * the cut-off, R@1/5/10 and NDCG@10 in a {@link dev.softinfonce.eval.RetrievalResult}, whose JSON form is
 * the {@code eval --out} file. Embeddings come from the caller (the encoder), so this package runs no
 * TF session.
 */
package dev.softinfonce.eval;
