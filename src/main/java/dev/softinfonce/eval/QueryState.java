package dev.softinfonce.eval;

import java.util.List;

/**
 * The per-query state of retrieval evaluation: everything kept per query while the pool streams by.
 * With the gold's score known (two-pass) that is O(k): the codes scoring strictly higher, equal before
 * and after the gold, and a running top-k for display; in one-pass mode, until the gold is met, also a
 * min-heap of the best {@code cutoff} scores. {@link ScoringKernel} feeds it scores through
 * {@link #offer}; {@link RetrievalEvaluator} turns the final state into a rank.
 */
final class QueryState {
  final float[] query;
  float goldScore;
  long goldPos;
  boolean goldKnown;
  long higher;
  long tiesBefore;
  long tiesAfter;
  final float[] topScore;
  final String[] topId;
  int topSize;
  float[] pre;        // one-pass: min-heap of scores seen before the gold
  int preSize;
  boolean beyond;     // one-pass: more than `cutoff` codes scored strictly above the gold
  boolean tiesUnsure; // one-pass: codes dropped from the full heap may tie with the gold

  QueryState(float[] query, int k) {
    this.query = query;
    this.topScore = new float[k];
    this.topId = new String[k];
  }

  static QueryState known(float[] query, float goldScore, long goldPos, int k) {
    QueryState q = new QueryState(query, k);
    q.goldScore = goldScore;
    q.goldPos = goldPos;
    q.goldKnown = true;
    return q;
  }

  static QueryState unknown(float[] query, int k, int cutoff) {
    QueryState q = new QueryState(query, k);
    q.pre = new float[cutoff];
    return q;
  }

  void offer(float s, long p, List<String> ids, int j) {
    if (!goldKnown) {
      push(s);
    } else if (p != goldPos) {
      if (s > goldScore) {
        higher++;
      } else if (s == goldScore) {
        if (p < goldPos) {
          tiesBefore++;
        } else {
          tiesAfter++;
        }
      }
    }
    int k = topScore.length;
    if (topSize < k || s > topScore[topSize - 1]) {
      int at = Math.min(topSize, k - 1); // shift smaller scores down; equal scores keep pool order
      while (at > 0 && topScore[at - 1] < s) {
        topScore[at] = topScore[at - 1];
        topId[at] = topId[at - 1];
        at--;
      }
      topScore[at] = s;
      topId[at] = ids.get(j);
      topSize = Math.min(topSize + 1, k);
    }
  }

  /** One-pass: the gold arrives at pool position {@code p} with score {@code g}; settle the heap. */
  void resolve(float g, long p) {
    goldScore = g;
    goldPos = p;
    goldKnown = true;
    for (int i = 0; i < preSize; i++) {
      if (pre[i] > g) {
        higher++;
      } else if (pre[i] == g) {
        tiesBefore++;
      }
    }
    if (preSize == pre.length && preSize > 0) { // full: dropped scores were <= the heap minimum
      beyond = pre[0] > g;
      tiesUnsure = pre[0] == g;
    }
    pre = null;
  }

  private void push(float s) {
    float[] h = pre;
    if (h.length == 0) {
      return;
    }
    if (preSize < h.length) { // sift up
      int i = preSize++;
      while (i > 0 && h[(i - 1) / 2] > s) {
        h[i] = h[(i - 1) / 2];
        i = (i - 1) / 2;
      }
      h[i] = s;
    } else if (s > h[0]) {    // replace the minimum, sift down
      int i = 0;
      int n = preSize;
      while (true) {
        int c = 2 * i + 1;
        if (c >= n) {
          break;
        }
        if (c + 1 < n && h[c + 1] < h[c]) {
          c++;
        }
        if (h[c] >= s) {
          break;
        }
        h[i] = h[c];
        i = c;
      }
      h[i] = s;
    }
  }
}
