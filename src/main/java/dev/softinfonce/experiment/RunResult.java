package dev.softinfonce.experiment;

import dev.softinfonce.files.AtomicFiles;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.softinfonce.eval.RetrievalResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/**
 * The saved outcome of one finished run of an experiment (a row at a seed, a prerequisite, or the BM25
 * baseline), one JSON file each: its presence is what lets an interrupted experiment skip the run.
 *
 * @param row row name (or prerequisite name, or {@code bm25})
 * @param seed the run's {@code train.seed} (0 for the seed-independent baseline)
 * @param checkpoint best checkpoint on valid (null for the baseline)
 * @param test metrics on the test split (null for a prerequisite, which is not evaluated on test)
 * @param validMrr best validation MRR, or null
 * @param steps training steps
 * @param trainSeconds training wall time
 * @param evalSeconds test evaluation wall time
 * @param config the run's resolved config as YAML; a saved result only counts for the same config
 */
public record RunResult(String row, long seed, String checkpoint, RetrievalResult.Metrics test, Double validMrr,
    long steps, double trainSeconds, double evalSeconds, String config) {

  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
      .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  /** Writes atomically (temp file, then rename), so a kill never leaves a half result that counts. */
  public void write(Path file) {
    AtomicFiles.write(file, tmp -> JSON.writeValue(tmp.toFile(), this));
  }

  public static RunResult read(Path file) {
    try {
      return JSON.readValue(file.toFile(), RunResult.class);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read run result " + file + " (delete it to redo the run)", e);
    }
  }
}
