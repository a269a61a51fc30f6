package io.fedge.systest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fedge.agent.data.DataStore;
import io.fedge.federation.model.Scaler;
import io.fedge.federation.model.Table;
import io.fedge.federation.vertical.LrModelShare;
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
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Vertical federation with the real hub and two separate agent processes over MQTT/TLS: PSI on the
 * breast hetero split with 20% of each side's rows dropped (examples/data/vertical), vertical LR
 * with the hub as arbiter, test AUC against central Tribuo LR on the joined rows, and online
 * scoring through the parties against the centrally assembled model, then batch scoring driven by
 * the guest (scores downloadable from the guest's dashboard only).
 */
class VerticalFederationIT {
  static final ObjectMapper JSON = new ObjectMapper();
  static final Path DATA = Path.of("..", "examples", "data", "vertical").toAbsolutePath().normalize();
  static final long SEED = 7;
  static final double TEST_FRACTION = 0.25;

  @TempDir Path dir;
  private HubProcess hub;
  private final List<AgentProcess> agents = new ArrayList<>();

  @AfterEach
  void stopAll() {
    agents.forEach(AgentProcess::stop);
    if (hub != null) {
      hub.stop();
    }
  }

  private static List<String> cols(String prefix, int n) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(prefix + i);
    }
    return out;
  }

  private String startAgent(OpsClient ops, String name, Path file, String dataset, String reads) throws Exception {
    Path data = dir.resolve(name);
    Path dropbox = data.resolve("dropbox");
    Files.createDirectories(dropbox);
    Files.copy(file, dropbox.resolve(dataset + ".csv.part"));
    Files.move(dropbox.resolve(dataset + ".csv.part"), dropbox.resolve(dataset + ".csv"), StandardCopyOption.ATOMIC_MOVE);
    AgentProcess a = AgentProcess.start(name, data, ops.mintClaimBundle("dealers", 3600),
        Map.of("data.dropbox", dropbox.toString(), "data.dropbox.poll", "PT0.2S", "data.dropbox.settle", "PT0.2S",
            "consent.policies", "systest", "consent.policy.systest.requester", "systest",
            "consent.policy.systest.reads", reads));
    agents.add(a);
    Path processed = dropbox.resolve("processed").resolve(dataset + ".csv");
    await(name + " ingested").atMost(Duration.ofSeconds(90)).until(() -> Files.exists(processed));
    await(name + " enrolled").atMost(Duration.ofSeconds(120)).until(() -> a.deviceId() != null);
    return a.deviceId();
  }

  @Test
  void psiAndVerticalLrOverMqttFindTheKnownIntersectionMatchCentralLrAndScoreOnline() throws Exception {
    hub = HubProcess.start("vertical-hub", dir.resolve("hub"), Map.of());
    OpsClient ops = hub.ops();
    List<String> gx = cols("x", 10);
    List<String> hx = cols("x", 20);
    String guest = startAgent(ops, "vertical-guest", DATA.resolve("breast_hetero_guest.csv"), "breast_guest",
        "breast_guest:id,y," + String.join(",", gx) + ";breast_aligned:psi_id,y," + String.join(",", gx)
        + ";breast_guest_only:psi_id,y," + String.join(",", gx) + ";breast_small_1:psi_id,y," + String.join(",", gx)
        + ";breast_small_2:psi_id,y," + String.join(",", gx));
    String host = startAgent(ops, "vertical-host", DATA.resolve("breast_hetero_host.csv"), "breast_host",
        "breast_host:id," + String.join(",", hx) + ";breast_aligned:psi_id," + String.join(",", hx));
    await("agents online").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(300)).until(() -> {
      int n = 0;
      for (JsonNode d : ops.devices()) {
        n += d.path("online").asBoolean() ? 1 : 0;
      }
      return n == 2;
    });

    ObjectNode job = JSON.createObjectNode();
    job.put("id", "breast-vlr");
    job.put("type", "vertical");
    job.put("requester", "systest");
    job.put("purpose", "integration test");
    job.set("guest", JSON.valueToTree(Map.of("device", guest, "dataset", "breast_guest", "idColumn", "id",
        "label", "y", "features", gx)));
    job.set("hosts", JSON.valueToTree(List.of(Map.of("device", host, "dataset", "breast_host", "idColumn", "id",
        "features", hx))));
    job.set("psi", JSON.valueToTree(Map.of("mode", "BOTH_LEARN", "normalization", "exact", "aligned", "breast_aligned")));
    job.set("model", JSON.valueToTree(Map.of("type", "lr", "maxEpochs", 100, "batchSize", 32, "learningRate", 0.05,
        "validationFraction", 0.0, "patience", 1)));
    job.put("testFraction", TEST_FRACTION);
    job.put("seed", SEED);
    OpsClient.Response created = ops.post("/api/v1/vertical-jobs", job);
    assertThat(created.status()).as(created.body().toString()).isEqualTo(201);

    await("vertical job over").atMost(Duration.ofMinutes(4)).pollInterval(Duration.ofMillis(500)).until(() -> {
      String s = ops.get("/api/v1/vertical-jobs/breast-vlr").body().path("state").asText();
      return s.equals("DONE") || s.equals("FAILED");
    });
    JsonNode done = ops.get("/api/v1/vertical-jobs/breast-vlr").body();
    assertThat(done.path("state").asText()).as(done.toString()).isEqualTo("DONE");

    // PSI: both agents hold the known intersection as a derived dataset
    TreeSet<String> known = new TreeSet<>(Files.readAllLines(DATA.resolve("breast_hetero_intersection.txt")));
    known.remove("");
    assertThat(done.path("alignedRows").asInt()).isEqualTo(known.size());
    for (AgentProcess a : agents) {
      List<String> aligned = new ArrayList<>();
      try (DataStore store = DataStore.open(a.dataDir().resolve("state").resolve("data.db"))) {
        store.scan("breast_aligned", List.of("psi_id"), row -> aligned.add((String) row[0]));
      }
      assertThat(new TreeSet<>(aligned)).isEqualTo(known);
      assertThat(aligned).hasSize(known.size());
    }

    // quality: central Tribuo LR on the joined rows, same test split, same standardisation rule
    Map<String, double[]> gRows = read(DATA.resolve("breast_hetero_guest.csv"));
    Map<String, double[]> hRows = read(DATA.resolve("breast_hetero_host.csv"));
    List<double[]> trainX = new ArrayList<>();
    List<double[]> testX = new ArrayList<>();
    List<Double> trainY = new ArrayList<>();
    List<Double> testY = new ArrayList<>();
    for (String id : known) {
      double[] g = gRows.get(id);
      double[] h = hRows.get(id);
      double[] x = new double[30];
      System.arraycopy(g, 1, x, 0, 10);
      System.arraycopy(h, 0, x, 10, 20);
      boolean test = TestSplit.isTest(SEED, id, TEST_FRACTION);
      (test ? testX : trainX).add(x);
      (test ? testY : trainY).add(g[0]);
    }
    Table train = table(trainX, trainY);
    Table test = table(testX, testY);
    Scaler s = Scaler.fit(train);
    double central = FederatedRoundsIT.tribuoAuc(s.transform(train), s.transform(test));
    double vertical = done.path("metrics").path("test_auc").asDouble();
    assertThat(done.path("metrics").path("test_rows").asInt()).isEqualTo(testX.size());
    assertThat(vertical).as("vertical test AUC vs central Tribuo %s", central).isGreaterThan(central - 0.01);

    // the model is in the registry with its metrics and one share commitment per party
    String modelId = done.path("modelId").asText();
    JsonNode model = ops.get("/api/v1/models/" + modelId).body();
    assertThat(model.toString()).contains("vertical-lr").contains(guest).contains(host);

    // online scoring through the parties equals the centrally assembled split model
    String row = known.first();
    OpsClient.Response scored = ops.post("/api/v1/models/" + modelId + "/score", Map.of("id", row));
    assertThat(scored.status()).as(scored.body().toString()).isEqualTo(200);
    LrModelShare gs = share(agents.get(0), "breast-vlr");
    LrModelShare hs = share(agents.get(1), "breast-vlr");
    double z = gs.partialScore(java.util.Arrays.copyOfRange(gRows.get(row), 1, 11)) + hs.partialScore(hRows.get(row));
    double central1 = 1 / (1 + Math.exp(-z));
    assertThat(scored.body().path("probability").asDouble()).isCloseTo(central1, org.assertj.core.data.Offset.offset(1e-9));
    assertThat(scored.body().path("latencyMs").asDouble()).isPositive();
    // an id outside the intersection cannot be scored
    String outside = gRows.keySet().stream().filter(id -> !known.contains(id)).findFirst().orElseThrow();
    assertThat(ops.post("/api/v1/models/" + modelId + "/score", Map.of("id", outside)).status()).isEqualTo(422);

    batchScoring(ops, modelId, known, gRows, hRows, gs, hs);

    // GUEST_LEARNS (PSI only): the guest stores the intersection, the host learns and stores nothing
    OpsClient.Response trainGl = ops.post("/api/v1/vertical-jobs", job.deepCopy().put("id", "breast-gl-train")
        .set("psi", JSON.valueToTree(Map.of("mode", "GUEST_LEARNS", "aligned", "breast_guest_only"))));
    assertThat(trainGl.status()).isEqualTo(400);
    assertThat(trainGl.body().toString()).contains("psi.mode").contains("PSI-only job");
    JsonNode gl = runJob(ops, psiOnly("breast-guest-learns", guest, host, gx,
        Map.of("mode", "GUEST_LEARNS", "normalization", "exact", "aligned", "breast_guest_only")));
    assertThat(gl.path("alignedRows").asInt()).isEqualTo(known.size());
    assertThat(alignedIds(agents.get(0), "breast_guest_only")).isEqualTo(new ArrayList<>(known));
    try (DataStore store = DataStore.open(agents.get(1).dataDir().resolve("state").resolve("data.db"))) {
      assertThat(store.dataset("breast_guest_only")).as("the host learns nothing").isEmpty();
    }

    // UNBALANCED (PSI only): the host is the large party and publishes its filter of 32-bit fingerprints
    Map<String, Object> unbalanced = map("mode", "UNBALANCED", "normalization", "exact", "aligned", "breast_small_1",
        "filterId", "breast-host-filter-1");
    JsonNode ub1 = runJob(ops, psiOnly("breast-unbalanced-1", guest, host, gx, unbalanced));
    assertThat(ub1.path("alignedRows").asInt()).isEqualTo(known.size());
    assertThat(ub1.path("metrics").path("filter_ids_blinded").asInt()).isEqualTo(hRows.size());
    assertThat(ub1.path("metrics").path("expected_false_positives_bound").asDouble()).isLessThan(1e-5);
    assertThat(alignedIds(agents.get(0), "breast_small_1")).isEqualTo(new ArrayList<>(known));

    // durability: the hub and the host restart; the finished job keeps its metrics, and online scoring
    // works again (the parties reload their kept shares from disk in a scoring session)
    double before = scored.body().path("probability").asDouble();
    hub = hub.restart();
    agents.set(1, agents.get(1).restart());
    OpsClient ops2 = hub.ops();
    JsonNode restored = ops2.get("/api/v1/vertical-jobs/breast-vlr").body();
    assertThat(restored.path("state").asText()).as(restored.toString()).isEqualTo("DONE");
    assertThat(restored.path("modelId").asText()).isEqualTo(modelId);
    assertThat(restored.path("metrics").path("test_auc").asDouble()).isEqualTo(vertical);
    assertThat(restored.path("alignedRows").asInt()).isEqualTo(known.size());
    List<String> listed = new ArrayList<>();
    ops2.get("/api/v1/vertical-jobs").body().path("jobs").forEach(j -> listed.add(j.path("id").asText()));
    assertThat(listed).contains("breast-vlr", "breast-guest-learns", "breast-unbalanced-1");
    await("agents online after the restart").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(300)).until(() -> {
      int n = 0;
      for (JsonNode d : ops2.devices()) {
        n += d.path("online").asBoolean() ? 1 : 0;
      }
      return n == 2;
    });
    OpsClient.Response again = ops2.post("/api/v1/models/" + modelId + "/score", Map.of("id", row));
    assertThat(again.status()).as(again.body().toString()).isEqualTo(200);
    assertThat(again.body().path("probability").asDouble()).isCloseTo(before, org.assertj.core.data.Offset.offset(1e-12));
    assertThat(Files.getPosixFilePermissions(agents.get(1).dataDir().resolve("state").resolve("vertical")
        .resolve("breast-vlr.lr-share.json"))).containsExactlyInAnyOrder(java.nio.file.attribute.PosixFilePermission.OWNER_READ,
        java.nio.file.attribute.PosixFilePermission.OWNER_WRITE);

    // a later job reuses the published filter: the restarted large party loads it and blinds nothing again
    unbalanced.put("aligned", "breast_small_2");
    JsonNode ub2 = runJob(ops2, psiOnly("breast-unbalanced-2", guest, host, gx, unbalanced));
    assertThat(ub2.path("metrics").path("filter_ids_blinded").asInt()).isZero();
    assertThat(ub2.path("alignedRows").asInt()).isEqualTo(known.size());
    assertThat(alignedIds(agents.get(0), "breast_small_2")).isEqualTo(new ArrayList<>(known));

    // psi.reuse: a second job trains on the aligned dataset of the first without running PSI
    ObjectNode reuse = job.deepCopy();
    reuse.put("id", "breast-vlr-reuse");
    reuse.set("psi", JSON.valueToTree(Map.of("reuse", true, "aligned", "breast_aligned")));
    reuse.set("model", JSON.valueToTree(Map.of("type", "lr", "maxEpochs", 5, "batchSize", 32, "learningRate", 0.05,
        "validationFraction", 0.0, "patience", 1)));
    OpsClient.Response missing = ops2.post("/api/v1/vertical-jobs", reuse.deepCopy().set("psi",
        JSON.valueToTree(Map.of("reuse", true, "aligned", "other_aligned"))));
    assertThat(missing.status()).isEqualTo(400);
    assertThat(missing.body().toString()).contains("no vertical job of this hub aligned a dataset of that name");
    ObjectNode swapped = reuse.deepCopy();
    swapped.put("id", "breast-vlr-swapped");
    ((ObjectNode) swapped.get("guest")).put("device", host);
    ((ObjectNode) swapped.get("hosts").get(0)).put("device", guest);
    OpsClient.Response other = ops2.post("/api/v1/vertical-jobs", swapped);
    assertThat(other.status()).isEqualTo(400);
    assertThat(other.body().toString()).contains("was aligned by job breast-vlr");
    OpsClient.Response reused = ops2.post("/api/v1/vertical-jobs", reuse);
    assertThat(reused.status()).as(reused.body().toString()).isEqualTo(201);
    await("reuse job over").atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(500)).until(() -> {
      String st = ops2.get("/api/v1/vertical-jobs/breast-vlr-reuse").body().path("state").asText();
      return st.equals("DONE") || st.equals("FAILED");
    });
    JsonNode reuseDone = ops2.get("/api/v1/vertical-jobs/breast-vlr-reuse").body();
    assertThat(reuseDone.path("state").asText()).as(reuseDone.toString()).isEqualTo("DONE");
    assertThat(reuseDone.has("alignedRows")).as("no PSI ran").isFalse();
    assertThat(reuseDone.path("metrics").path("test_rows").asInt()).isEqualTo(testX.size());
    assertThat(reuseDone.path("metrics").path("test_auc").asDouble()).isGreaterThan(0.9);
  }

  private static ObjectNode psiOnly(String id, String guest, String host, List<String> gx, Map<String, Object> psi) {
    ObjectNode job = JSON.createObjectNode();
    job.put("id", id);
    job.put("type", "vertical");
    job.put("requester", "systest");
    job.put("purpose", "integration test: alignment only");
    job.set("guest", JSON.valueToTree(Map.of("device", guest, "dataset", "breast_guest", "idColumn", "id",
        "label", "y", "features", gx)));
    job.set("hosts", JSON.valueToTree(List.of(Map.of("device", host, "dataset", "breast_host", "idColumn", "id"))));
    job.set("psi", JSON.valueToTree(psi));
    return job;
  }

  private static JsonNode runJob(OpsClient ops, ObjectNode job) throws Exception {
    String id = job.path("id").asText();
    OpsClient.Response created = ops.post("/api/v1/vertical-jobs", job);
    assertThat(created.status()).as(created.body().toString()).isEqualTo(201);
    await(id + " over").atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(500)).until(() -> {
      String s = ops.get("/api/v1/vertical-jobs/" + id).body().path("state").asText();
      return s.equals("DONE") || s.equals("FAILED");
    });
    JsonNode done = ops.get("/api/v1/vertical-jobs/" + id).body();
    assertThat(done.path("state").asText()).as(done.toString()).isEqualTo("DONE");
    return done;
  }

  /** The psi_id column of an agent's derived dataset, in row order. */
  private static List<String> alignedIds(AgentProcess a, String dataset) throws Exception {
    List<String> out = new ArrayList<>();
    try (DataStore store = DataStore.open(a.dataDir().resolve("state").resolve("data.db"))) {
      store.scan(dataset, List.of("psi_id"), row -> out.add((String) row[0]));
    }
    return out;
  }

  /**
   * Batch scoring over MQTT: the guest drives chunks of 100 rows with the host, stores the scores
   * and serves them as CSV on its own dashboard; the hub sees counts only, the host has nothing.
   */
  private void batchScoring(OpsClient ops, String modelId, TreeSet<String> known, Map<String, double[]> gRows,
      Map<String, double[]> hRows, LrModelShare gs, LrModelShare hs) throws Exception {
    assertThat(ops.post("/api/v1/models/no-such-v1/score-jobs", Map.of("id", "x-scores", "output", "x")).status())
        .isEqualTo(404);
    OpsClient.Response started = ops.post("/api/v1/models/" + modelId + "/score-jobs", map("id", "breast-scores",
        "requester", "systest", "purpose", "integration test", "output", "breast_scores", "chunkRows", 100));
    assertThat(started.status()).as(started.body().toString()).isEqualTo(201);
    long t0 = System.nanoTime();
    await("batch scoring over").atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(300)).until(() -> {
      String s = ops.get("/api/v1/score-jobs/breast-scores").body().path("state").asText();
      return s.equals("DONE") || s.equals("FAILED");
    });
    double seconds = (System.nanoTime() - t0) / 1e9;
    JsonNode view = ops.get("/api/v1/score-jobs/breast-scores").body();
    assertThat(view.path("state").asText()).as(view.toString()).isEqualTo("DONE");
    assertThat(view.path("progress").path("rowsScored").asInt()).isEqualTo(known.size());
    assertThat(view.path("progress").path("rowsTotal").asInt()).isEqualTo(known.size());
    assertThat(view.path("progress").path("chunks").asInt()).isEqualTo((known.size() + 99) / 100);
    // the hub's view holds counts, names and states only: no id, no score
    List<String> fields = new ArrayList<>();
    view.fieldNames().forEachRemaining(fields::add);
    assertThat(fields).containsExactlyInAnyOrder("id", "type", "modelId", "state", "reason", "guest", "hosts",
        "datasets", "output", "chunkRows", "consentUntil", "consent", "progress", "submittedAt", "finishedAt");
    assertThat(view.path("hosts").size()).isEqualTo(1);
    assertThat(view.toString()).doesNotContain("psi_id").doesNotContain("score\":0.");

    // the guest downloads its scores; each equals the centrally assembled split model (hence the online score)
    java.net.http.HttpResponse<String> csv = agents.get(0).dashboardGet("/api/score-jobs/breast-scores/scores.csv");
    assertThat(csv.statusCode()).as(csv.body()).isEqualTo(200);
    assertThat(csv.headers().firstValue("content-type").orElse("")).startsWith("text/csv");
    List<String> lines = csv.body().lines().toList();
    assertThat(lines.get(0)).isEqualTo("\"psi_id\",\"score\",\"y\""); // the dashboard quotes every field
    assertThat(lines).hasSize(known.size() + 1);
    TreeSet<String> seen = new TreeSet<>();
    for (String l : lines.subList(1, lines.size())) {
      String[] f = l.replace("\"", "").split(",");
      String id = f[0];
      seen.add(id);
      double z = gs.partialScore(java.util.Arrays.copyOfRange(gRows.get(id), 1, 11)) + hs.partialScore(hRows.get(id));
      assertThat(Double.parseDouble(f[1])).as("score of %s", id)
          .isCloseTo(1 / (1 + Math.exp(-z)), org.assertj.core.data.Offset.offset(1e-9));
      assertThat(Double.parseDouble(f[2])).isEqualTo(gRows.get(id)[0]);
    }
    assertThat(seen).isEqualTo(known);
    // the host's dashboard has no scores of the job
    assertThat(agents.get(1).dashboardGet("/api/score-jobs/breast-scores/scores.csv").statusCode()).isEqualTo(404);
    System.out.printf("batch scoring: %d rows in %d chunks over MQTT in %.1f s%n", known.size(),
        view.path("progress").path("chunks").asInt(), seconds);
  }

  private static LrModelShare share(AgentProcess a, String job) throws Exception {
    return WireCodec.mapper().readValue(a.dataDir().resolve("state").resolve("vertical").resolve(job + ".lr-share.json")
        .toFile(), LrModelShare.class);
  }

  /** id -> the row's values after the id column (guest: y then x0..x9; host: x0..x19). */
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

  private static Table table(List<double[]> x, List<Double> y) {
    int cols = x.get(0).length;
    double[] flat = new double[x.size() * cols];
    double[] yy = new double[y.size()];
    for (int r = 0; r < x.size(); r++) {
      System.arraycopy(x.get(r), 0, flat, r * cols, cols);
      yy[r] = y.get(r);
    }
    return new Table(x.size(), cols, flat, yy, cols("f", cols));
  }

  static Map<String, Object> map(Object... kv) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put((String) kv[i], kv[i + 1]);
    }
    return m;
  }
}
