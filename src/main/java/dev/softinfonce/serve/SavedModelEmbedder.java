package dev.softinfonce.serve;

import dev.softinfonce.model.TextEmbedder;
import java.nio.file.Path;
import java.util.List;
import java.util.function.IntConsumer;

/** An exported SavedModel as a {@link TextEmbedder}, so evaluation runs on exactly what is deployed. */
public final class SavedModelEmbedder implements TextEmbedder {
  private final ServingModel model;
  private final int batchSize;

  public SavedModelEmbedder(Path dir, int batchSize) {
    this.model = ServingModel.open(dir);
    this.batchSize = batchSize;
  }

  @Override
  public float[][] encodeQueries(List<String> texts, IntConsumer progress) {
    float[][] out = new float[texts.size()][];
    for (int from = 0; from < texts.size(); from += batchSize) {
      List<String> chunk = texts.subList(from, Math.min(texts.size(), from + batchSize));
      float[][] e = model.encodeQueries(chunk).vectors();
      System.arraycopy(e, 0, out, from, e.length);
      if (progress != null) {
        progress.accept(chunk.size());
      }
    }
    return out;
  }

  @Override
  public float[][] encodeCodes(List<String> texts, IntConsumer progress) {
    return model.encodeAllCodes(texts, batchSize, progress == null ? n -> { } : progress);
  }

  @Override
  public void close() {
    model.close();
  }
}
