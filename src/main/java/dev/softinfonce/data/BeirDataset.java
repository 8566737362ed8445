package dev.softinfonce.data;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A retrieval benchmark in the BEIR layout, which CoIR uses for code:
 *
 * <pre>
 * DIR/corpus.jsonl[.gz]    {"_id": ..., "title": ..., "text": ...} per line (title optional)
 * DIR/queries.jsonl[.gz]   {"_id": ..., "text": ...} per line
 * DIR/qrels/SPLIT.tsv      query-id TAB corpus-id TAB score, with a header line; score > 0 is relevant
 * </pre>
 *
 * <p>Documents are {@code title + " " + text} when a title is present (as BEIR's dense retrievers encode
 * them). Only queries with a judged relevant document in the split are kept, in the order of the queries
 * file; a qrel naming an unknown query or document is an error naming the file and line.
 *
 * @param name the folder, for messages
 * @param docIds corpus ids in file order
 * @param docs corpus texts, parallel to {@code docIds}
 * @param queryIds evaluated query ids
 * @param queries their texts
 * @param qrels per evaluated query: corpus id → graded relevance (> 0 only)
 */
public record BeirDataset(String name, List<String> docIds, List<String> docs, List<String> queryIds,
    List<String> queries, List<Map<String, Integer>> qrels) {

  /** Whether {@code dir} is a BEIR folder (a corpus and queries file, plain or gzip). */
  public static boolean isBeir(Path dir) {
    return Files.isDirectory(dir) && Files.exists(DataFiles.plainOrGzip(dir, "corpus.jsonl"))
        && Files.exists(DataFiles.plainOrGzip(dir, "queries.jsonl"));
  }

  /** Reads {@code dir} with the qrels of {@code split} ({@code qrels/<split>.tsv}). */
  public static BeirDataset load(Path dir, String split) {
    Path corpusFile = DataFiles.plainOrGzip(dir, "corpus.jsonl");
    Path queriesFile = DataFiles.plainOrGzip(dir, "queries.jsonl");
    Path qrelsFile = dir.resolve("qrels").resolve(split + ".tsv");
    if (!Files.isRegularFile(qrelsFile)) {
      throw new DataFormatException(qrelsFile, 0, null, "no qrels for split '" + split + "'");
    }
    List<String> docIds = new ArrayList<>();
    List<String> docs = new ArrayList<>();
    Map<String, Integer> docIndex = new HashMap<>();
    readJsonl(corpusFile, (f, line) -> {
      String id = f.string("_id");
      String text = f.string("text");
      String title = f.has("title") ? f.string("title") : "";
      if (docIndex.putIfAbsent(id, docIds.size()) != null) {
        throw new DataFormatException(corpusFile, line, "_id", "duplicate corpus id '" + id + "'");
      }
      docIds.add(id);
      docs.add(title.isBlank() ? text : (title + " " + text).strip());
    });
    Map<String, String> queryText = new LinkedHashMap<>();
    readJsonl(queriesFile, (f, line) -> {
      String id = f.string("_id");
      if (queryText.putIfAbsent(id, f.string("text")) != null) {
        throw new DataFormatException(queriesFile, line, "_id", "duplicate query id '" + id + "'");
      }
    });
    Map<String, Map<String, Integer>> judged = readQrels(qrelsFile, queryText.keySet(), docIndex.keySet());
    List<String> qIds = new ArrayList<>();
    List<String> qTexts = new ArrayList<>();
    List<Map<String, Integer>> rels = new ArrayList<>();
    for (var q : queryText.entrySet()) {
      Map<String, Integer> r = judged.get(q.getKey());
      if (r != null && !r.isEmpty()) {
        qIds.add(q.getKey());
        qTexts.add(q.getValue());
        rels.add(Collections.unmodifiableMap(r));
      }
    }
    if (qIds.isEmpty()) {
      throw new DataFormatException(qrelsFile, 0, null, "no query has a relevant document (score > 0)");
    }
    return new BeirDataset(dir.toString(), List.copyOf(docIds), List.copyOf(docs), List.copyOf(qIds),
        List.copyOf(qTexts), List.copyOf(rels));
  }

  /** Number of evaluated queries. */
  public int size() {
    return queryIds.size();
  }

  private interface RecordSink {
    void accept(JsonFields fields, long line);
  }

  private static void readJsonl(Path file, RecordSink sink) {
    try (Utf8Lines in = new Utf8Lines(file)) {
      String line;
      while ((line = in.next()) != null) {
        if (!line.isBlank()) {
          sink.accept(Json.lineObject(file, in.lineNumber(), line), in.lineNumber());
        }
      }
    } catch (IOException e) {
      throw dev.softinfonce.files.IoErrors.unchecked("cannot read", file, e);
    }
  }

  private static Map<String, Map<String, Integer>> readQrels(Path file, java.util.Set<String> queries,
      java.util.Set<String> docs) {
    Map<String, Map<String, Integer>> out = new HashMap<>();
    try (Utf8Lines in = new Utf8Lines(file)) {
      String line;
      while ((line = in.next()) != null) {
        long no = in.lineNumber();
        if (line.isBlank()) {
          continue;
        }
        String[] cols = line.split("\t", -1);
        if (no == 1 && !cols[cols.length - 1].trim().matches("-?\\d+")) {
          continue; // the header: query-id corpus-id score
        }
        if (cols.length != 3) {
          throw new DataFormatException(file, no, null, "expected query-id<TAB>corpus-id<TAB>score, got "
              + cols.length + " column(s)");
        }
        String q = cols[0].trim();
        String d = cols[1].trim();
        int score;
        try {
          score = Integer.parseInt(cols[2].trim());
        } catch (NumberFormatException e) {
          throw new DataFormatException(file, no, "score", "not an integer: '" + cols[2].trim() + "'");
        }
        if (!queries.contains(q)) {
          throw new DataFormatException(file, no, "query-id", "unknown query '" + q + "' (not in queries.jsonl)");
        }
        if (!docs.contains(d)) {
          throw new DataFormatException(file, no, "corpus-id", "unknown document '" + d + "' (not in corpus.jsonl)");
        }
        out.computeIfAbsent(q, k -> new LinkedHashMap<>()).put(d, score); // a later line wins, as in pytrec_eval
      }
    } catch (IOException e) {
      throw dev.softinfonce.files.IoErrors.unchecked("cannot read", file, e);
    }
    out.values().forEach(r -> r.values().removeIf(score -> score <= 0));
    return out;
  }
}
