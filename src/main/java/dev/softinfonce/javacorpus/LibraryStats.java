package dev.softinfonce.javacorpus;

import java.util.EnumMap;
import java.util.Map;

/**
 * Counts for one library of a built corpus: every method found is either a query or counted under
 * exactly one {@link CorpusFilter}, so {@code methods == queries + sum(dropped)}.
 *
 * @param id library id
 * @param split the split the whole library went to
 * @param source url prefix ({@code maven:G:A:V} or {@code sources:NAME})
 * @param sha1 SHA-1 of the jar/zip read, null for a folder
 * @param files {@code .java} files read
 * @param unparsedFiles files JavaParser could not parse (their methods are not counted)
 * @param methods methods and constructors declared in named types
 * @param queries records written to the split's queries file
 * @param codebase records of this library in the split's codebase (0 for train)
 * @param dropped drops per filter, every filter present
 */
public record LibraryStats(String id, CorpusSplit split, String source, String sha1, int files,
    int unparsedFiles, long methods, long queries, long codebase, Map<CorpusFilter, Long> dropped) {

  public LibraryStats {
    EnumMap<CorpusFilter, Long> all = new EnumMap<>(CorpusFilter.class);
    for (CorpusFilter f : CorpusFilter.values()) {
      all.put(f, dropped.getOrDefault(f, 0L));
    }
    dropped = java.util.Collections.unmodifiableMap(all);
  }
}
