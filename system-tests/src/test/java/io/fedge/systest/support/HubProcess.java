package io.fedge.systest.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The real hub, {@code io.fedge.hub.HubMain}, in its own JVM. */
public final class HubProcess extends JavaProcess {
  public static final String OPS_TOKEN = "systest-ops-token-0123456789abcdef";
  private static final ObjectMapper JSON = new ObjectMapper();
  /** How long a (re)start may take: a JVM with the broker needs far more on a loaded 2-core machine than on a quiet one. */
  static final Duration READY_WITHIN = Duration.ofSeconds(180);

  private final Path dataDir;
  private final int httpPort;
  private final int mqttPort;
  private final Map<String, String> env;

  private HubProcess(String name, Path dataDir, int httpPort, int mqttPort, Map<String, String> env) {
    super(name, "io.fedge.hub.HubMain", List.of("--data", dataDir.toString()), env);
    this.dataDir = dataDir;
    this.httpPort = httpPort;
    this.mqttPort = mqttPort;
    this.env = env;
  }

  /** Starts a hub on fresh ephemeral ports; {@code config} are extra hub settings (key -> value). */
  public static HubProcess start(String name, Path dataDir, Map<String, String> config) {
    return start(name, dataDir, config, Map.of());
  }

  /** As {@link #start(String, Path, Map)}, with extra environment variables as given (e.g. FEDGE_LOG_FORMAT). */
  public static HubProcess start(String name, Path dataDir, Map<String, String> config, Map<String, String> rawEnv) {
    int http = Ports.free();
    int mqtt = Ports.free();
    Map<String, String> env = new HashMap<>();
    env.put("FEDGE_HUB_HTTP_PORT", Integer.toString(http));
    env.put("FEDGE_HUB_MQTT_PORT", Integer.toString(mqtt));
    env.put("FEDGE_HUB_OPS_TOKEN", OPS_TOKEN);
    config.forEach((k, v) -> env.put("FEDGE_HUB_" + k.toUpperCase().replace('.', '_').replace('-', '_'), v));
    env.putAll(rawEnv);
    HubProcess h = new HubProcess(name, dataDir, http, mqtt, Map.copyOf(env));
    h.launchAndAwaitReady();
    return h;
  }

  /** The same hub (same data, ports and settings) started again after a stop or a kill. */
  public HubProcess restart() {
    stop();
    HubProcess h = new HubProcess(name(), dataDir, httpPort, mqttPort, env);
    h.launchAndAwaitReady();
    return h;
  }

  private void launchAndAwaitReady() {
    Path ready = runFile();
    try {
      Files.deleteIfExists(ready);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    launch();
    Instant deadline = Instant.now().plus(READY_WITHIN);
    while (!Files.exists(ready)) {
      if (!isAlive()) {
        throw new IllegalStateException("hub exited during start:\n" + logTail());
      }
      if (Instant.now().isAfter(deadline)) {
        throw new IllegalStateException("hub not ready within " + READY_WITHIN.toSeconds() + " s:\n" + logTail());
      }
      sleep(100);
    }
  }

  private Path runFile() {
    return dataDir.resolve("run").resolve("hub.json");
  }

  private JsonNode runInfo() {
    try {
      return JSON.readTree(runFile().toFile());
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + runFile(), e);
    }
  }

  public String url() {
    return "https://127.0.0.1:" + httpPort;
  }

  public int httpPort() {
    return httpPort;
  }

  public int mqttPort() {
    return mqttPort;
  }

  public Path dataDir() {
    return dataDir;
  }

  public String caFingerprint() {
    return runInfo().path("caFingerprint").asText();
  }

  public OpsClient ops() {
    return new OpsClient(url(), caFingerprint(), OPS_TOKEN);
  }

  static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
