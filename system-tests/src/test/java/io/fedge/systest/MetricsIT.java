package io.fedge.systest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fedge.provisioning.TlsContexts;
import io.fedge.systest.support.AgentProcess;
import io.fedge.systest.support.HubProcess;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real hub and a real agent, both logging JSON lines: Prometheus scrapes of both with their
 * tokens (and refusals without), readiness, and log lines that parse and hold no secret
 * (docs/observability.md).
 */
class MetricsIT {
  private static final String HUB_METRICS_TOKEN = "hub-metrics-token-0123456789abcdef";
  private static final String AGENT_METRICS_TOKEN = "agent-metrics-token-0123456789abcdef";
  private static final Map<String, String> JSON_LOGS = Map.of("FEDGE_LOG_FORMAT", "json");
  private static final ObjectMapper JSON = new ObjectMapper();

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
  void hubAndAgentServeTheirMetricsToTheTokenHoldersAreReadyAndLogParseableJsonWithoutSecrets() throws Exception {
    Files.deleteIfExists(Path.of("target", "it-logs", "metrics-hub.log"));
    Files.deleteIfExists(Path.of("target", "it-logs", "metrics-agent.log"));
    hub = HubProcess.start("metrics-hub", dir.resolve("hub"), Map.of("metrics.token", HUB_METRICS_TOKEN), JSON_LOGS);
    JsonNode bundle = hub.ops().mintClaimBundle("dealers-metrics", 3600);
    String claimToken = bundle.path("token").asText();
    assertThat(claimToken).isNotBlank();
    agent = AgentProcess.start("metrics-agent", dir.resolve("agent"), bundle, Map.of("metrics.token", AGENT_METRICS_TOKEN), JSON_LOGS);
    HttpClient hubHttp = HttpClient.newBuilder().sslContext(TlsContexts.pinnedClient(hub.caFingerprint()))
        .connectTimeout(Duration.ofSeconds(5)).build();
    HttpClient plain = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    String agentUrl = agent.dashboardUrl();

    // Agent readiness: enrolled, connected, store answering.
    await("agent ready").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500))
        .until(() -> get(plain, agentUrl + "/readyz", null).statusCode() == 200);
    JsonNode agentReady = JSON.readTree(get(plain, agentUrl + "/readyz", null).body());
    assertThat(agentReady.path("status").asText()).isEqualTo("ready");
    assertThat(agentReady.path("checks").path("enrolled").asBoolean()).isTrue();
    assertThat(agentReady.path("checks").path("mqtt-connected").asBoolean()).isTrue();
    assertThat(agentReady.path("checks").path("store").asBoolean()).isTrue();

    // Hub readiness and metrics access.
    HttpResponse<String> hubReady = get(hubHttp, hub.url() + "/readyz", null);
    assertThat(hubReady.statusCode()).isEqualTo(200);
    assertThat(JSON.readTree(hubReady.body()).path("status").asText()).isEqualTo("ready");
    assertThat(get(hubHttp, hub.url() + "/metrics", null).statusCode()).isEqualTo(401);
    assertThat(get(hubHttp, hub.url() + "/metrics", AGENT_METRICS_TOKEN).statusCode()).isEqualTo(401);
    assertThat(get(hubHttp, hub.url() + "/metrics", HubProcess.OPS_TOKEN).statusCode()).isEqualTo(200);

    await("the hub counts the agent connected and its heartbeats").atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
          HttpResponse<String> r = get(hubHttp, hub.url() + "/metrics", HUB_METRICS_TOKEN);
          assertThat(r.statusCode()).isEqualTo(200);
          assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("text/plain");
          String m = r.body();
          assertThat(value(m, "fedge_hub_devices_connected", "")).hasValue(1.0);
          assertThat(value(m, "fedge_hub_devices_enrolled", "")).hasValue(1.0);
          assertThat(value(m, "fedge_hub_devices_revoked", "")).hasValue(0.0);
          assertThat(value(m, "fedge_hub_messages_received_total", "kind=\"heartbeat\"").orElse(0)).isPositive();
          assertThat(value(m, "fedge_hub_messages_received_total", "kind=\"event\"").orElse(0)).isPositive();
          assertThat(value(m, "fedge_hub_http_requests_seconds_count",
              "route=\"/api/v1/claim-tokens\",status=\"201\"")).hasValue(1.0);
          assertThat(value(m, "fedge_hub_http_requests_seconds_count", "route=\"/metrics\",status=\"401\"")).hasValue(2.0);
          assertThat(value(m, "fedge_hub_ledger_entries", "")).isPresent();
          assertThat(value(m, "jvm_memory_used_bytes", "").orElse(0)).isPositive();
          assertThat(value(m, "process_uptime_seconds", "").orElse(0)).isPositive();
        });

    // Agent metrics access and values.
    assertThat(get(plain, agentUrl + "/metrics", null).statusCode()).isEqualTo(401);
    assertThat(get(plain, agentUrl + "/metrics", HUB_METRICS_TOKEN).statusCode()).isEqualTo(401);
    await("the agent counts its link, outbox and messages").atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
          HttpResponse<String> r = get(plain, agentUrl + "/metrics", AGENT_METRICS_TOKEN);
          assertThat(r.statusCode()).isEqualTo(200);
          String m = r.body();
          assertThat(value(m, "fedge_agent_mqtt_connection_state", "state=\"CONNECTED\"")).hasValue(1.0);
          assertThat(value(m, "fedge_agent_mqtt_connects_total", "").orElse(0)).isPositive();
          assertThat(value(m, "fedge_agent_outbox_depth", "")).isPresent();
          assertThat(value(m, "fedge_agent_outbox_oldest_age_seconds", "")).isPresent();
          assertThat(value(m, "fedge_agent_messages_sent_total", "kind=\"heartbeat\"").orElse(0)).isGreaterThanOrEqualTo(2);
          assertThat(value(m, "fedge_agent_mqtt_acked_total", "").orElse(0)).isGreaterThanOrEqualTo(2);
          assertThat(value(m, "fedge_agent_ota_phase", "phase=\"idle\"")).hasValue(1.0);
          assertThat(value(m, "jvm_threads_live_threads", "").orElse(0)).isPositive();
        });

    // JSON logs: every line of both processes is one JSON object; no token appears anywhere.
    agent.stop();
    hub.stop();
    for (Path log : List.of(hub.logFile(), agent.logFile())) {
      List<String> lines = Files.readAllLines(log).stream().filter(l -> !l.isBlank()).toList();
      assertThat(lines).as("log lines of %s", log).hasSizeGreaterThan(5);
      for (String line : lines) {
        JsonNode n = parse(line, log);
        assertThat(n.isObject()).as("%s: %s", log, line).isTrue();
        assertThat(n.path("level").asText()).as("%s: %s", log, line).isNotBlank();
        assertThat(n.has("formattedMessage")).as("%s: %s", log, line).isTrue();
      }
      String all = String.join("\n", lines);
      assertThat(all).doesNotContain(claimToken, HubProcess.OPS_TOKEN, HUB_METRICS_TOKEN, AGENT_METRICS_TOKEN);
    }
    String agentLog = Files.readString(agent.logFile());
    assertThat(agentLog).as("the device id in the agent's log context").contains("\"deviceId\":\"");
  }

  private static JsonNode parse(String line, Path log) {
    try {
      return JSON.readTree(line);
    } catch (IOException e) {
      throw new AssertionError(log + ": not a JSON line: " + line, e);
    }
  }

  /** The value of the first sample of {@code name} whose labels contain {@code labels}. */
  static OptionalDouble value(String exposition, String name, String labels) {
    for (String line : exposition.split("\n")) {
      if (line.startsWith(name + "{") || line.startsWith(name + " ")) {
        int brace = line.indexOf('}');
        String labelPart = brace > 0 ? line.substring(0, brace) : "";
        if (labelPart.contains(labels)) {
          return OptionalDouble.of(Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)));
        }
      }
    }
    return OptionalDouble.empty();
  }

  private static HttpResponse<String> get(HttpClient http, String url, String bearer) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20));
    if (bearer != null) {
      b.header("Authorization", "Bearer " + bearer);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }
}
