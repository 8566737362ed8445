package dev.softinfonce.cli;

import dev.softinfonce.serve.CodeSearcher;
import dev.softinfonce.serve.SearchException;
import dev.softinfonce.serve.SearchHit;
import dev.softinfonce.serve.SearchResponse;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code softinfonce search --index INDEX [--top 10] [--model DIR] "query text"}. */
@Command(name = "search", mixinStandardHelpOptions = true,
    description = "Rank the indexed code for a natural-language query; prints rank, score, url and the first lines "
        + "of code. Queries longer than the model's max_query_length tokens are truncated (a note says so).")
final class SearchCommand implements Runnable {
  @Option(names = "--index", required = true, paramLabel = "FILE", description = "index written by `softinfonce index`")
  Path index;

  @Option(names = "--top", defaultValue = "10", paramLabel = "K", description = "results to print (default 10)")
  int top;

  @Option(names = "--model", paramLabel = "DIR", description = "encode queries with this SavedModel instead of the "
      + "one recorded in the index")
  Path model;

  @Parameters(arity = "1..*", paramLabel = "QUERY", description = "query words (joined by spaces)")
  List<String> words;

  @Override
  public void run() {
    String query = String.join(" ", words);
    try (CodeSearcher searcher = CodeSearcher.open(index, model)) {
      SearchResponse r = searcher.search(query, top);
      if (r.truncated()) {
        System.err.printf("note: query truncated to %d tokens (the model's max_query_length)%n", r.queryTokens());
      }
      for (SearchHit h : r.hits()) {
        System.out.printf("%3d  %10.4f  %s%n", h.rank(), h.score(), h.url());
        for (String line : h.preview().split("\n")) {
          System.out.println("                 " + line);
        }
      }
    } catch (SearchException e) {
      throw new UserException(e.getMessage(), e);
    }
  }
}
