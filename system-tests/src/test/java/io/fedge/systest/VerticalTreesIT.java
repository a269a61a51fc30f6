package io.fedge.systest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.fedge.federation.vertical.XgboostReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fedge.federation.vertical.BoostModelShare;
import io.fedge.federation.vertical.TreeConfig;
import io.fedge.federation.vertical.relay.TestSplit;
import io.fedge.federation.wire.WireCodec;
import io.fedge.systest.support.AgentProcess;
import io.fedge.systest.support.HubProcess;
import io.fedge.systest.support.OpsClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * SecureBoost-style vertical trees with the real hub and two separate agent processes over
 * MQTT/TLS: PSI on the hetero splits of examples/data/vertical, trees grown by the guest (Paillier
 * key) with the host's encrypted histograms relayed by the hub, test AUC against XGBoost (hist)
 * trained centrally on the joined rows with the same trees, depth, bins, shrinkage and lambda, and
 * online scoring through the parties against the model assembled from both parties' share files.
 * One hub and one guest and host agent serve both datasets.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class VerticalTreesIT {
  static final ObjectMapper JSON = new ObjectMapper();
  static final Path DATA = Path.of("..", "examples", "data", "vertical").toAbsolutePath().normalize();
  static final long SEED = 7;
  static final double TEST_FRACTION = 0.25;

  @TempDir static Path dir;
  private HubProcess hub;
  private OpsClient ops;
  private AgentProcess guestAgent;
  private AgentProcess hostAgent;

  /** One dataset pair: guest features x0..x{guestFeatures-1} and label y, host x0..x{hostFeatures-1}. */
  private record Pair(String name, int guestFeatures, int hostFeatures) {
    List<String> gx() {
      return cols(guestFeatures);
    }

    List<String> hx() {
      return cols(hostFeatures);
    }
  }

  private static final Pair BREAST = new Pair("breast", 10, 20);
  private static final Pair CREDIT = new Pair("default_credit", 13, 10);

  private static List<String> cols(int n) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add("x" + i);
    }
    return out;
  }

  @BeforeAll
  void startFederation() throws Exception {
    hub = HubProcess.start("trees-hub", dir.resolve("hub"), Map.of());
    ops = hub.ops();
    StringBuilder guestReads = new StringBuilder();
    StringBuilder hostReads = new StringBuilder();
    for (Pair p : List.of(BREAST, CREDIT)) {
      String g = String.join(",", p.gx());
      String h = String.join(",", p.hx());
      guestReads.append(p.name()).append("_guest:id,y,").append(g).append(';').append(p.name())
          .append("_aligned:psi_id,y,").append(g).append(';');
      hostReads.append(p.name()).append("_host:id,").append(h).append(';').append(p.name())
          .append("_aligned:psi_id,").append(h).append(';');
    }
    guestAgent = startAgent("trees-guest", "guest", guestReads.substring(0, guestReads.length() - 1));
    hostAgent = startAgent("trees-host", "host", hostReads.substring(0, hostReads.length() - 1));
    await("agents online").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(300)).until(() -> {
      int n = 0;
      for (JsonNode d : ops.devices()) {
        n += d.path("online").asBoolean() ? 1 : 0;
      }
      return n == 2;
    });
  }

  @AfterAll
  void stopAll() {
    for (AgentProcess a : new AgentProcess[] {guestAgent, hostAgent}) {
      if (a != null) {
        a.stop();
      }
    }
    if (hub != null) {
      hub.stop();
    }
  }

  private AgentProcess startAgent(String name, String side, String reads) throws Exception {
    Path data = dir.resolve(name);
    Path dropbox = data.resolve("dropbox");
    Files.createDirectories(dropbox);
    for (Pair p : List.of(BREAST, CREDIT)) {
      String dataset = p.name() + "_" + side;
      Files.copy(DATA.resolve(p.name() + "_hetero_" + side + ".csv"), dropbox.resolve(dataset + ".csv.part"));
      Files.move(dropbox.resolve(dataset + ".csv.part"), dropbox.resolve(dataset + ".csv"),
          StandardCopyOption.ATOMIC_MOVE);
    }
    AgentProcess a = AgentProcess.start(name, data, ops.mintClaimBundle("dealers", 3600),
        Map.of("data.dropbox", dropbox.toString(), "data.dropbox.poll", "PT0.2S", "data.dropbox.settle", "PT0.2S",
            "consent.policies", "systest", "consent.policy.systest.requester", "systest",
            "consent.policy.systest.reads", reads));
    for (Pair p : List.of(BREAST, CREDIT)) {
      Path processed = dropbox.resolve("processed").resolve(p.name() + "_" + side + ".csv");
      await(name + " ingested " + p.name()).atMost(Duration.ofSeconds(120)).until(() -> Files.exists(processed));
    }
    await(name + " enrolled").atMost(Duration.ofSeconds(120)).until(() -> a.deviceId() != null);
    return a;
  }

  /** Submits PSI + trees on {@code p} and returns the finished job's view. */
  private JsonNode runTrees(Pair p, String jobId, TreeConfig c, Duration budget) throws Exception {
    ObjectNode job = JSON.createObjectNode();
    job.put("id", jobId);
    job.put("type", "vertical");
    job.put("requester", "systest");
    job.put("purpose", "integration test of vertical trees");
    job.set("guest", JSON.valueToTree(Map.of("device", guestAgent.deviceId(), "dataset", p.name() + "_guest",
        "idColumn", "id", "label", "y", "features", p.gx())));
    job.set("hosts", JSON.valueToTree(List.of(Map.of("device", hostAgent.deviceId(), "dataset", p.name() + "_host",
        "idColumn", "id", "features", p.hx()))));
    job.set("psi", JSON.valueToTree(Map.of("mode", "BOTH_LEARN", "normalization", "exact", "aligned",
        p.name() + "_aligned")));
    Map<String, Object> model = new LinkedHashMap<>();
    model.put("type", "sbt");
    model.put("trees", c.trees());
    model.put("maxDepth", c.maxDepth());
    model.put("learningRate", c.learningRate());
    model.put("bins", c.bins());
    model.put("lambda", c.lambda());
    model.put("minChildWeight", c.minChildWeight());
    model.put("keyBits", c.keyBits());
    job.set("model", JSON.valueToTree(model));
    job.put("testFraction", TEST_FRACTION);
    job.put("seed", SEED);
    long t0 = System.nanoTime();
    OpsClient.Response created = ops.post("/api/v1/vertical-jobs", job);
    assertThat(created.status()).as(created.body().toString()).isEqualTo(201);
    await(jobId + " over").atMost(budget).pollInterval(Duration.ofMillis(500)).until(() -> {
      String s = ops.get("/api/v1/vertical-jobs/" + jobId).body().path("state").asText();
      return s.equals("DONE") || s.equals("FAILED");
    });
    JsonNode done = ops.get("/api/v1/vertical-jobs/" + jobId).body();
    System.out.printf("%s: vertical trees over MQTT done in %.1f s (job view %s)%n", jobId,
        (System.nanoTime() - t0) / 1e9, done.path("metrics"));
    assertThat(done.path("state").asText()).as(done.toString()).isEqualTo("DONE");
    return done;
  }

  /** The known intersection, and XGBoost's test AUC on the joined rows with the job's test split. */
  private record Reference(TreeSet<String> known, Map<String, double[]> guestRows, Map<String, double[]> hostRows,
      double xgboostAuc, int testRows) {}

  private static Reference reference(Pair p, TreeConfig c) throws Exception {
    TreeSet<String> known = new TreeSet<>(Files.readAllLines(DATA.resolve(p.name() + "_hetero_intersection.txt")));
    known.remove("");
    Map<String, double[]> gRows = read(DATA.resolve(p.name() + "_hetero_guest.csv"));
    Map<String, double[]> hRows = read(DATA.resolve(p.name() + "_hetero_host.csv"));
    List<double[]> trainX = new ArrayList<>();
    List<double[]> testX = new ArrayList<>();
    List<Integer> trainY = new ArrayList<>();
    List<Integer> testY = new ArrayList<>();
    int width = p.guestFeatures() + p.hostFeatures();
    for (String id : known) {
      double[] g = gRows.get(id);
      double[] h = hRows.get(id);
      double[] x = new double[width];
      System.arraycopy(g, 1, x, 0, p.guestFeatures());
      System.arraycopy(h, 0, x, p.guestFeatures(), p.hostFeatures());
      boolean test = TestSplit.isTest(SEED, id, TEST_FRACTION);
      (test ? testX : trainX).add(x);
      (test ? testY : trainY).add((int) g[0]);
    }
    int[] yTest = testY.stream().mapToInt(Integer::intValue).toArray();
    double[] xgb = XgboostReference.scores(trainX.toArray(new double[0][]),
        trainY.stream().mapToInt(Integer::intValue).toArray(), testX.toArray(new double[0][]), c);
    return new Reference(known, gRows, hRows, auc(xgb, yTest), testX.size());
  }

  @Test
  void psiThenVerticalTreesOverMqttMatchXgboostAndScoreOnlineAsTheAssembledShares() throws Exception {
    TreeConfig c = TreeConfig.of(5, 3, 0.3, 32).withKeyBits(1024);
    JsonNode done = runTrees(BREAST, "breast-sbt", c, Duration.ofMinutes(5));
    Reference ref = reference(BREAST, c);
    assertThat(done.path("alignedRows").asInt()).isEqualTo(ref.known().size());
    JsonNode metrics = done.path("metrics");
    assertThat(metrics.path("test_rows").asInt()).isEqualTo(ref.testRows());
    double vertical = metrics.path("test_auc").asDouble();
    System.out.printf("breast: vertical trees test AUC %.4f, XGBoost hist %.4f%n", vertical, ref.xgboostAuc());
    assertThat(Math.abs(vertical - ref.xgboostAuc())).as("vertical %s vs XGBoost %s", vertical, ref.xgboostAuc())
        .isLessThanOrEqualTo(0.01);
    assertThat(metrics.has("test_ks") && metrics.has("test_accuracy") && metrics.has("test_lift_top10")).isTrue();

    // the registry holds the split model: kind, hyper-parameters, one share commitment per party
    String modelId = done.path("modelId").asText();
    JsonNode model = ops.get("/api/v1/models/" + modelId).body();
    assertThat(model.toString()).contains("vertical-sbt").contains(guestAgent.deviceId()).contains(hostAgent.deviceId());

    // each party keeps its own share: the host's thresholds are in its file only
    BoostModelShare gs = share(guestAgent, "breast-sbt");
    BoostModelShare hs = share(hostAgent, "breast-sbt");
    assertThat(gs.role()).isEqualTo("guest");
    assertThat(gs.trees()).hasSize(c.trees());
    assertThat(hs.role()).isEqualTo("host");
    assertThat(hs.splits()).as("the host owns some splits (its features are the stronger half)").isNotEmpty();
    assertThat(gs.trees().stream().flatMap(List::stream)
        .filter(n -> n != null && "HOST".equals(n.kind()))).allMatch(n -> n.threshold() == null && n.feature() == null);
    assertThat(model.toString()).contains(sha256(guestAgent, "breast-sbt")).contains(sha256(hostAgent, "breast-sbt"));

    // online scoring through the parties equals the model assembled centrally from both shares
    List<String> ids = new ArrayList<>(ref.known()).subList(0, 20);
    OpsClient.Response scored = ops.post("/api/v1/models/" + modelId + "/score", Map.of("ids", ids));
    assertThat(scored.status()).as(scored.body().toString()).isEqualTo(200);
    JsonNode probabilities = scored.body().path("probabilities");
    for (int k = 0; k < ids.size(); k++) {
      String id = ids.get(k);
      double central = BoostModelShare.assembledProbability(gs, Arrays.copyOfRange(ref.guestRows().get(id), 1,
          1 + BREAST.guestFeatures()), Map.of(hostAgent.deviceId(), hs), Map.of(hostAgent.deviceId(),
          ref.hostRows().get(id)));
      assertThat(probabilities.get(k).asDouble()).as("id %s", id).isCloseTo(central, Offset.offset(1e-9));
    }
    OpsClient.Response one = ops.post("/api/v1/models/" + modelId + "/score", Map.of("id", ids.get(3)));
    assertThat(one.status()).isEqualTo(200);
    assertThat(one.body().path("probability").asDouble()).isEqualTo(probabilities.get(3).asDouble());
    assertThat(one.body().path("latencyMs").asDouble()).isPositive();
    // an id outside the intersection cannot be scored
    String outside = ref.guestRows().keySet().stream().filter(id -> !ref.known().contains(id)).findFirst().orElseThrow();
    assertThat(ops.post("/api/v1/models/" + modelId + "/score", Map.of("id", outside)).status()).isEqualTo(422);
    batchScoring(modelId, ref, gs, hs);
    restarts(modelId, ids, probabilities);
  }

  /**
   * Online scoring of the tree model after a restart of the hub and the host (the hub opens a fresh
   * scoring session; the parties reload their kept shares), then after a restart of the guest alone
   * (the session's stream died with it: that score times out, the hub drops the session, and the next
   * score opens a fresh one). Scores equal those before the restarts.
   */
  private void restarts(String modelId, List<String> ids, JsonNode before) throws Exception {
    hub = hub.restart();
    hostAgent = hostAgent.restart();
    ops = hub.ops();
    awaitBothOnline();
    assertThat(ops.get("/api/v1/vertical-jobs/breast-sbt").body().path("state").asText()).isEqualTo("DONE");
    OpsClient.Response again = ops.post("/api/v1/models/" + modelId + "/score", Map.of("ids", ids));
    assertThat(again.status()).as(again.body().toString()).isEqualTo(200);
    for (int k = 0; k < ids.size(); k++) {
      assertThat(again.body().path("probabilities").get(k).asDouble()).as("after the hub restart, id %s", ids.get(k))
          .isCloseTo(before.get(k).asDouble(), Offset.offset(1e-12));
    }
    guestAgent = guestAgent.restart();
    awaitBothOnline();
    // the first score rides the dead session: no answer (the hub's 504 after 30 s, or this client's 20 s timeout)
    int lost;
    try {
      lost = ops.post("/api/v1/models/" + modelId + "/score", Map.of("ids", ids)).status();
    } catch (IllegalStateException e) {
      assertThat(e).hasMessageContaining("timed out");
      lost = 504;
    }
    assertThat(lost).as("the session died with the guest's process").isEqualTo(504);
    // once the hub's wait has lapsed it drops the session; the next score opens a fresh one
    OpsClient.Response[] fresh = new OpsClient.Response[1];
    await("a fresh scoring session").atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofSeconds(2)).until(() -> {
      try {
        fresh[0] = ops.post("/api/v1/models/" + modelId + "/score", Map.of("ids", ids));
        return fresh[0].status() == 200;
      } catch (IllegalStateException e) {
        return false;
      }
    });
    for (int k = 0; k < ids.size(); k++) {
      assertThat(fresh[0].body().path("probabilities").get(k).asDouble()).as("after the guest restart, id %s", ids.get(k))
          .isCloseTo(before.get(k).asDouble(), Offset.offset(1e-12));
    }
  }

  private void awaitBothOnline() {
    await("agents online").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(300)).until(() -> {
      int n = 0;
      for (JsonNode d : ops.devices()) {
        n += d.path("online").asBoolean() ? 1 : 0;
      }
      return n == 2;
    });
  }

  /**
   * Batch scoring of the tree model in chunks of 100 over MQTT: the host sends its routes per chunk,
   * the guest walks its trees; every score in the guest's CSV equals the assembled model, the host's
   * dashboard has none.
   */
  private void batchScoring(String modelId, Reference ref, BoostModelShare gs, BoostModelShare hs) throws Exception {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("id", "breast-sbt-scores");
    body.put("requester", "systest");
    body.put("purpose", "integration test");
    body.put("output", "breast_sbt_scores");
    body.put("chunkRows", 100);
    OpsClient.Response started = ops.post("/api/v1/models/" + modelId + "/score-jobs", body);
    assertThat(started.status()).as(started.body().toString()).isEqualTo(201);
    long t0 = System.nanoTime();
    await("tree batch scoring over").atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(300)).until(() -> {
      String s = ops.get("/api/v1/score-jobs/breast-sbt-scores").body().path("state").asText();
      return s.equals("DONE") || s.equals("FAILED");
    });
    double seconds = (System.nanoTime() - t0) / 1e9;
    JsonNode view = ops.get("/api/v1/score-jobs/breast-sbt-scores").body();
    assertThat(view.path("state").asText()).as(view.toString()).isEqualTo("DONE");
    assertThat(view.path("progress").path("rowsScored").asInt()).isEqualTo(ref.known().size());
    assertThat(view.path("progress").path("chunks").asInt()).isEqualTo((ref.known().size() + 99) / 100);
    java.net.http.HttpResponse<String> csv = guestAgent.dashboardGet("/api/score-jobs/breast-sbt-scores/scores.csv");
    assertThat(csv.statusCode()).as(csv.body()).isEqualTo(200);
    List<String> lines = csv.body().lines().toList();
    assertThat(lines).hasSize(ref.known().size() + 1);
    TreeSet<String> seen = new TreeSet<>();
    for (String l : lines.subList(1, lines.size())) {
      String[] f = l.replace("\"", "").split(",");
      String id = f[0];
      seen.add(id);
      double central = BoostModelShare.assembledProbability(gs, Arrays.copyOfRange(ref.guestRows().get(id), 1,
          1 + BREAST.guestFeatures()), Map.of(hostAgent.deviceId(), hs), Map.of(hostAgent.deviceId(),
          ref.hostRows().get(id)));
      assertThat(Double.parseDouble(f[1])).as("score of %s", id).isCloseTo(central, Offset.offset(1e-9));
    }
    assertThat(seen).isEqualTo(ref.known());
    assertThat(hostAgent.dashboardGet("/api/score-jobs/breast-sbt-scores/scores.csv").statusCode()).isEqualTo(404);
    System.out.printf("tree batch scoring: %d rows in %d chunks over MQTT in %.1f s%n", ref.known().size(),
        view.path("progress").path("chunks").asInt(), seconds);
  }

  @Test
  void defaultCreditTreesOverMqttMatchXgboost() throws Exception {
    TreeConfig c = TreeConfig.of(3, 3, 0.3, 32).withKeyBits(1024);
    long t0 = System.nanoTime();
    JsonNode done = runTrees(CREDIT, "credit-sbt", c, Duration.ofMinutes(10));
    double seconds = (System.nanoTime() - t0) / 1e9;
    Reference ref = reference(CREDIT, c);
    assertThat(done.path("alignedRows").asInt()).isEqualTo(ref.known().size());
    double vertical = done.path("metrics").path("test_auc").asDouble();
    System.out.printf("default_credit: vertical trees test AUC %.4f, XGBoost hist %.4f; PSI + %d trees + test in "
        + "%.1f s (guest train_seconds %s)%n", vertical, ref.xgboostAuc(), c.trees(), seconds,
        done.path("metrics").path("train_seconds"));
    assertThat(Math.abs(vertical - ref.xgboostAuc())).as("vertical %s vs XGBoost %s", vertical, ref.xgboostAuc())
        .isLessThanOrEqualTo(0.01);
  }

  private static BoostModelShare share(AgentProcess a, String job) throws Exception {
    return WireCodec.mapper().readValue(a.dataDir().resolve("state").resolve("vertical").resolve(job + ".sbt-share.json")
        .toFile(), BoostModelShare.class);
  }

  private static String sha256(AgentProcess a, String job) throws Exception {
    byte[] b = Files.readAllBytes(a.dataDir().resolve("state").resolve("vertical").resolve(job + ".sbt-share.json"));
    return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(b));
  }

  /** id -> the row's values after the id column (guest: y then features; host: features). */
  private static Map<String, double[]> read(Path csv) throws Exception {
    Map<String, double[]> out = new HashMap<>();
    List<String> lines = Files.readAllLines(csv);
    for (String l : lines.subList(1, lines.size())) {
      String[] f = l.split(",");
      double[] v = new double[f.length - 1];
      for (int i = 1; i < f.length; i++) {
        v[i - 1] = Double.parseDouble(f[i]);
      }
      out.put(f[0], v);
    }
    return out;
  }

  /** Rank AUC (ties averaged), computed here independently of the code under test. */
  private static double auc(double[] s, int[] y) {
    Integer[] order = new Integer[s.length];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    Arrays.sort(order, (a, b) -> Double.compare(s[a], s[b]));
    double rankSum = 0;
    long pos = 0;
    int i = 0;
    while (i < order.length) {
      int j = i;
      while (j + 1 < order.length && s[order[j + 1]] == s[order[i]]) {
        j++;
      }
      double rank = (i + j) / 2.0 + 1;
      for (int k = i; k <= j; k++) {
        if (y[order[k]] == 1) {
          rankSum += rank;
          pos++;
        }
      }
      i = j + 1;
    }
    long neg = s.length - pos;
    return (rankSum - pos * (pos + 1) / 2.0) / ((double) pos * neg);
  }
}
