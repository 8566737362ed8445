package dev.softinfonce.cli;

import dev.softinfonce.serve.CodeIndex;
import dev.softinfonce.serve.CodeSearcher;
import dev.softinfonce.serve.ModelServer;
import dev.softinfonce.serve.ModelVersions;
import dev.softinfonce.serve.SearchException;
import dev.softinfonce.serve.ServedIndex;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code softinfonce serve --model-base-path savedmodels/NAME [--model-name N] [--host H] [--port P]
 * [--index FILE]}: TF Serving's REST API, text endpoints and code search until interrupted.
 */
@Command(name = "serve", mixinStandardHelpOptions = true,
    description = {"Serve an exported model over HTTP: TF Serving's REST API (GET /v1/models/N[/metadata], "
        + "POST /v1/models/N:predict), POST /v1/models/N:encode {\"texts\": [...], \"kind\": \"query\"|\"code\"}, "
        + "POST /v1/models/N:search and GET /search?q=...&k=... (with --index), GET /health. Serves the highest "
        + "version under the base path and picks up newer ones. Binds 127.0.0.1 unless --host says otherwise. "
        + "Stops on Ctrl-C."})
final class ServeCommand implements Runnable {
  @Option(names = "--model-base-path", paramLabel = "DIR",
      description = "folder of numbered versions, e.g. savedmodels/quickstart (TF Serving's --model_base_path); "
          + "default: the base of the index's model")
  Path basePath;

  @Option(names = "--model-name", paramLabel = "N", description = "name in /v1/models/N (default: the base folder's name)")
  String modelName;

  @Option(names = "--host", defaultValue = "127.0.0.1", paramLabel = "H",
      description = "address to bind (default 127.0.0.1; 0.0.0.0 exposes the server to the network)")
  String host;

  @Option(names = "--port", defaultValue = "8501", paramLabel = "P", description = "TCP port (default 8501, 0 = any free)")
  int port;

  @Option(names = "--index", paramLabel = "FILE", description = "code index written by `softinfonce index` (enables search)")
  Path index;

  @Option(names = "--threads", defaultValue = "4", paramLabel = "N", description = "model runs at a time (default 4)")
  int threads;

  @Option(names = "--io-threads", defaultValue = "64", paramLabel = "N",
      description = "connections served at a time (default 64; a slow client holds one)")
  int ioThreads;

  @Option(names = "--max-body-bytes", defaultValue = "8388608", paramLabel = "B",
      description = "largest request body; larger ones get 413 (default 8 MiB)")
  int maxBodyBytes;

  @Option(names = "--max-batch", defaultValue = "256", paramLabel = "N",
      description = "most rows or texts per request (default 256)")
  int maxBatch;

  @Option(names = "--poll-seconds", defaultValue = "1", paramLabel = "S",
      description = "how often to look for a new version folder (default 1, 0 = never)")
  int pollSeconds;

  @Override
  public void run() {
    Path base = basePath;
    if (base == null) {
      if (index == null) {
        throw new UserException("give --model-base-path savedmodels/NAME (and optionally --index FILE)");
      }
      Path model;
      try {
        model = Path.of(CodeIndex.load(index).header().model());
      } catch (SearchException e) {
        throw new UserException(e.getMessage(), e);
      }
      base = Files.isRegularFile(model.resolve("saved_model.pb")) ? model.getParent() : model;
    }
    String name = modelName != null ? modelName : base.toAbsolutePath().normalize().getFileName().toString();
    ModelServer.Options opts = new ModelServer.Options(host, port, threads, ioThreads, maxBodyBytes, maxBatch);
    try (ModelVersions versions = new ModelVersions(base, pollSeconds);
        ServedIndex s = ServedIndex.open(index, versions, name);
        ModelServer server = new ModelServer(versions, name, s.searcher(), opts)) {
      System.out.printf("serving %s version %d on http://%s:%d/v1/models/%s%s (Ctrl-C stops)%n", name,
          versions.latest(), host, server.port(), name,
          s.searcher() == null ? "" : "; search over " + s.searcher().index().size() + " entries at :search and /search");
      CountDownLatch stop = new CountDownLatch(1);
      Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown));
      stop.await();
    } catch (SearchException e) {
      throw new UserException(e.getMessage(), e);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot listen on " + host + ":" + port + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
