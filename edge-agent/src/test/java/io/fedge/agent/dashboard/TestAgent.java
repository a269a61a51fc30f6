package io.fedge.agent.dashboard;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fedge.agent.Agent;
import io.fedge.agent.AgentConfig;
import io.fedge.federation.config.Settings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * A real agent in this JVM with its own data dir and no claim bundle: it stays ENROLLING, which is
 * exactly when a dealer first opens the dashboard. Restartable on the same data dir.
 */
final class TestAgent implements AutoCloseable {
  private final Path dataDir;
  private final Map<String, String> settings;
  private Agent agent;

  TestAgent(Path dataDir, Map<String, String> extra) throws Exception {
    this.dataDir = dataDir;
    Map<String, String> s = new HashMap<>();
    s.put("dashboard.port", "0");
    s.put("backoff.base", "PT1S");
    s.put("backoff.cap", "PT5S");
    s.putAll(extra);
    this.settings = Map.copyOf(s);
    start();
  }

  private void start() throws Exception {
    agent = new Agent(AgentConfig.from(Settings.of(settings, AgentConfig.ENV_PREFIX), dataDir));
    agent.start();
  }

  /** Stops and boots the same appliance again (same data dir, same settings). */
  void restart() throws Exception {
    agent.close();
    start();
  }

  Agent agent() {
    return agent;
  }

  String url() throws IOException {
    return new ObjectMapper().readTree(dataDir.resolve("run/agent.json").toFile()).path("dashboardUrl").asText();
  }

  /** What the appliance's label says (read from the owner-only file the agent wrote). */
  String pairingCode() throws IOException {
    return Files.readString(dataDir.resolve("run/pairing-code")).strip();
  }

  Path dataDir() {
    return dataDir;
  }

  @Override
  public void close() {
    if (agent != null) {
      agent.close();
    }
  }
}
