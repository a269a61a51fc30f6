package io.fedge.systest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.fedge.provisioning.DeviceCredentials;
import io.fedge.provisioning.EnrollmentClient;
import io.fedge.provisioning.EnrollmentException;
import io.fedge.systest.support.AgentProcess;
import io.fedge.systest.support.HubProcess;
import io.fedge.systest.support.OpsClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RevocationIT {
  @TempDir Path dir;
  private HubProcess hub;
  private AgentProcess agent;

  @AfterEach
  void stopAll() {
    if (agent != null) {
      agent.stop();
    }
    if (hub != null) {
      hub.stop();
    }
  }

  @Test
  void revokedDeviceIsDisconnectedWithinFiveSecondsAndCanNeitherReconnectNorRenew() throws Exception {
    hub = HubProcess.start("revoke-hub", dir.resolve("hub"), Map.of());
    OpsClient ops = hub.ops();
    agent = AgentProcess.start("revoke-agent", dir.resolve("agent"), ops.mintClaimBundle("dealers-east", 3600), Map.of());
    await().atMost(Duration.ofSeconds(60)).until(() -> "CONNECTED".equals(agent.connection()));
    String id = agent.deviceId();
    await().atMost(Duration.ofSeconds(30)).until(() -> ops.device(id).path("online").asBoolean());

    long t0 = System.nanoTime();
    OpsClient.Response r = ops.post("/api/v1/devices/" + id + "/revoke", Map.of("reason", "appliance stolen"));
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    await("agent disconnected")
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(100))
        .until(() -> !"CONNECTED".equals(agent.connection()) && !ops.device(id).path("online").asBoolean());
    long millis = (System.nanoTime() - t0) / 1_000_000;
    System.out.println("revocation to disconnect: " + millis + " ms");

    // It keeps trying with backoff, and the broker keeps refusing it.
    long until = System.currentTimeMillis() + 8_000;
    while (System.currentTimeMillis() < until) {
      assertThat(agent.connection()).isNotEqualTo("CONNECTED");
      assertThat(ops.device(id).path("online").asBoolean()).isFalse();
      Thread.sleep(250);
    }
    assertThat(ops.device(id).path("status").asText()).isEqualTo("revoked");
    assertThat(ops.post("/api/v1/devices/" + id + "/revoke", Map.of("reason", "again")).status()).isEqualTo(409);

    DeviceCredentials creds = DeviceCredentials.load(agent.dataDir().resolve("identity")).orElseThrow();
    assertThatThrownBy(() -> new EnrollmentClient(null).renew(creds, EnrollmentClient.newDeviceKey()))
        .isInstanceOfSatisfying(
            EnrollmentException.class,
            e -> {
              assertThat(e.code()).isEqualTo("device_revoked");
              assertThat(e.httpStatus()).isEqualTo(403);
            });
    assertThat(ops.get("/api/v1/audit?subject=" + id).body().path("events").findValuesAsText("action"))
        .contains("revoke");
  }
}
