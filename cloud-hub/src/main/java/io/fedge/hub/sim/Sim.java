package io.fedge.hub.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fedge.federation.model.Evaluation;
import io.fedge.federation.model.Metrics;
import io.fedge.federation.model.Model;
import io.fedge.federation.model.Models;
import io.fedge.federation.model.Scaler;
import io.fedge.federation.model.Table;
import io.fedge.federation.model.TableCsv;
import io.fedge.federation.rounds.TableColumns;
import io.fedge.federation.rounds.TableLearner;
import io.fedge.federation.wire.WireCodec;
import io.fedge.provisioning.TlsContexts;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code ./fedge sim JOB.json}: runs one job on this machine with the real product: a hub process
 * and one agent process per party (each enrolls with its own claim token and trains on its own CSV
 * file), over MQTT on loopback with the real protocol and cryptography. Progress goes to stderr;
 * the last line on stdout is one JSON object with the published model's metrics on the job's test
 * file. The job file is a job document (docs/jobs.md) plus a {@code simulation} object:
 * {@code {"parties": ["a.csv", "b.csv"], "test": "test.csv"}} (paths relative to the job file).
 */
public final class Sim {
  private final Path hubJar;
  private final Path agentJar;
  private final Path dir;
  private final List<Process> children = new ArrayList<>();

  private Sim(Path hubJar, Path agentJar, Path dir) {
    this.hubJar = hubJar;
    this.agentJar = agentJar;
    this.dir = dir;
  }

  public static void main(String[] args) throws Exception {
    Path hubJar = null;
    Path agentJar = null;
    Path dir = null;
    Path job = null;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--hub-jar" -> hubJar = Path.of(args[++i]);
        case "--agent-jar" -> agentJar = Path.of(args[++i]);
        case "--dir" -> dir = Path.of(args[++i]);
        default -> {
          if (args[i].startsWith("--") || job != null) {
            fail("usage: fedge sim JOB.json (unknown argument " + args[i] + ")");
          }
          job = Path.of(args[i]);
        }
      }
    }
    if (job == null || !Files.isRegularFile(job)) {
      fail("usage: fedge sim JOB.json; " + (job == null ? "no job file given" : job + " does not exist"));
    }
    if (hubJar == null || agentJar == null || !Files.isRegularFile(hubJar) || !Files.isRegularFile(agentJar)) {
      fail("the hub and agent jars are missing; build with: mvn -B -DskipTests package");
    }
    if (dir == null) {
      dir = Path.of(".fedge", "sim", Long.toString(System.currentTimeMillis()));
    }
    Sim sim = new Sim(hubJar, agentJar, dir.toAbsolutePath());
    Runtime.getRuntime().addShutdownHook(new Thread(sim::stopAll));
    int code;
    try {
      System.out.println(sim.run(job.toAbsolutePath()));
      code = 0;
    } catch (SimException e) {
      System.err.println("fedge sim: " + e.getMessage());
      code = 1;
    } finally {
      sim.stopAll();
    }
    System.exit(code);
  }

  static final class SimException extends Exception {
    private static final long serialVersionUID = 1L;

    SimException(String m) {
      super(m);
    }
  }

  String run(Path jobFile) throws Exception {
    long t0 = System.nanoTime();
    ObjectNode doc = (ObjectNode) WireCodec.mapper().readTree(jobFile.toFile());
    JsonNode sim = doc.remove("simulation");
    if ("vertical".equals(doc.path("type").asText())) {
      return runVertical(doc, sim, jobFile, t0);
    }
    if (sim == null || !sim.path("parties").isArray() || sim.path("parties").size() < 2 || !sim.path("test").isTextual()) {
      throw new SimException(jobFile + " needs \"simulation\": {\"parties\": [at least 2 CSV files], \"test\": CSV file}");
    }
    Path base = jobFile.getParent();
    List<Path> parties = new ArrayList<>();
    for (JsonNode p : sim.get("parties")) {
      Path f = base.resolve(p.asText()).normalize();
      if (!Files.isRegularFile(f)) {
        throw new SimException("party data " + f + " does not exist");
      }
      parties.add(f);
    }
    Path test = base.resolve(sim.get("test").asText()).normalize();
    String group = "sim-parties";
    doc.remove("participants");
    doc.put("group", group);
    if (doc.has("validation")) {
      ((ObjectNode) doc.get("validation")).put("path", base.resolve(doc.get("validation").get("path").asText()).normalize().toString());
    }
    String requester = doc.path("requester").asText("ops");
    String dataset = doc.path("datasets").path(0).path("dataset").asText();

    Api api = startHub();

    // Each agent gets its party's rows the way a dealer's appliance does: a file in its drop folder,
    // ingested into its local store. Consent comes from a standing policy in each agent's
    // configuration, the honest stand-in for a dealer clicking approve (docs/jobs.md).
    Map<String, String> policy = Map.of("FEDGE_AGENT_CONSENT_POLICIES", "sim",
        "FEDGE_AGENT_CONSENT_POLICY_SIM_REQUESTER", requester,
        "FEDGE_AGENT_CONSENT_POLICY_SIM_READS", policyReads(doc.path("datasets")));
    List<Path> dropped = new ArrayList<>();
    for (int i = 0; i < parties.size(); i++) {
      dropped.add(startAgent(api, i + 1, parties.get(i), dataset, group, policy, "-Xmx128m"));
    }
    progress("waiting for " + parties.size() + " agents to ingest their data");
    awaitIngested(dropped, Duration.ofSeconds(120));
    progress("waiting for " + parties.size() + " agents to enroll and connect");
    Instant until = Instant.now().plus(Duration.ofSeconds(120));
    while (api.get("/api/v1/devices?online=true").path("count").asInt() < parties.size()) {
      if (Instant.now().isAfter(until)) {
        throw new SimException("the agents did not all connect within 120 s; see " + dir.resolve("logs"));
      }
      Thread.sleep(300);
    }

    String id = doc.get("id").asText();
    api.post("/api/v1/jobs", doc.toString(), 201);
    progress("job " + id + " submitted to " + parties.size() + " parties");
    JsonNode job;
    int shown = 0;
    while (true) {
      job = api.get("/api/v1/jobs/" + id);
      JsonNode rounds = api.get("/api/v1/jobs/" + id + "/rounds").get("rounds");
      for (; shown < rounds.size(); shown++) {
        JsonNode r = rounds.get(shown);
        if (!r.path("endedAt").isTextual()) {
          break;
        }
        JsonNode m = r.path("digest").path("metrics");
        progress(String.format("round %d (%s, attempt %d): %s%s", r.get("round").asInt(), r.get("phase").asText(),
            r.get("attempt").asInt(), r.get("state").asText(),
            m.has("auc") ? String.format(" validation AUC %.4f, train loss %.4f", m.get("auc").asDouble(),
                m.path("trainLoss").asDouble()) : r.path("reason").isTextual() ? " (" + r.get("reason").asText() + ")" : ""));
      }
      String state = job.get("state").asText();
      if (!state.equals("CONSENT") && !state.equals("RUNNING")) {
        break;
      }
      Thread.sleep(250);
    }
    if (!job.get("state").asText().equals("DONE") || !job.path("modelId").isTextual()) {
      throw new SimException("job " + id + " ended " + job.get("state").asText() + ": " + job.path("reason").asText()
          + " (logs in " + dir.resolve("logs") + ")");
    }
    String modelId = job.get("modelId").asText();
    JsonNode model = api.get("/api/v1/models/" + modelId);
    byte[] raw = api.download("/api/v1/models/" + modelId + "/parameters");
    double[] params = new double[raw.length / 8];
    ByteBuffer.wrap(raw).asDoubleBuffer().get(params);
    Evaluation e = evaluate(model.get("spec"), params, test);
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("job", id);
    out.put("auc", e.auc());
    out.put("ks", e.ks());
    out.put("accuracy", e.accuracy());
    out.put("rounds", doc.get("rounds").asInt());
    out.put("seconds", Math.round((System.nanoTime() - t0) / 1e7) / 100.0);
    out.put("model", modelId);
    out.put("sha256", model.get("sha256").asText());
    return WireCodec.mapper().writeValueAsString(out);
  }

  /**
   * A vertical job document (docs/jobs.md, "Vertical jobs") plus {@code "simulation": {"guest":
   * "g.csv", "hosts": ["h.csv", ...]}}: one agent per party, each with its own file dropped as the
   * party's dataset, its standing policy covering exactly the party's reads; the device ids are
   * filled in; then PSI, training and the test evaluation run over MQTT. The last line is the test
   * metrics the guest computed, as one JSON object.
   */
  private String runVertical(ObjectNode doc, JsonNode sim, Path jobFile, long t0) throws Exception {
    if (sim == null || !sim.path("guest").isTextual() || !sim.path("hosts").isArray()
        || sim.path("hosts").size() != doc.path("hosts").size()) {
      throw new SimException(jobFile + " needs \"simulation\": {\"guest\": CSV file, \"hosts\": [one CSV file per host]}");
    }
    Path base = jobFile.getParent();
    List<ObjectNode> partyNodes = new ArrayList<>();
    List<Path> files = new ArrayList<>();
    partyNodes.add((ObjectNode) doc.get("guest"));
    files.add(base.resolve(sim.get("guest").asText()).normalize());
    for (int i = 0; i < sim.get("hosts").size(); i++) {
      partyNodes.add((ObjectNode) doc.get("hosts").get(i));
      files.add(base.resolve(sim.get("hosts").get(i).asText()).normalize());
    }
    for (Path f : files) {
      if (!Files.isRegularFile(f)) {
        throw new SimException("party data " + f + " does not exist");
      }
    }
    String requester = doc.path("requester").asText("ops");
    String aligned = doc.path("psi").path("aligned").asText();
    Api api = startHub();
    List<Path> dropped = new ArrayList<>();
    List<String> groups = new ArrayList<>();
    for (int i = 0; i < files.size(); i++) {
      ObjectNode p = partyNodes.get(i);
      String dataset = p.path("dataset").asText();
      List<String> cols = new ArrayList<>();
      p.path("features").forEach(c -> cols.add(c.asText()));
      if (p.has("label")) {
        cols.add(p.get("label").asText());
      }
      String reads = dataset + ":" + p.path("idColumn").asText() + "," + String.join(",", cols) + ";" + aligned
          + ":psi_id," + String.join(",", cols);
      String group = "sim-party-" + (i + 1);
      groups.add(group);
      dropped.add(startAgent(api, i + 1, files.get(i), dataset, group, Map.of("FEDGE_AGENT_CONSENT_POLICIES", "sim",
          "FEDGE_AGENT_CONSENT_POLICY_SIM_REQUESTER", requester, "FEDGE_AGENT_CONSENT_POLICY_SIM_READS", reads),
          "-Xmx256m"));
    }
    progress("waiting for " + files.size() + " agents to ingest their data");
    awaitIngested(dropped, Duration.ofSeconds(180));
    progress("waiting for " + files.size() + " agents to enroll and connect");
    Instant until = Instant.now().plus(Duration.ofSeconds(120));
    for (int i = 0; i < groups.size(); i++) {
      JsonNode devices;
      while ((devices = api.get("/api/v1/devices?online=true&group=" + groups.get(i)).path("devices")).isEmpty()) {
        if (Instant.now().isAfter(until)) {
          throw new SimException("the agents did not all connect within 120 s; see " + dir.resolve("logs"));
        }
        Thread.sleep(300);
      }
      partyNodes.get(i).put("device", devices.get(0).path("deviceId").asText());
    }
    String id = doc.get("id").asText();
    api.post("/api/v1/vertical-jobs", doc.toString(), 201);
    progress("vertical job " + id + " submitted: PSI, then training, then the test evaluation");
    JsonNode job;
    String last = "";
    while (true) {
      job = api.get("/api/v1/vertical-jobs/" + id);
      String state = job.get("state").asText();
      if (!state.equals(last)) {
        progress("job " + id + ": " + state + (job.has("alignedRows") ? " (" + job.get("alignedRows").asLong()
            + " aligned rows)" : ""));
        last = state;
      }
      if (state.equals("DONE") || state.equals("FAILED")) {
        break;
      }
      Thread.sleep(250);
    }
    if (!job.get("state").asText().equals("DONE")) {
      throw new SimException("job " + id + " ended FAILED: " + job.path("reason").asText() + " (logs in "
          + dir.resolve("logs") + ")");
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("job", id);
    JsonNode m = job.path("metrics");
    // the guest's test metrics of the job's objective, test_lift_top10 as liftTop10 (docs/jobs.md)
    out.put("objective", doc.path("model").path("objective").asText("binary"));
    m.fieldNames().forEachRemaining(f -> {
      if (f.startsWith("test_") && !f.equals("test_rows")) {
        out.put(camel(f.substring("test_".length())), m.get(f).asDouble());
      }
    });
    out.put("testRows", m.path("test_rows").asLong());
    out.put("alignedRows", job.path("alignedRows").asLong());
    out.put("seconds", Math.round((System.nanoTime() - t0) / 1e7) / 100.0);
    out.put("model", job.path("modelId").asText());
    return WireCodec.mapper().writeValueAsString(out);
  }

  private static String camel(String snake) {
    StringBuilder b = new StringBuilder();
    boolean up = false;
    for (char c : snake.toCharArray()) {
      if (c == '_') {
        up = true;
      } else {
        b.append(up ? Character.toUpperCase(c) : c);
        up = false;
      }
    }
    return b.toString();
  }

  /** Starts the hub process with fresh ports and returns an ops client for its API. */
  private Api startHub() throws Exception {
    Files.createDirectories(dir.resolve("logs"));
    Path hubData = dir.resolve("hub");
    progress("starting the hub (" + dir + ")");
    start("hub", List.of("-Xmx512m", "-jar", hubJar.toString(), "--data", hubData.toString()),
        Map.of("FEDGE_HUB_HTTP_PORT", "0", "FEDGE_HUB_MQTT_PORT", "0", "FEDGE_HUB_HEARTBEAT_TIMEOUT", "PT30S"));
    JsonNode run = awaitJson(hubData.resolve("run").resolve("hub.json"), Duration.ofSeconds(120), "the hub");
    return new Api("https://127.0.0.1:" + run.path("httpPort").asInt(), Files.readString(hubData.resolve("ops-token")).trim(),
        HttpClient.newBuilder().sslContext(TlsContexts.pinnedClient(run.path("caFingerprint").asText())).build());
  }

  /**
   * Starts agent {@code n} the way a dealer's appliance gets its data: {@code file} dropped into its
   * drop folder as {@code dataset}, enrolled into {@code group} with a fresh claim token, consent
   * from the standing policy in {@code policy}. Returns the file that appears once it is ingested.
   */
  private Path startAgent(Api api, int n, Path file, String dataset, String group, Map<String, String> policy,
      String heap) throws Exception {
    Path data = dir.resolve("agent-" + n);
    Path dropbox = data.resolve("dropbox");
    Path processed = DropFolders.drop(file, dropbox, dataset + ".csv");
    JsonNode minted = api.post("/api/v1/claim-tokens", "{\"group\":\"" + group + "\",\"ttlSeconds\":3600}", 201);
    Files.writeString(data.resolve("claim.json"), minted.get("claimBundle").toString());
    Map<String, String> env = new LinkedHashMap<>(policy);
    env.putAll(Map.of("FEDGE_AGENT_DASHBOARD_PORT", "0", "FEDGE_AGENT_HEARTBEAT_INTERVAL", "PT5S",
        "FEDGE_AGENT_DATA_DROPBOX", dropbox.toString(), "FEDGE_AGENT_DATA_DROPBOX_POLL", "PT0.2S",
        "FEDGE_AGENT_DATA_DROPBOX_SETTLE", "PT0.2S"));
    start("agent-" + n, List.of(heap, "-XX:+UseSerialGC", "-jar", agentJar.toString(), "--data", data.toString()), env);
    return processed;
  }

  /** The published model on the test file, scaled with the federated scaler it was trained with. */
  public static Evaluation evaluate(JsonNode spec, double[] params, Path test) throws IOException {
    List<String> features = new ArrayList<>();
    spec.get("features").forEach(f -> features.add(f.asText()));
    Table t = TableColumns.project(TableCsv.read(test, spec.get("label").asText(), null), features);
    if (spec.has("scaler")) {
      t = new Scaler(WireCodec.mapper().convertValue(spec.get("scaler").get("mean"), double[].class),
          WireCodec.mapper().convertValue(spec.get("scaler").get("std"), double[].class)).transform(t);
    }
    Model m = Models.create(TableLearner.modelSpec(spec.get("model")), features.size());
    m.setParameters(params);
    return Metrics.evaluate(m, t);
  }

  private record Api(String base, String token, HttpClient http) {
    JsonNode get(String path) throws Exception {
      HttpResponse<String> r = http.send(req(path).GET().build(), HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() != 200) {
        throw new SimException("GET " + path + " answered " + r.statusCode() + ": " + r.body());
      }
      return WireCodec.mapper().readTree(r.body());
    }

    JsonNode post(String path, String body, int expect) throws Exception {
      HttpResponse<String> r = http.send(req(path).header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() != expect) {
        throw new SimException("POST " + path + " answered " + r.statusCode() + ": " + r.body());
      }
      return WireCodec.mapper().readTree(r.body());
    }

    byte[] download(String path) throws Exception {
      HttpResponse<byte[]> r = http.send(req(path).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
      if (r.statusCode() != 200) {
        throw new SimException("GET " + path + " answered " + r.statusCode());
      }
      return r.body();
    }

    private HttpRequest.Builder req(String path) {
      return HttpRequest.newBuilder(URI.create(base + path)).header("Authorization", "Bearer " + token)
          .timeout(Duration.ofSeconds(30));
    }
  }

  private void start(String name, List<String> args, Map<String, String> env) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(args);
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("logs").resolve(name + ".log").toFile()));
    pb.environment().putAll(env);
    children.add(pb.start());
  }

  private JsonNode awaitJson(Path file, Duration timeout, String what) throws Exception {
    Instant deadline = Instant.now().plus(timeout);
    while (!Files.exists(file)) {
      if (!children.get(0).isAlive()) {
        throw new SimException(what + " exited during start; see " + dir.resolve("logs"));
      }
      if (Instant.now().isAfter(deadline)) {
        throw new SimException(what + " did not become ready within " + timeout.toSeconds() + " s");
      }
      Thread.sleep(200);
    }
    Thread.sleep(100);
    return WireCodec.mapper().readTree(file.toFile());
  }

  private synchronized void stopAll() {
    for (Process p : children) {
      p.destroy();
    }
    for (Process p : children) {
      try {
        if (!p.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
          p.destroyForcibly();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    children.clear();
  }

  /** The job's reads as a consent policy value: {@code dataset:col1,col2;dataset2:col3}. */
  static String policyReads(JsonNode datasets) throws SimException {
    List<String> parts = new ArrayList<>();
    for (JsonNode d : datasets) {
      List<String> cols = new ArrayList<>();
      d.path("columns").forEach(c -> cols.add(c.asText()));
      parts.add(d.path("dataset").asText() + ":" + String.join(",", cols));
    }
    if (parts.isEmpty()) {
      throw new SimException("the job names no datasets to read");
    }
    return String.join(";", parts);
  }

  /** Waits until every agent's drop folder moved its file to processed/ (or fails with the agent's reason). */
  private void awaitIngested(List<Path> processed, Duration timeout) throws Exception {
    java.util.Optional<String> why = DropFolders.awaitProcessed(processed, timeout);
    if (why.isPresent()) {
      throw new SimException(why.get() + "; see " + dir.resolve("logs"));
    }
  }

  private static void progress(String line) {
    System.err.println("[sim] " + line);
  }

  private static void fail(String msg) {
    System.err.println("fedge sim: " + msg);
    System.exit(2);
  }
}
