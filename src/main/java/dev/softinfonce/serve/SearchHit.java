package dev.softinfonce.serve;

/**
 * One ranked result.
 *
 * @param rank 1-based
 * @param score the model's similarity {@code q·c * score_scale} (cosine/τ when the model normalises)
 * @param url the codebase entry's url or id
 * @param preview the first lines of its code
 */
public record SearchHit(int rank, double score, String url, String preview) {}
