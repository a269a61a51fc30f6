package io.fedge.systest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.fedge.systest.support.AgentProcess;
import io.fedge.systest.support.HubProcess;
import io.fedge.systest.support.OpsClient;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Hub and agents as separate JVMs on loopback: the fleet forms by itself and survives a hub restart. */
class FleetIT {
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
  void agentsEnrollConnectAndHeartbeatThenReconnectByThemselvesAfterAHubRestart() {
    hub = HubProcess.start("fleet-hub", dir.resolve("hub"), Map.of("heartbeat.timeout", "PT10S"));
    OpsClient ops = hub.ops();
    for (int i = 1; i <= 2; i++) {
      JsonNode bundle = ops.mintClaimBundle("dealers-north", 3600);
      agents.add(AgentProcess.start("fleet-agent-" + i, dir.resolve("agent-" + i), bundle, Map.of()));
    }

    await("both agents enrolled and online at the hub")
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(300))
        .until(() -> onlineWithHeartbeat(ops) == 2);
    List<String> ids = agents.stream().map(AgentProcess::deviceId).toList();
    assertThat(ids).doesNotContainNull().doesNotHaveDuplicates();
    for (String id : ids) {
      JsonNode d = ops.device(id);
      assertThat(d.path("group").asText()).isEqualTo("dealers-north");
      assertThat(d.path("agentVersion").asText()).isNotBlank();
      assertThat(d.path("resources").path("heapUsedBytes").asLong()).isPositive();
    }

    Instant beforeRestart = Instant.now();
    hub = hub.restart();
    OpsClient after = hub.ops();

    await("every device kept and back online after the hub restart")
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(300))
        .untilAsserted(
            () -> {
              JsonNode devices = after.devices();
              assertThat(devices).hasSize(2);
              for (JsonNode d : devices) {
                assertThat(ids).contains(d.path("deviceId").asText());
                assertThat(d.path("online").asBoolean()).as("%s online", d.path("deviceId")).isTrue();
                assertThat(Instant.parse(d.path("lastSeen").asText())).isAfter(beforeRestart);
              }
            });
    assertThat(agents).allSatisfy(a -> assertThat(a.isAlive()).isTrue());
  }

  @Test
  void certificatesAreRenewedLiveBeforeTheyExpireWithoutLosingTheDevice() {
    hub = HubProcess.start("renew-hub", dir.resolve("hub"), Map.of("device.cert.lifetime", "PT30S"));
    OpsClient ops = hub.ops();
    AgentProcess agent = AgentProcess.start("renew-agent", dir.resolve("agent"), ops.mintClaimBundle("dealers-south", 3600), Map.of());
    agents.add(agent);

    await().atMost(Duration.ofSeconds(60)).until(() -> "CONNECTED".equals(agent.connection()));
    String id = agent.deviceId();
    String firstSerial = ops.device(id).path("certSerial").asText();
    Instant firstExpiry = Instant.parse(ops.device(id).path("certNotAfter").asText());

    // Renewal is due at two thirds of the 30 s lifetime; it must happen while the agent keeps running.
    await("a new certificate issued before the old one expires")
        .atMost(Duration.ofSeconds(45))
        .pollInterval(Duration.ofMillis(500))
        .until(() -> !firstSerial.equals(ops.device(id).path("certSerial").asText()));
    assertThat(Instant.now()).isBefore(firstExpiry);
    await("agent back online with the new certificate")
        .atMost(Duration.ofSeconds(20))
        .until(() -> ops.device(id).path("online").asBoolean() && "CONNECTED".equals(agent.connection()));
    assertThat(Instant.parse(agent.status().path("certNotAfter").asText())).isAfter(firstExpiry);
    assertThat(ops.get("/api/v1/devices/" + id + "/events").body().path("events").findValuesAsText("name"))
        .contains("identity.renewed");
    assertThat(agent.isAlive()).isTrue();
  }

  private int onlineWithHeartbeat(OpsClient ops) {
    int n = 0;
    for (JsonNode d : ops.devices()) {
      if (d.path("online").asBoolean() && d.has("resources")) {
        n++;
      }
    }
    return n;
  }
}
