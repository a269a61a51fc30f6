package io.fedge.hub.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fedge.provisioning.TlsContexts;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * {@code ./fedge demo}: a whole federation on this machine. Starts the hub and four agents as
 * separate processes, each with its own data directory under {@code .fedge/demo}; mints one claim
 * token per agent so each enrolls by itself; prints where to look; stops everything on Ctrl-C.
 * Running it again reuses the enrolled identities.
 */
public final class Demo {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path hubJar;
  private final Path agentJar;
  private final Path dir;
  private final int agents;
  private final int httpPort;
  private final int mqttPort;
  private final int dashboardBase;
  private final List<Process> children = new ArrayList<>();

  private Demo(Path hubJar, Path agentJar, Path dir, int agents, int httpPort, int mqttPort, int dashboardBase) {
    this.hubJar = hubJar;
    this.agentJar = agentJar;
    this.dir = dir;
    this.agents = agents;
    this.httpPort = httpPort;
    this.mqttPort = mqttPort;
    this.dashboardBase = dashboardBase;
  }

  public static void main(String[] args) throws Exception {
    Path hubJar = null;
    Path agentJar = null;
    Path dir = Path.of(".fedge", "demo");
    int agents = 4;
    int http = 7443;
    int mqtt = 8883;
    int dash = 8081;
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      String v = i + 1 < args.length ? args[i + 1] : null;
      switch (a) {
        case "--hub-jar" -> hubJar = Path.of(need(a, v));
        case "--agent-jar" -> agentJar = Path.of(need(a, v));
        case "--dir" -> dir = Path.of(need(a, v));
        case "--agents" -> agents = Integer.parseInt(need(a, v));
        case "--http-port" -> http = Integer.parseInt(need(a, v));
        case "--mqtt-port" -> mqtt = Integer.parseInt(need(a, v));
        case "--dashboard-port" -> dash = Integer.parseInt(need(a, v));
        default -> fail("unknown option " + a + " (options: --agents N --http-port P --mqtt-port P --dashboard-port P --dir D)");
      }
      i++;
    }
    if (hubJar == null || agentJar == null || !Files.isRegularFile(hubJar) || !Files.isRegularFile(agentJar)) {
      fail("the hub and agent jars are missing; build with: mvn -B -DskipTests package");
    }
    if (agents < 1 || agents > 50) {
      fail("--agents must be from 1 to 50");
    }
    new Demo(hubJar, agentJar, dir.toAbsolutePath(), agents, http, mqtt, dash).run();
  }

  private void run() throws Exception {
    checkFree(httpPort, "hub HTTPS (--http-port)");
    checkFree(mqttPort, "hub MQTT (--mqtt-port)");
    for (int i = 0; i < agents; i++) {
      checkFree(dashboardBase + i, "agent dashboard (--dashboard-port)");
    }
    Files.createDirectories(dir.resolve("logs"));
    CountDownLatch done = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      System.out.println("\nstopping the federation...");
      children.forEach(Process::destroy);
      for (Process p : children) {
        try {
          p.waitFor();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      done.countDown();
    }));

    Path hubData = dir.resolve("hub");
    Files.deleteIfExists(hubData.resolve("run").resolve("hub.json"));
    System.out.println("starting the hub...");
    start("hub", List.of("java", "-Xmx512m", "-jar", hubJar.toString(), "--data", hubData.toString()),
        List.of("FEDGE_HUB_HTTP_PORT=" + httpPort, "FEDGE_HUB_MQTT_PORT=" + mqttPort));
    JsonNode run = awaitJson(hubData.resolve("run").resolve("hub.json"), Duration.ofSeconds(90), "the hub");
    String hubUrl = "https://127.0.0.1:" + httpPort;
    String fingerprint = run.path("caFingerprint").asText();
    String token = Files.readString(hubData.resolve("ops-token")).trim();
    HttpClient http = HttpClient.newBuilder().sslContext(TlsContexts.pinnedClient(fingerprint)).build();

    List<String> dashboards = new ArrayList<>();
    for (int i = 1; i <= agents; i++) {
      Path data = dir.resolve("agent-" + i);
      Files.createDirectories(data);
      if (!Files.exists(data.resolve("identity")) && !Files.exists(data.resolve("claim.json"))) {
        HttpResponse<String> r = http.send(
            HttpRequest.newBuilder(URI.create(hubUrl + "/api/v1/claim-tokens"))
                .header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"group\":\"demo-dealers\",\"ttlSeconds\":3600}"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 201) {
          fail("minting a claim token failed: " + r.body());
        }
        Path claim = data.resolve("claim.json");
        Files.writeString(claim, JSON.writeValueAsString(JSON.readTree(r.body()).get("claimBundle")));
      }
      int port = dashboardBase + i - 1;
      Files.deleteIfExists(data.resolve("run").resolve("agent.json"));
      // The JVM settings of an appliance: small heap and code cache. Both compiler tiers stay on: with C1 alone a
      // dashboard login (PBKDF2, 600,000 rounds) takes ~13 times longer (docs/benchmarks.md, "Dealer dashboard").
      start("agent-" + i, List.of("java", "-Xmx64m", "-Xss256k", "-XX:+UseSerialGC",
              "-XX:ReservedCodeCacheSize=24m", "-XX:MaxMetaspaceSize=96m", "-jar", agentJar.toString(), "--data", data.toString()),
          List.of("FEDGE_AGENT_DASHBOARD_PORT=" + port));
      dashboards.add("http://127.0.0.1:" + port);
    }

    System.out.println("waiting for the agents to enroll and connect...");
    Instant deadline = Instant.now().plus(Duration.ofSeconds(120));
    int online = 0;
    while (Instant.now().isBefore(deadline)) {
      HttpResponse<String> r = http.send(
          HttpRequest.newBuilder(URI.create(hubUrl + "/api/v1/devices?online=true"))
              .header("Authorization", "Bearer " + token).build(),
          HttpResponse.BodyHandlers.ofString());
      online = JSON.readTree(r.body()).path("count").asInt();
      if (online >= agents) {
        break;
      }
      Thread.sleep(500);
    }

    System.out.println();
    System.out.println("Fedge demo federation is running (" + online + "/" + agents + " agents online)");
    System.out.println("  hub:          " + hubUrl + "   (REST API under /api/v1, spec at /openapi.json)");
    System.out.println("  hub CA:       sha256 " + fingerprint + "   (certificate: " + hubData.resolve("ca") + ")");
    System.out.println("  ops token:    " + token);
    java.nio.file.Path consolePassword = hubData.resolve(io.fedge.hub.console.ConsoleAuth.FIRST_ADMIN_FILE);
    System.out.println("  ops console:  " + hubUrl + "/console/   (user admin; "
        + (java.nio.file.Files.exists(consolePassword) ? "one-time password in " + consolePassword : "your password") + ")");
    System.out.println("  try:          curl -sk -H 'Authorization: Bearer " + token + "' " + hubUrl + "/api/v1/devices");
    for (int i = 0; i < dashboards.size(); i++) {
      Path code = dir.resolve("agent-" + (i + 1)).resolve("run").resolve("pairing-code");
      String pairing = Files.exists(code) ? "pairing code " + Files.readString(code).strip() : "paired: log in";
      System.out.println("  agent-" + (i + 1) + ":      " + dashboards.get(i) + "   (dealer dashboard; " + pairing + ")");
    }
    System.out.println("  logs:         " + dir.resolve("logs"));
    System.out.println("press Ctrl-C to stop");
    done.await();
  }

  private void start(String name, List<String> cmd, List<String> env) throws IOException {
    List<String> full = new ArrayList<>(cmd);
    full.set(0, Path.of(System.getProperty("java.home"), "bin", "java").toString());
    ProcessBuilder pb = new ProcessBuilder(full)
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("logs").resolve(name + ".log").toFile()));
    for (String kv : env) {
      int eq = kv.indexOf('=');
      pb.environment().put(kv.substring(0, eq), kv.substring(eq + 1));
    }
    children.add(pb.start());
  }

  private JsonNode awaitJson(Path file, Duration timeout, String what) throws Exception {
    Instant deadline = Instant.now().plus(timeout);
    while (!Files.exists(file)) {
      if (!children.get(0).isAlive()) {
        fail(what + " exited during start; see " + dir.resolve("logs"));
      }
      if (Instant.now().isAfter(deadline)) {
        fail(what + " did not become ready within " + timeout.toSeconds() + " s; see " + dir.resolve("logs"));
      }
      Thread.sleep(200);
    }
    return JSON.readTree(file.toFile());
  }

  private static void checkFree(int port, String what) {
    try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
      s.setReuseAddress(true);
    } catch (IOException e) {
      fail("port " + port + " for the " + what + " is in use; pick another with that option");
    }
  }

  private static String need(String flag, String v) {
    if (v == null) {
      fail(flag + " needs a value");
    }
    return v;
  }

  private static void fail(String msg) {
    System.err.println("fedge demo: " + msg);
    System.exit(2);
  }
}
