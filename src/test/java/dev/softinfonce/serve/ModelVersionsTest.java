package dev.softinfonce.serve;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import dev.softinfonce.export.SavedModelExporter;
import dev.softinfonce.export.TinyCheckpoints;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A new version folder appearing under the base path is served, as TF Serving does; a broken one is not. */
class ModelVersionsTest {
  @TempDir Path root;

  @Test
  void picksUpANewVersionAndRetiresTheOld() throws Exception {
    Path v1 = TinyExport.export(root);
    Path base = v1.getParent();
    try (ModelVersions versions = new ModelVersions(base, 0);
        ModelServer server = new ModelServer(versions, "tiny", null, ModelServer.Options.defaults().withPort(0))) {
      String predict = "{\"inputs\": {\"input_ids\": [[2, 5, 6, 7, 3]], \"attention_mask\": [[1, 1, 1, 1, 1]]}}";
      JsonNode before = ModelServerTest.ok(ModelServerTest.post(server, "/v1/models/tiny:predict", predict));
      ModelVersions.Lease inFlight = versions.acquire("tiny", OptionalLong.empty()); // a request still running on v1

      Path ckpt = TinyCheckpoints.write(root.resolve("ckpt2"), TinyCheckpoints.Layout.TRAINER, TinyCheckpoints.config(), 99L);
      new SavedModelExporter().export(ckpt, base, 2);
      versions.poll();

      assertEquals(2, versions.latest());
      JsonNode status = ModelServerTest.ok(ModelServerTest.get(server, "/v1/models/tiny"));
      assertEquals("2", status.get("model_version_status").get(0).get("version").asText());
      assertEquals("AVAILABLE", status.get("model_version_status").get(0).get("state").asText());
      assertEquals("END", status.get("model_version_status").get(1).get("state").asText());
      assertEquals("2", ModelServerTest.ok(ModelServerTest.get(server, "/v1/models/tiny/metadata"))
          .get("model_spec").get("version").asText());
      JsonNode after = ModelServerTest.ok(ModelServerTest.post(server, "/v1/models/tiny:predict", predict));
      assertNotEquals(before.get("outputs").get(0).get(0).floatValue(), after.get("outputs").get(0).get(0).floatValue(),
          "answered by the new weights");
      ModelServerTest.assertError(404, ModelServerTest.post(server, "/v1/models/tiny/versions/1:predict", predict),
          "Servable not found for request: Specific(tiny, 1)");
      // the retired model stays usable by the request that held it
      assertEquals(1, inFlight.model().encodeQueries(List.of("read")).vectors().length);
      inFlight.close();

      // a version folder that cannot be loaded is reported and the server stays on version 2
      Path broken = Files.createDirectories(base.resolve("3"));
      Files.writeString(broken.resolve("saved_model.pb"), "not a graph");
      versions.poll();
      assertEquals(2, versions.latest());
      JsonNode s3 = ModelServerTest.ok(ModelServerTest.get(server, "/v1/models/tiny/versions/3"))
          .get("model_version_status").get(0);
      assertEquals("END", s3.get("state").asText());
      assertNotEquals("OK", s3.get("status").get("error_code").asText());
      assertEquals(200, ModelServerTest.post(server, "/v1/models/tiny:predict", predict).statusCode());
    }
  }
}
