package dev.softinfonce.experiment;

import dev.softinfonce.eval.RetrievalResult;
import java.nio.file.Path;

/**
 * One row of a comparison table: a trained model (or a baseline) and its test metrics.
 *
 * @param name row label, e.g. {@code soft_infonce (bm25)}
 * @param checkpoint the checkpoint evaluated on test (chosen on valid), or null for a baseline
 * @param test metrics on the test split
 * @param trainSeconds training wall time (0 for a baseline)
 * @param validMrr best validation MRR, or null
 */
public record RunOutcome(String name, Path checkpoint, RetrievalResult.Metrics test, double trainSeconds,
    Double validMrr) {}
