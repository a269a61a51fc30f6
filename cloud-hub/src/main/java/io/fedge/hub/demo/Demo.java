package io.fedge.hub.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fedge.hub.sim.DealerDataGenerator;
import io.fedge.hub.sim.DropFolders;
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
 * {@code ./fedge demo}: a whole federation on this machine, learning. Starts the hub and four agents
 * as separate processes, each with its own data directory under {@code .fedge/demo}; mints one
 * claim token per agent so each enrolls by itself. Once they are online, each agent gets a
 * synthetic dealer's customer file ({@link DealerDataGenerator}) in its drop folder and, in its
 * configuration, a standing consent policy for the demo's requester and exactly the columns the job
 * reads; then a horizontal job (FedAvg, secure aggregation) goes to the hub's REST API like any
 * ops client's, its rounds and final metrics are printed, and everything keeps running for the
 * dashboards until Ctrl-C. Running it again reuses the identities and data and runs a new job.
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

  /** The demo job's requester: what each agent's standing consent policy trusts. */
  static final String REQUESTER = "fedge-demo";
  /** The dataset each agent ingests from its drop folder. */
  static final String DATASET = "customers";
  static final String LABEL = "purchased";
  static final int CUSTOMERS_PER_DEALER = 2000;
  static final int ROUNDS = 8;

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
        case "--agents" -> agents = number(a, need(a, v));
        case "--http-port" -> http = port(a, need(a, v));
        case "--mqtt-port" -> mqtt = port(a, need(a, v));
        case "--dashboard-port" -> dash = port(a, need(a, v));
        default -> fail("unknown option " + a + " (options: --agents N --http-port P --mqtt-port P --dashboard-port P --dir D;"
            + " a port of 0 picks a free one)");
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
      checkFree(dashboardPort(i + 1), "agent dashboard (--dashboard-port)");
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
    String hubUrl = "https://127.0.0.1:" + run.path("httpPort").asInt(); // the bound port: --http-port 0 picks one
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
      int port = dashboardPort(i);
      Files.deleteIfExists(data.resolve("run").resolve("agent.json"));
      // The JVM settings of an appliance: small heap and code cache. Both compiler tiers stay on: with C1 alone a
      // dashboard login (PBKDF2, 600,000 rounds) takes ~13 times longer (docs/benchmarks.md, "Dealer dashboard").
      start("agent-" + i, List.of("java", "-Xmx64m", "-Xss256k", "-XX:+UseSerialGC",
              "-XX:ReservedCodeCacheSize=24m", "-XX:MaxMetaspaceSize=96m", "-jar", agentJar.toString(), "--data", data.toString()),
          List.of("FEDGE_AGENT_DASHBOARD_PORT=" + port,
              // the dealer's standing consent for the demo job: this requester, exactly these columns
              "FEDGE_AGENT_CONSENT_POLICIES=demo",
              "FEDGE_AGENT_CONSENT_POLICY_DEMO_REQUESTER=" + REQUESTER,
              "FEDGE_AGENT_CONSENT_POLICY_DEMO_READS=" + DATASET + ":" + String.join(",", columns()),
              "FEDGE_AGENT_DATA_DROPBOX_POLL=PT1S", "FEDGE_AGENT_DATA_DROPBOX_SETTLE=PT1S"));
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

    for (int i = 1; i <= agents; i++) {
      // the bound port (--dashboard-port 0 picks one per agent)
      JsonNode info = awaitJson(dir.resolve("agent-" + i).resolve("run").resolve("agent.json"), Duration.ofSeconds(60),
          "agent-" + i);
      dashboards.add(info.path("dashboardUrl").asText());
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
    System.out.println();

    if (online < agents) {
      System.out.println("not every agent came online, so no job was started; see the logs. Ctrl-C stops.");
    } else {
      try {
        learn(http, hubUrl, token, dashboards);
      } catch (DemoException e) {
        System.out.println("the demo job did not finish: " + e.getMessage() + " (logs in " + dir.resolve("logs") + ")");
      }
    }
    System.out.println("press Ctrl-C to stop");
    done.await();
  }

  /** The columns the demo job reads and each agent's policy approves: the label, then the features. */
  static List<String> columns() {
    List<String> c = new ArrayList<>(List.of(LABEL));
    c.addAll(DealerDataGenerator.FEATURES);
    return c;
  }

  /** Where agent {@code i} (1-based) serves its dashboard: --dashboard-port + i - 1, or 0 (any free port). */
  private int dashboardPort(int i) {
    return dashboardBase == 0 ? 0 : dashboardBase + i - 1;
  }

  /** Thrown when the demo job cannot be run; the federation stays up. */
  static final class DemoException extends Exception {
    DemoException(String m) {
      super(m);
    }
  }

  /**
   * Feeds each agent a dealer's data through its drop folder, submits the demo job through the
   * REST API, prints each round as the hub records it and the final model's metrics.
   */
  private void learn(HttpClient http, String hubUrl, String token, List<String> dashboards) throws Exception {
    Path data = dir.resolve("data");
    if (!Files.isRegularFile(data.resolve("test.csv"))) {
      DealerDataGenerator.write(data, Math.max(2, agents), CUSTOMERS_PER_DEALER, 7);
    }
    List<Path> processed = new ArrayList<>();
    for (int i = 1; i <= agents; i++) {
      Path dropbox = dir.resolve("agent-" + i).resolve("dropbox");
      Path done = dropbox.resolve("processed").resolve(DATASET + ".csv");
      processed.add(done);
      if (Files.exists(done)) {
        continue; // ingested in an earlier run: the agent keeps its data
      }
      DropFolders.drop(data.resolve("dealer-" + i).resolve("customers.csv"), dropbox, DATASET + ".csv");
    }
    System.out.println("each agent ingests a synthetic dealer's " + CUSTOMERS_PER_DEALER + " customers from its drop folder ("
        + data + ")...");
    java.util.Optional<String> notIngested = DropFolders.awaitProcessed(processed, Duration.ofSeconds(120));
    if (notIngested.isPresent()) {
      throw new DemoException(notIngested.get());
    }

    String jobId = "demo-" + java.time.format.DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")
        .withZone(java.time.ZoneOffset.UTC).format(Instant.now());
    String job = jobJson(jobId, agents, data.resolve("test.csv"));
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(hubUrl + "/api/v1/jobs"))
        .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(job)).build(), HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 201) {
      throw new DemoException("the hub refused the job (" + r.statusCode() + "): " + r.body());
    }
    System.out.println("job " + jobId + " submitted: FedAvg logistic regression, " + ROUNDS + " rounds"
        + (agents >= 2 ? ", secure aggregation" : "") + "; each agent's standing policy approves it");
    System.out.println("  watch it learn: open a dashboard above, page Training (" + dashboards.get(0) + "/#training)");

    JsonNode state;
    int shown = 0;
    Instant until = Instant.now().plus(Duration.ofMinutes(15));
    while (true) {
      state = get(http, hubUrl, token, "/api/v1/jobs/" + jobId);
      JsonNode rounds = get(http, hubUrl, token, "/api/v1/jobs/" + jobId + "/rounds").path("rounds");
      for (; shown < rounds.size() && rounds.get(shown).path("endedAt").isTextual(); shown++) {
        System.out.println("  " + roundLine(rounds.get(shown)));
      }
      String s = state.path("state").asText();
      if (!s.equals("CONSENT") && !s.equals("RUNNING")) {
        break;
      }
      if (Instant.now().isAfter(until)) {
        throw new DemoException("job " + jobId + " still " + s + " after 15 minutes");
      }
      Thread.sleep(500);
    }
    if (!state.path("state").asText().equals("DONE") || !state.path("modelId").isTextual()) {
      throw new DemoException("job " + jobId + " ended " + state.path("state").asText() + ": " + state.path("reason").asText());
    }
    JsonNode model = get(http, hubUrl, token, "/api/v1/models/" + state.path("modelId").asText());
    JsonNode m = model.path("metrics");
    System.out.println();
    System.out.printf(java.util.Locale.ROOT, "Job %s is DONE: model %s, validation AUC %.4f, KS %.4f, accuracy %.4f,"
            + " log-loss %.4f on the hub's test file%n", jobId, state.path("modelId").asText(), m.path("auc").asDouble(Double.NaN),
        m.path("ks").asDouble(Double.NaN), m.path("accuracy").asDouble(Double.NaN), m.path("logLoss").asDouble(Double.NaN));
    System.out.println("  the model:    curl -sk -H 'Authorization: Bearer " + token + "' " + hubUrl + "/api/v1/models/"
        + state.path("modelId").asText());
    System.out.println("  each dealer's own view (loss per round, ROC on its held-out rows, computed on the appliance):");
    for (int i = 0; i < dashboards.size(); i++) {
      System.out.println("    agent-" + (i + 1) + ":    " + dashboards.get(i) + "/#training");
    }
    System.out.println("everything keeps running: open the dashboards, call the API, run another demo job by starting again.");
  }

  /** One finished round as the hub recorded it. */
  static String roundLine(JsonNode r) {
    JsonNode d = r.path("digest");
    JsonNode m = d.path("metrics");
    String what = r.path("phase").asText().equals("scale") ? "feature scaling from summed moments" : "training";
    StringBuilder b = new StringBuilder(String.format(java.util.Locale.ROOT, "round %d (%s, attempt %d): %s",
        r.path("round").asInt(), what, r.path("attempt").asInt(), r.path("state").asText()));
    if (d.path("participants").isArray()) {
      b.append(", ").append(d.path("participants").size()).append(" agent(s)");
    }
    if (m.has("trainLoss")) {
      b.append(String.format(java.util.Locale.ROOT, ", train loss %.4f", m.path("trainLoss").asDouble()));
    }
    if (m.has("auc")) {
      b.append(String.format(java.util.Locale.ROOT, ", validation AUC %.4f", m.path("auc").asDouble()));
    }
    if (r.path("reason").isTextual()) {
      b.append(" (").append(r.path("reason").asText()).append(')');
    }
    return b.toString();
  }

  /** The demo job: every demo agent, the dealer data's label and features, FedAvg with secure aggregation. */
  static String jobJson(String jobId, int agents, Path validation) throws IOException {
    com.fasterxml.jackson.databind.node.ObjectNode j = JSON.createObjectNode();
    j.put("id", jobId);
    j.put("title", "Who buys next quarter (demo)");
    j.put("requester", REQUESTER);
    j.put("purpose", "Purchase propensity from showroom and service history (synthetic data)");
    j.put("group", "demo-dealers");
    j.set("datasets", JSON.valueToTree(List.of(java.util.Map.of("dataset", DATASET, "columns", columns()))));
    j.put("label", LABEL);
    j.set("model", JSON.valueToTree(java.util.Map.of("type", "logistic")));
    j.set("hyper", JSON.valueToTree(java.util.Map.of("learningRate", 0.1, "localEpochs", 1, "batchSize", 32)));
    j.put("rounds", ROUNDS);
    j.put("roundDeadlineSeconds", 60);
    j.put("quorum", Math.min(agents, 2));
    j.set("secureAggregation", JSON.valueToTree(java.util.Map.of("enabled", agents >= 2, "maxDropoutFraction", 0.3)));
    j.set("validation", JSON.valueToTree(java.util.Map.of("path", validation.toAbsolutePath().toString())));
    return JSON.writeValueAsString(j);
  }

  private static JsonNode get(HttpClient http, String hubUrl, String token, String path) throws Exception {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(hubUrl + path))
        .header("Authorization", "Bearer " + token).timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      throw new DemoException("GET " + path + " answered " + r.statusCode() + ": " + r.body());
    }
    return JSON.readTree(r.body());
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
    Thread.sleep(100); // let the writer finish
    return JSON.readTree(file.toFile());
  }

  private static void checkFree(int port, String what) {
    if (port == 0) {
      return; // any free port, chosen when the process binds
    }
    try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
      s.setReuseAddress(true);
    } catch (IOException e) {
      fail("port " + port + " for the " + what + " is in use; pick another with that option");
    }
  }

  private static int number(String flag, String v) {
    try {
      return Integer.parseInt(v);
    } catch (NumberFormatException e) {
      fail(flag + " needs a whole number, got '" + v + "'");
      return -1;
    }
  }

  private static int port(String flag, String v) {
    int p = number(flag, v);
    if (p < 0 || p > 65535) {
      fail(flag + " must be a port from 1 to 65535, or 0 for any free port; got " + p);
    }
    return p;
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
