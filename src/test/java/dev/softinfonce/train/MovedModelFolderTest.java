package dev.softinfonce.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.softinfonce.cli.CliTestSupport;
import dev.softinfonce.config.ExperimentConfig;
import dev.softinfonce.files.FileTrees;
import dev.softinfonce.files.FileTreesTestSupport;
import dev.softinfonce.serve.ModelServer;
import dev.softinfonce.serve.ModelVersions;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A checkpoint folder and an exported model copied to another parent folder, the originals deleted,
 * still evaluate, export and serve: what they record (config.yaml, serving.yaml) holds only paths
 * relative to themselves, and a checkpoint carries its tokenizer.
 */
class MovedModelFolderTest {
  @TempDir Path dir;

  private static String mrrLine(CliTestSupport.Run r) {
    assertEquals(0, r.exitCode(), r.err() + r.out());
    List<String> lines = r.out().strip().lines().toList();
    return lines.get(lines.size() - 1);
  }

  @Test
  void copiedCheckpointAndExportStillEvalAndServe() throws Exception {
    Path data = Files.createDirectories(dir.resolve("machine-a/data"));
    Path train = TrainerResumeTest.syntheticCorpus(data, 96);
    Path run = dir.resolve("machine-a/runs/tiny");
    Trainer.of(RunFolderTest.config(train, run, 4)).messages(s -> { }).run();
    Path ckpt = run.resolve("checkpoint-4");
    String saved = Files.readString(ckpt.resolve(Checkpoints.CONFIG));
    assertFalse(saved.contains(dir.toString()), "no absolute path in the saved config:\n" + saved);
    assertEquals(train.toString(),
        ExperimentConfig.load(ckpt.resolve(Checkpoints.CONFIG), List.of()).data().train(), "read back resolved");
    String before = mrrLine(CliTestSupport.run("eval", "--model", ckpt.toString(), "--queries", train.toString()));

    Path moved = dir.resolve("machine-b/elsewhere/ck");
    FileTreesTestSupport.copy(ckpt, moved);
    FileTrees.deleteTree(dir.resolve("machine-a/runs"));
    assertEquals(before, mrrLine(CliTestSupport.run("eval", "--model", moved.toString(), "--queries", train.toString())),
        "the copied checkpoint evaluates as the original did");
    CliTestSupport.Run exported = CliTestSupport.run("export", "--checkpoint", moved.toString(), "--out",
        dir.resolve("machine-b/models/tiny").toString());
    assertEquals(0, exported.exitCode(), exported.err());
    Path version = dir.resolve("machine-b/models/tiny/1");
    String serving = Files.readString(version.resolve("assets.extra/serving.yaml"));
    assertTrue(serving.contains("checkpoint: \"../../../elsewhere/ck\""), serving);
    assertFalse(serving.contains(dir.toString()) || Files.readString(version.resolve("assets.extra/config.yaml"))
        .contains(dir.toString()), "no absolute path in assets.extra");

    Path base = dir.resolve("machine-c/srv/tiny");
    FileTreesTestSupport.copy(dir.resolve("machine-b/models/tiny"), base);
    FileTrees.deleteTree(dir.resolve("machine-b"));
    assertEquals(before, mrrLine(CliTestSupport.run("eval", "--model", base.resolve("1").toString(), "--queries",
        train.toString())), "the copied export evaluates as the checkpoint did");
    try (ModelVersions versions = new ModelVersions(base, 0);
         ModelServer server = new ModelServer(versions, "tiny", null, ModelServer.Options.defaults().withPort(0))) {
      HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
          URI.create("http://127.0.0.1:" + server.port() + "/v1/models/tiny:encode")).timeout(Duration.ofSeconds(30))
          .POST(HttpRequest.BodyPublishers.ofString("{\"texts\": [\"read the file\"], \"kind\": \"query\"}")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertEquals(200, r.statusCode(), r.body());
      assertTrue(r.body().contains("embeddings"), r.body());
    }
  }
}
