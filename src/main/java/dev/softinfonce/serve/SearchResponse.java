package dev.softinfonce.serve;

import java.util.List;

/**
 * The answer to one query.
 *
 * @param query the query text as received
 * @param queryTokens tokens fed to the model (after truncation, special tokens included)
 * @param truncated whether the query was longer than the model's {@code max_query_length} and was cut
 * @param hits the top-k, best first
 */
public record SearchResponse(String query, int queryTokens, boolean truncated, List<SearchHit> hits) {}
