package io.fedge.systest.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fedge.ota.slots.BootPointer;
import io.fedge.ota.slots.SlotInstaller;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * An appliance as shipped: the A/B launcher ({@code io.fedge.ota.launcher.SlotLauncher}) in its
 * own JVM, running the real agent from slot a or b of {@code home} (a first bundle installed into
 * slot a, the release root pinned at {@code home/root.json}), with its data in {@code data}.
 */
public final class LauncherAgent extends JavaProcess {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();

  private final Path home;
  private final Path data;

  private LauncherAgent(String name, Path home, Path data, List<String> args, Map<String, String> env) {
    super(name, "io.fedge.ota.launcher.SlotLauncher", args, env);
    this.home = home;
    this.data = data;
  }

  public static LauncherAgent start(String name, Path dir, Path firstBundle, Path trustedRoot, JsonNode claimBundle,
      Duration healthTimeout, Map<String, String> config) throws IOException {
    Path home = dir.resolve("home");
    Path data = dir.resolve("data");
    Files.createDirectories(data);
    Files.writeString(data.resolve("claim.json"), JSON.writeValueAsString(claimBundle));
    new SlotInstaller(home).installFirst(firstBundle);
    Files.copy(trustedRoot, home.resolve("root.json"));
    List<String> args = new ArrayList<>(List.of("--home", home.toString(), "--health-timeout", healthTimeout.toString(),
        "--jvm-opt", "-Xmx192m", "--jvm-opt", "-XX:+UseSerialGC", "--jvm-opt", "-XX:TieredStopAtLevel=1",
        "--", "--data", data.toString()));
    Map<String, String> env = new HashMap<>();
    env.put("FEDGE_AGENT_DASHBOARD_PORT", Integer.toString(Ports.free()));
    env.put("FEDGE_AGENT_HEARTBEAT_INTERVAL", "PT1S");
    env.put("FEDGE_AGENT_BACKOFF_CAP", "PT2S");
    config.forEach((k, v) -> env.put("FEDGE_AGENT_" + k.toUpperCase().replace('.', '_').replace('-', '_'), v));
    LauncherAgent a = new LauncherAgent(name, home, data, args, Map.copyOf(env));
    a.launch();
    return a;
  }

  public Path home() {
    return home;
  }

  public Path data() {
    return data;
  }

  public BootPointer pointer() {
    try {
      return BootPointer.read(home).orElseThrow();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The pid of the agent JVM the launcher is running now (from its run file), or -1. */
  public long agentPid() {
    try {
      Path run = data.resolve("run").resolve("agent.json");
      return Files.exists(run) ? Long.parseLong(JSON.readTree(run.toFile()).path("pid").asText("-1")) : -1;
    } catch (IOException | NumberFormatException e) {
      return -1;
    }
  }

  /** kill -9 of the agent JVM only (the launcher lives on, as systemd would keep it). */
  public void killAgent() {
    long pid = agentPid();
    ProcessHandle.of(pid).ifPresent(p -> {
      p.destroyForcibly();
      p.onExit().join();
    });
  }

  private volatile String dashboardSession;

  private HttpResponse<String> getStatus(String url) throws IOException, InterruptedException {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url + "/api/status")).timeout(Duration.ofSeconds(3));
    if (dashboardSession != null) {
      b.header("Cookie", dashboardSession);
    }
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** The agent's own status (dashboard API), or an UNREACHABLE marker between restarts. */
  public JsonNode status() {
    try {
      Path run = data.resolve("run").resolve("agent.json");
      String url = JSON.readTree(run.toFile()).path("dashboardUrl").asText();
      HttpResponse<String> r = getStatus(url);
      if (r.statusCode() == 401) {
        // the dashboard needs a dealer's login: pair with the label's code once, log in after that
        dashboardSession = AgentProcess.signIn(url, data, "launcher agent " + data.getFileName());
        r = getStatus(url);
      }
      return JSON.readTree(r.body());
    } catch (IOException | RuntimeException e) {
      return JSON.createObjectNode().put("connection", "UNREACHABLE");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
