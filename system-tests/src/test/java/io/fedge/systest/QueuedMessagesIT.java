package io.fedge.systest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.fedge.systest.support.AgentProcess;
import io.fedge.systest.support.HubProcess;
import io.fedge.systest.support.OpsClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The broker goes away (the hub is down); what the agent queued meanwhile arrives once. */
class QueuedMessagesIT {
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
  void eventsQueuedWhileTheBrokerIsDownArriveExactlyOnceAfterReconnect() throws Exception {
    hub = HubProcess.start("queue-hub", dir.resolve("hub"), Map.of());
    OpsClient ops = hub.ops();
    agent = AgentProcess.start("queue-agent", dir.resolve("agent"), ops.mintClaimBundle("dealers-west", 3600), Map.of());
    await().atMost(Duration.ofSeconds(60)).until(() -> "CONNECTED".equals(agent.connection()));
    String id = agent.deviceId();
    await().atMost(Duration.ofSeconds(20)).until(() -> startedEvents(ops, id).size() == 1);

    hub.kill();
    await().atMost(Duration.ofSeconds(20)).until(() -> !"CONNECTED".equals(agent.connection()));
    // Two reboots of the appliance while the hub is away: each queues an 'agent.started' event in SQLite.
    // RUNNING means the boot event is in the outbox; a depth count could be met by a leftover heartbeat.
    agent = agent.restart();
    await().atMost(Duration.ofSeconds(30)).until(() -> "RUNNING".equals(agent.status().path("bootStage").asText()));
    agent = agent.restart();
    await().atMost(Duration.ofSeconds(30)).until(() -> "RUNNING".equals(agent.status().path("bootStage").asText()));
    assertThat(agent.status().path("outboxDepth").asLong()).isGreaterThanOrEqualTo(2);

    hub = hub.restart();
    OpsClient after = hub.ops();
    await("queued events delivered")
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(300))
        .until(() -> startedEvents(after, id).size() >= 3);
    await().atMost(Duration.ofSeconds(20)).until(() -> agent.status().path("outboxDepth").asLong() == 0);
    Thread.sleep(3_000); // let any redelivery land before counting
    List<String> ids = startedEvents(after, id);
    assertThat(ids).hasSize(3);
    Set<String> unique = new HashSet<>(ids);
    assertThat(unique).hasSize(3);
  }

  private static List<String> startedEvents(OpsClient ops, String deviceId) {
    JsonNode events = ops.get("/api/v1/devices/" + deviceId + "/events?limit=1000").body().path("events");
    return java.util.stream.StreamSupport.stream(events.spliterator(), false)
        .filter(e -> "agent.started".equals(e.path("name").asText()))
        .map(e -> e.path("messageId").asText())
        .toList();
  }
}
