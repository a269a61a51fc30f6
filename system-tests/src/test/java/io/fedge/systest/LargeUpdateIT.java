package io.fedge.systest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fedge.systest.support.AgentProcess;
import io.fedge.systest.support.HubProcess;
import io.fedge.systest.support.OpsClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A model of about 20 MB (an MLP 30-4096-600-1 with 2.59 million parameters): the global model goes down and each
 * sealed update goes up in ~115 chunks of MQTT messages; the hub is restarted while the uploads are
 * in flight (every agent is disconnected and reconnects), and the uploads complete intact from the
 * chunks the hub had stored and those the agents' outboxes still held.
 */
class LargeUpdateIT {
  @TempDir Path dir;
  private HubProcess hub;
  private final List<AgentProcess> agents = new ArrayList<>();

  @AfterEach
  void stopAll() {
    agents.forEach(AgentProcess::stop);
    if (hub != null) {
      hub.stop();
    }
  }

  @Test
  void aTwentyMegabyteUpdateArrivesIntactAcrossAForcedReconnect() throws Exception {
    hub = HubProcess.start("large-hub", dir.resolve("hub"), Map.of());
    OpsClient ops = hub.ops();
    List<Path> parties = List.of(FederatedRoundsIT.FATE.resolve("breast_homo_guest.csv"),
        FederatedRoundsIT.FATE.resolve("breast_homo_host.csv"));
    List<String> ids = FederatedRoundsIT.startAgents(dir, "large-agent-", ops, parties, agents);
    ObjectNode j = FederatedRoundsIT.job("large", ids, false, 1, 240, 2);
    j.set("model", FederatedRoundsIT.JSON.valueToTree(Map.of("type", "mlp", "hidden", List.of(4096, 600), "seed", 3)));
    j.set("hyper", FederatedRoundsIT.JSON.valueToTree(Map.of("learningRate", 0.01, "localEpochs", 1, "batchSize", 64)));
    j.set("pipeline", FederatedRoundsIT.JSON.valueToTree(List.of("train", "publish")));
    assertThat(ops.post("/api/v1/jobs", j).status()).isEqualTo(201);

    Path db = dir.resolve("hub").resolve("hub.db");
    await("upload chunks stored at the hub").atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(100))
        .until(() -> storedChunks(db) > 0);
    int before = storedChunks(db);
    hub = hub.restart(); // every agent is disconnected in the middle of its upload
    OpsClient after = hub.ops();
    await("job over").atMost(Duration.ofMinutes(4)).pollInterval(Duration.ofSeconds(1)).until(() -> {
      String s = after.get("/api/v1/jobs/large").body().path("state").asText();
      return !s.equals("CONSENT") && !s.equals("RUNNING");
    });
    JsonNode job = after.get("/api/v1/jobs/large").body();
    assertThat(job.path("state").asText()).as(job.toString()).isEqualTo("DONE");
    JsonNode round = after.get("/api/v1/jobs/large/rounds").body().get("rounds").get(0);
    assertThat(round.path("attempt").asInt()).as("the attempt resumed after the restart").isEqualTo(1);
    assertThat(round.path("digest").path("commitments")).hasSize(2);
    assertThat(round.path("digest").path("participants")).hasSize(2);
    assertThat(before).isPositive();
    long parameters = 30L * 4096 + 4096 + 4096L * 600 + 600 + 600 + 1;
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT length(payload) FROM fl_updates WHERE job_id = 'large'")) {
      int n = 0;
      while (rs.next()) {
        assertThat(rs.getLong(1)).as("stored upload size").isGreaterThan(8 * parameters);
        n++;
      }
      assertThat(n).isEqualTo(2);
    }
    JsonNode model = after.get("/api/v1/models/large-v1").body();
    assertThat(model.path("sha256").asText()).isEqualTo(round.path("aggregateSha256").asText());
  }

  private static int storedChunks(Path db) {
    if (!Files.exists(db)) {
      return 0;
    }
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db); Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM fl_chunks WHERE transfer_id LIKE 'u.%'")) {
      return rs.next() ? rs.getInt(1) : 0;
    } catch (Exception e) {
      return 0;
    }
  }
}
