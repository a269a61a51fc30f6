package io.fedge.systest.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The real agent, {@code io.fedge.agent.AgentMain}, in its own JVM with its own data dir. */
public final class AgentProcess extends JavaProcess {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();

  private final Path dataDir;
  private final Map<String, String> env;
  private static final String DASHBOARD_PASSWORD = "system test dealer password";
  private volatile String dashboardSession;

  private AgentProcess(String name, Path dataDir, Map<String, String> env) {
    super(name, "io.fedge.agent.AgentMain", List.of("--data", dataDir.toString()), env);
    this.dataDir = dataDir;
    this.env = env;
  }

  /** Places the claim bundle where first boot looks for it, and boots the agent. */
  public static AgentProcess start(String name, Path dataDir, JsonNode claimBundle, Map<String, String> config) {
    return start(name, dataDir, claimBundle, config, Map.of());
  }

  /** As {@link #start(String, Path, JsonNode, Map)}, with extra environment variables as given (e.g. FEDGE_LOG_FORMAT). */
  public static AgentProcess start(
      String name, Path dataDir, JsonNode claimBundle, Map<String, String> config, Map<String, String> rawEnv) {
    try {
      Files.createDirectories(dataDir);
      if (claimBundle != null) {
        Files.writeString(dataDir.resolve("claim.json"), JSON.writeValueAsString(claimBundle));
      }
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    Map<String, String> env = new HashMap<>();
    env.put("FEDGE_AGENT_DASHBOARD_PORT", Integer.toString(Ports.free()));
    env.put("FEDGE_AGENT_HEARTBEAT_INTERVAL", "PT2S");
    env.put("FEDGE_AGENT_BACKOFF_CAP", "PT3S");
    config.forEach((k, v) -> env.put("FEDGE_AGENT_" + k.toUpperCase().replace('.', '_').replace('-', '_'), v));
    env.putAll(rawEnv);
    AgentProcess a = new AgentProcess(name, dataDir, Map.copyOf(env));
    a.launchAndAwaitDashboard();
    return a;
  }

  /** The same appliance booted again (same data dir and settings). */
  public AgentProcess restart() {
    stop();
    AgentProcess a = new AgentProcess(name(), dataDir, env);
    a.launchAndAwaitDashboard();
    return a;
  }

  private void launchAndAwaitDashboard() {
    Path run = dataDir.resolve("run").resolve("agent.json");
    try {
      Files.deleteIfExists(run);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    launch();
    Instant deadline = Instant.now().plus(HubProcess.READY_WITHIN);
    while (!Files.exists(run)) {
      if (!isAlive()) {
        throw new IllegalStateException(name() + " exited during boot:\n" + logTail());
      }
      if (Instant.now().isAfter(deadline)) {
        throw new IllegalStateException(name() + " dashboard not up within " + HubProcess.READY_WITHIN.toSeconds() + " s:\n" + logTail());
      }
      HubProcess.sleep(100);
    }
  }

  public Path dataDir() {
    return dataDir;
  }

  public String dashboardUrl() {
    try {
      return JSON.readTree(dataDir.resolve("run").resolve("agent.json").toFile()).path("dashboardUrl").asText();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The agent's own view of itself: device id, connection state, certificate expiry, version. */
  public JsonNode status() {
    try {
      HttpResponse<String> r = getStatus();
      if (r.statusCode() == 401) {
        dashboardSession = signIn(dashboardUrl(), dataDir, name());
        r = getStatus();
      }
      return JSON.readTree(r.body());
    } catch (IOException e) {
      return JSON.createObjectNode().put("connection", "UNREACHABLE");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** GET of a dashboard path as the signed-in dealer. */
  public HttpResponse<String> dashboardGet(String path) throws IOException, InterruptedException {
    if (dashboardSession == null) {
      dashboardSession = signIn(dashboardUrl(), dataDir, name());
    }
    HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(dashboardUrl() + path))
        .timeout(Duration.ofSeconds(30)).header("Cookie", dashboardSession).build(), HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() == 401) {
      dashboardSession = signIn(dashboardUrl(), dataDir, name());
      return dashboardGet(path);
    }
    return r;
  }

  private HttpResponse<String> getStatus() throws IOException, InterruptedException {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(dashboardUrl() + "/api/status")).timeout(Duration.ofSeconds(5));
    if (dashboardSession != null) {
      b.header("Cookie", dashboardSession);
    }
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  /**
   * Signs in to the dashboard as a dealer would: pairs with the label's code (the owner-only file
   * the agent wrote at first boot) the first time, logs in with the same password afterwards.
   */
  static String signIn(String dashboardUrl, Path dataDir, String name) throws IOException, InterruptedException {
    Path code = dataDir.resolve("run").resolve("pairing-code");
    boolean pair = Files.exists(code);
    Map<String, String> body = new HashMap<>(Map.of("username", "admin", "password", DASHBOARD_PASSWORD));
    if (pair) {
      body.put("code", Files.readString(code).strip());
    }
    HttpResponse<String> r =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(dashboardUrl + (pair ? "/api/pair" : "/api/login")))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      throw new IllegalStateException(name + ": dashboard sign-in refused: " + r.statusCode() + " " + r.body());
    }
    return r.headers().firstValue("set-cookie").orElseThrow().split(";", 2)[0];
  }

  public String deviceId() {
    return status().path("deviceId").asText(null);
  }

  public String connection() {
    return status().path("connection").asText();
  }
}
