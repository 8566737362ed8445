package dev.softinfonce.text;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;

/**
 * Trains a code-aware WordPiece vocabulary from raw texts (DJL can only run tokenizers, not train
 * them) and produces a {@link WordPieceVocabulary} that writes a {@code tokenizer.json}.
 *
 * <p>Texts are split into words by {@link CodePreTokenizer} (camelCase, snake_case, punctuation;
 * lower-cased by default), exactly as the written tokenizer.json splits them at inference. Word
 * frequencies are then merged as Hugging Face's {@code WordPieceTrainer} does (it is a BPE trainer with a {@code ##}
 * continuation prefix): start from the characters ({@code c} word-initially, {@code ##c}
 * elsewhere), repeatedly merge the most frequent adjacent pair into a new entry, stop at the
 * target size or when no pair occurs {@code minFrequency} times.
 *
 * <p>Deterministic: ties in pair frequency are broken lexicographically (first symbol, then second),
 * the alphabet is sorted, and no hash order reaches the output, so equal inputs give byte-identical
 * tokenizer.json files.
 *
 * <p>Characters rarer than {@code minFrequency} are left out of the alphabet (a word containing one
 * becomes {@code [UNK]}), so one-off symbols do not take vocabulary slots; the unknown-token rate
 * on the training texts is reported in {@link Result}.
 *
 * <pre>{@code
 * TokenizerTrainer trainer = TokenizerTrainer.builder().vocabSize(8000).minFrequency(2).build();
 * trainer.add("Returns the user name");  // or CorpusTokenizer.addExamples(trainer, examples)
 * trainer.add("getUserName ( )");
 * TokenizerTrainer.Result r = trainer.train();
 * r.vocabulary().write(Path.of("tokenizer.json"));
 * }</pre>
 */
public final class TokenizerTrainer {

  /** Default target vocabulary size (special tokens included). */
  public static final int VOCAB_SIZE_DEFAULT = 8000;
  /** Lower-case by default, so a query's "user" and code's {@code getUser} share a token. */
  public static final boolean LOWERCASE_DEFAULT = true;
  /** Default minimum count of a merged pair and of an alphabet character. */
  public static final int MIN_FREQUENCY_DEFAULT = 2;

  private final int vocabSize;
  private final int minFrequency;
  private final CodePreTokenizer preTokenizer;
  private final WordPieceVocabulary splitter; // only its words(): special tokens + pre-tokenizer
  private final Map<String, long[]> wordCounts = new HashMap<>();
  private long texts;
  private long wordsSeen;

  private TokenizerTrainer(Builder b) {
    this.vocabSize = b.vocabSize;
    this.minFrequency = b.minFrequency;
    this.preTokenizer = CodePreTokenizer.of(b.lowercase);
    this.splitter = new WordPieceVocabulary(WordPieceVocabulary.SPECIAL_TOKENS, preTokenizer);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Counts the words of one text. */
  public void add(String text) {
    texts++;
    for (String w : splitter.words(text)) {
      wordCounts.computeIfAbsent(w, k -> new long[1])[0]++;
      wordsSeen++;
    }
  }

  /** Texts counted so far. */
  public long texts() {
    return texts;
  }

  /** What training produced, with statistics on the training texts. */
  public record Result(
      WordPieceVocabulary vocabulary,
      long texts,
      long words,
      long distinctWords,
      long tokens,
      long unknownTokens) {

    /** Fraction of WordPiece tokens (special tokens excluded) that are {@code [UNK]}. */
    public double unknownRate() {
      return tokens == 0 ? 0 : (double) unknownTokens / tokens;
    }
  }

  /** Trains on everything added so far. */
  public Result train() {
    if (wordsSeen == 0) {
      throw new TokenizerException("no training text: every input was empty");
    }
    List<String> words = new ArrayList<>(wordCounts.keySet());
    words.sort(Comparator.naturalOrder());
    WordPieceVocabulary vocab = new Merger(words).run();

    long tokens = 0;
    long unknown = 0;
    for (String w : words) {
      long c = wordCounts.get(w)[0];
      List<String> pieces = vocab.wordPieces(w);
      tokens += c * pieces.size();
      for (String p : pieces) {
        if (p.equals(WordPieceVocabulary.UNK)) {
          unknown += c;
        }
      }
    }
    return new Result(vocab, texts, wordsSeen, words.size(), tokens, unknown);
  }

  /** The BPE-style merge loop over distinct words, with incremental pair counts. */
  private final class Merger {
    private final List<String> units = new ArrayList<>(); // unit id -> string
    private final Map<String, Integer> unitIds = new HashMap<>();
    private final List<int[]> symbols = new ArrayList<>(); // per trained word: unit ids
    private final List<Long> counts = new ArrayList<>();
    private final Map<Long, Long> pairCounts = new HashMap<>();
    private final Map<Long, Set<Integer>> pairWords = new HashMap<>();
    private final PriorityQueue<long[]> heap; // {count, a, b}

    Merger(List<String> sortedWords) {
      heap = new PriorityQueue<>((x, y) -> {
        int c = Long.compare(y[0], x[0]); // higher count first
        if (c != 0) {
          return c;
        }
        c = units.get((int) x[1]).compareTo(units.get((int) y[1]));
        return c != 0 ? c : units.get((int) x[2]).compareTo(units.get((int) y[2]));
      });
      List<String> trainable = new ArrayList<>();
      Map<String, Long> alphabetCounts = new HashMap<>();
      for (String w : sortedWords) {
        if (w.codePointCount(0, w.length()) > WordPieceVocabulary.MAX_INPUT_CHARS_PER_WORD) {
          continue; // [UNK] at inference whatever the vocabulary
        }
        trainable.add(w);
        long c = wordCounts.get(w)[0];
        for (String u : characterUnits(w)) {
          alphabetCounts.merge(u, c, Long::sum);
        }
      }
      List<String> alphabet = new ArrayList<>();
      for (Map.Entry<String, Long> e : alphabetCounts.entrySet()) {
        if (e.getValue() >= minFrequency) {
          alphabet.add(e.getKey());
        }
      }
      int room = vocabSize - WordPieceVocabulary.SPECIAL_TOKENS.size();
      if (alphabet.size() > room) { // keep the most frequent characters
        alphabet.sort(Comparator.comparing((String u) -> -alphabetCounts.get(u))
            .thenComparing(Comparator.naturalOrder()));
        alphabet = new ArrayList<>(alphabet.subList(0, Math.max(room, 0)));
      }
      alphabet.sort(Comparator.naturalOrder());
      for (String s : WordPieceVocabulary.SPECIAL_TOKENS) {
        addUnit(s);
      }
      for (String u : alphabet) {
        addUnit(u);
      }
      for (String w : trainable) {
        List<String> us = characterUnits(w);
        int[] ids = new int[us.size()];
        boolean known = true;
        for (int i = 0; i < ids.length; i++) {
          Integer id = unitIds.get(us.get(i));
          if (id == null) {
            known = false; // the word can never be matched; it would only distort pair counts
            break;
          }
          ids[i] = id;
        }
        if (known) {
          symbols.add(ids);
          counts.add(wordCounts.get(w)[0]);
        }
      }
      for (int w = 0; w < symbols.size(); w++) {
        addPairs(w, symbols.get(w), counts.get(w), null);
      }
      for (Map.Entry<Long, Long> e : pairCounts.entrySet()) {
        push(e.getKey(), e.getValue());
      }
    }

    WordPieceVocabulary run() {
      while (units.size() < vocabSize && !heap.isEmpty()) {
        long[] top = heap.poll();
        long key = key((int) top[1], (int) top[2]);
        long current = pairCounts.getOrDefault(key, 0L);
        if (current != top[0]) {
          continue; // stale entry; the up-to-date count was pushed when it changed
        }
        if (current < minFrequency) {
          break;
        }
        merge((int) top[1], (int) top[2]);
      }
      return new WordPieceVocabulary(units, preTokenizer);
    }

    private void merge(int a, int b) {
      String merged = units.get(a) + units.get(b).substring(WordPieceVocabulary.CONTINUATION_PREFIX.length());
      Integer existing = unitIds.get(merged);
      int c = existing != null ? existing : addUnit(merged);
      long key = key(a, b);
      Set<Integer> where = pairWords.remove(key);
      if (where == null) {
        where = Set.of();
      }
      Map<Long, Long> delta = new HashMap<>();
      for (int w : where) {
        int[] syms = symbols.get(w);
        long count = counts.get(w);
        int[] merged2 = replace(syms, a, b, c);
        if (merged2 == null) {
          continue;
        }
        addPairs(w, syms, -count, delta);
        addPairs(w, merged2, count, delta);
        symbols.set(w, merged2);
      }
      for (Map.Entry<Long, Long> e : delta.entrySet()) {
        if (e.getValue() == 0) {
          continue;
        }
        long n = pairCounts.getOrDefault(e.getKey(), 0L) + e.getValue();
        if (n <= 0) {
          pairCounts.remove(e.getKey());
        } else {
          pairCounts.put(e.getKey(), n);
          push(e.getKey(), n);
        }
      }
      pairCounts.remove(key);
    }

    /** Left-to-right non-overlapping replacement of (a, b) by c; null if the pair is absent. */
    private int[] replace(int[] syms, int a, int b, int c) {
      int[] out = new int[syms.length];
      int n = 0;
      boolean changed = false;
      for (int i = 0; i < syms.length; i++) {
        if (i + 1 < syms.length && syms[i] == a && syms[i + 1] == b) {
          out[n++] = c;
          i++;
          changed = true;
        } else {
          out[n++] = syms[i];
        }
      }
      return changed ? Arrays.copyOf(out, n) : null;
    }

    /** Adds count x each adjacent pair of word w to pairCounts (delta == null) or to delta. */
    private void addPairs(int w, int[] syms, long count, Map<Long, Long> delta) {
      for (int i = 0; i + 1 < syms.length; i++) {
        long k = key(syms[i], syms[i + 1]);
        (delta == null ? pairCounts : delta).merge(k, count, Long::sum);
        if (count > 0) {
          pairWords.computeIfAbsent(k, x -> new HashSet<>()).add(w);
        }
      }
    }

    private void push(long key, long count) {
      heap.add(new long[] {count, key >>> 32, key & 0xffffffffL});
    }

    private int addUnit(String s) {
      int id = units.size();
      units.add(s);
      unitIds.put(s, id);
      return id;
    }
  }

  private static long key(int a, int b) {
    return ((long) a << 32) | (b & 0xffffffffL);
  }

  /** {@code getX} -> [g, ##e, ##t, ##X] (by code point). */
  static List<String> characterUnits(String word) {
    List<String> out = new ArrayList<>();
    int i = 0;
    while (i < word.length()) {
      int next = word.offsetByCodePoints(i, 1);
      String ch = word.substring(i, next);
      out.add(i == 0 ? ch : WordPieceVocabulary.CONTINUATION_PREFIX + ch);
      i = next;
    }
    return out;
  }

  /** Options of a {@link TokenizerTrainer}. */
  public static final class Builder {
    private int vocabSize = VOCAB_SIZE_DEFAULT;
    private int minFrequency = MIN_FREQUENCY_DEFAULT;
    private boolean lowercase = LOWERCASE_DEFAULT;

    /** Target vocabulary size, the 5 special tokens included (at least 6). */
    public Builder vocabSize(int n) {
      if (n <= WordPieceVocabulary.SPECIAL_TOKENS.size()) {
        throw new IllegalArgumentException("vocabSize must exceed "
            + WordPieceVocabulary.SPECIAL_TOKENS.size() + " (the special tokens), got " + n);
      }
      this.vocabSize = n;
      return this;
    }

    /** Minimum count for a pair to be merged and for a character to enter the alphabet (>= 1). */
    public Builder minFrequency(int n) {
      if (n < 1) {
        throw new IllegalArgumentException("minFrequency must be >= 1, got " + n);
      }
      this.minFrequency = n;
      return this;
    }

    /**
     * Lower-case after splitting camelCase boundaries (default true), or keep case; see
     * {@link CodePreTokenizer}.
     */
    public Builder lowercase(boolean on) {
      this.lowercase = on;
      return this;
    }

    public TokenizerTrainer build() {
      return new TokenizerTrainer(this);
    }
  }
}
