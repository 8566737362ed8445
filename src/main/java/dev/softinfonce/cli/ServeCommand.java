package dev.softinfonce.cli;

import dev.softinfonce.serve.CodeSearcher;
import dev.softinfonce.serve.SearchException;
import dev.softinfonce.serve.SearchServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code softinfonce serve --index INDEX --port P}: HTTP search on 127.0.0.1 until interrupted. */
@Command(name = "serve", mixinStandardHelpOptions = true,
    description = "Answer GET /search?q=...&k=... with JSON on 127.0.0.1 (loopback only) from an index and its model; "
        + "GET /health reports the index size. Stops on Ctrl-C.")
final class ServeCommand implements Runnable {
  @Option(names = "--index", required = true, paramLabel = "FILE", description = "index written by `softinfonce index`")
  Path index;

  @Option(names = "--port", defaultValue = "8080", paramLabel = "P", description = "TCP port on 127.0.0.1 (default 8080)")
  int port;

  @Option(names = "--threads", defaultValue = "8", paramLabel = "N", description = "request worker threads (default 8)")
  int threads;

  @Option(names = "--model", paramLabel = "DIR", description = "SavedModel to encode queries (default: the index's)")
  Path model;

  @Override
  public void run() {
    try (CodeSearcher searcher = CodeSearcher.open(index, model);
        SearchServer server = new SearchServer(searcher, port, threads)) {
      System.out.printf("serving %d entries on http://127.0.0.1:%d/search?q=...&k=10 (Ctrl-C stops)%n",
          searcher.index().size(), server.port());
      CountDownLatch stop = new CountDownLatch(1);
      Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown));
      stop.await();
    } catch (SearchException e) {
      throw new UserException(e.getMessage(), e);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot listen on 127.0.0.1:" + port + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
