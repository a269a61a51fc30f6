package io.fedge.systest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fedge.federation.model.Evaluation;
import io.fedge.federation.model.Scaler;
import io.fedge.federation.model.Table;
import io.fedge.federation.model.TableCsv;
import io.fedge.hub.sim.Sim;
import io.fedge.systest.support.AgentProcess;
import io.fedge.systest.support.HubProcess;
import io.fedge.systest.support.OpsClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tribuo.Example;
import org.tribuo.MutableDataset;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.classification.evaluation.LabelEvaluationUtil;
import org.tribuo.classification.sgd.linear.LinearSGDTrainer;
import org.tribuo.classification.sgd.objectives.LogMulticlass;
import org.tribuo.provenance.SimpleDataSourceProvenance;
import org.tribuo.impl.ArrayExample;
import org.tribuo.math.optimisers.AdaGrad;

/**
 * Federated rounds with the real hub and separate agent processes over MQTT: quality against an
 * independent central baseline (Tribuo), and recovery from a hub kill -9 and an agent kill in the
 * middle of a round.
 */
class FederatedRoundsIT {
  static final ObjectMapper JSON = new ObjectMapper();
  static final Path FATE = Path.of("..", "examples", "data", "fate").toAbsolutePath().normalize();

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

  private List<String> startAgents(OpsClient ops, List<Path> files) throws Exception {
    return startAgents(dir, "rounds-agent-", ops, files, agents);
  }

  /**
   * Starts one agent process per file under {@code dir/agent-N}: the file goes in through the
   * agent's drop folder, and a standing policy approves the {@code systest} requester for the
   * breast columns only. Returns the device ids once every agent has ingested and is online.
   */
  static List<String> startAgents(Path dir, String prefix, OpsClient ops, List<Path> files, List<AgentProcess> agents)
      throws Exception {
    for (int i = 0; i < files.size(); i++) {
      Path data = dir.resolve("agent-" + (i + 1));
      Path dropbox = data.resolve("dropbox");
      Files.createDirectories(dropbox);
      Files.copy(files.get(i), dropbox.resolve("breast.csv.part"));
      Files.move(dropbox.resolve("breast.csv.part"), dropbox.resolve("breast.csv"), StandardCopyOption.ATOMIC_MOVE);
      // the dealer's standing policy: approve this requester's jobs reading these columns, nothing more
      agents.add(AgentProcess.start(prefix + (i + 1), data, ops.mintClaimBundle("dealers", 3600),
          Map.of("data.dropbox", dropbox.toString(), "data.dropbox.poll", "PT0.2S", "data.dropbox.settle", "PT0.2S",
              "consent.policies", "systest", "consent.policy.systest.requester", "systest",
              "consent.policy.systest.reads", "breast:" + String.join(",", columns()))));
    }
    for (int i = 0; i < files.size(); i++) {
      Path processed = dir.resolve("agent-" + (i + 1)).resolve("dropbox").resolve("processed").resolve("breast.csv");
      await("agent " + (i + 1) + " ingested its data").atMost(Duration.ofSeconds(180)).until(() -> Files.exists(processed));
    }
    await("agents online").atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(300))
        .until(() -> countOnline(ops) == files.size());
    List<String> ids = new ArrayList<>();
    for (AgentProcess a : agents) {
      await().atMost(Duration.ofSeconds(60)).until(() -> a.deviceId() != null);
      ids.add(a.deviceId());
    }
    return ids;
  }

  private static int countOnline(OpsClient ops) {
    int n = 0;
    for (JsonNode d : ops.devices()) {
      n += d.path("online").asBoolean() ? 1 : 0;
    }
    return n;
  }

  /** The label then the 30 features of the FATE breast data. */
  static List<String> columns() {
    List<String> cols = new ArrayList<>(List.of("y"));
    for (int i = 0; i < 30; i++) {
      cols.add("x" + i);
    }
    return cols;
  }

  static ObjectNode job(String id, List<String> devices, boolean secure, int rounds, int deadline, int quorum) {
    ObjectNode j = JSON.createObjectNode();
    j.put("id", id);
    j.put("requester", "systest");
    j.put("purpose", "integration test");
    j.set("participants", JSON.valueToTree(devices));
    j.set("datasets", JSON.valueToTree(List.of(Map.of("dataset", "breast", "columns", columns()))));
    j.put("label", "y");
    j.set("model", JSON.valueToTree(Map.of("type", "logistic")));
    j.set("hyper", JSON.valueToTree(Map.of("learningRate", 0.1, "localEpochs", 2, "batchSize", 32)));
    j.put("rounds", rounds);
    j.put("roundDeadlineSeconds", deadline);
    j.put("quorum", quorum);
    j.set("secureAggregation", JSON.valueToTree(Map.of("enabled", secure, "maxDropoutFraction", 0.3)));
    return j;
  }

  private JsonNode awaitJob(OpsClient ops, String id, Duration max) {
    await("job " + id + " over").atMost(max).pollInterval(Duration.ofMillis(500)).until(() -> {
      String s = ops.get("/api/v1/jobs/" + id).body().path("state").asText();
      return !s.equals("CONSENT") && !s.equals("RUNNING");
    });
    return ops.get("/api/v1/jobs/" + id).body();
  }

  private double[] download(String modelId) throws Exception {
    HttpClient http = HttpClient.newBuilder()
        .sslContext(io.fedge.provisioning.TlsContexts.pinnedClient(hub.caFingerprint())).build();
    HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(URI.create(hub.url() + "/api/v1/models/" + modelId + "/parameters"))
        .header("Authorization", "Bearer " + HubProcess.OPS_TOKEN).build(), HttpResponse.BodyHandlers.ofByteArray());
    assertThat(r.statusCode()).isEqualTo(200);
    double[] p = new double[r.body().length / 8];
    ByteBuffer.wrap(r.body()).asDoubleBuffer().get(p);
    return p;
  }

  @Test
  void securelyAggregatedFederatedLogisticRegressionOverMqttMatchesCentralTribuoTraining() throws Exception {
    hub = HubProcess.start("rounds-hub", dir.resolve("hub"), Map.of());
    OpsClient ops = hub.ops();
    List<Path> parties = List.of(FATE.resolve("breast_homo_guest.csv"), FATE.resolve("breast_homo_host.csv"));
    long booting = System.nanoTime();
    List<String> ids = startAgents(ops, parties);
    // a secure round splits its deadline into four phases (advertise ends at a quarter): twice the
    // plain deadline, 60 s at least, so a slow machine's agents never miss a phase and force a retry
    int deadline = Math.max(60, 2 * roundDeadlineSeconds(Duration.ofNanos(System.nanoTime() - booting), parties.size()));
    assertThat(ops.post("/api/v1/jobs", job("breast-lr", ids, true, 5, deadline, 2)).status()).isEqualTo(201);
    JsonNode job = awaitJob(ops, "breast-lr", Duration.ofMinutes(4).plusSeconds(deadline));
    assertThat(job.path("state").asText()).as(job.toString()).isEqualTo("DONE");
    JsonNode model = ops.get("/api/v1/models/" + job.path("modelId").asText()).body();
    double[] params = download(job.path("modelId").asText());
    Evaluation federated = Sim.evaluate(model.get("spec"), params, FATE.resolve("breast_homo_test.csv"));

    Table train = Table.concat(List.of(TableCsv.read(parties.get(0), "y", "id"), TableCsv.read(parties.get(1), "y", "id")));
    Scaler s = Scaler.fit(train);
    double central = tribuoAuc(s.transform(train), s.transform(TableCsv.read(FATE.resolve("breast_homo_test.csv"), "y", "id")));
    assertThat(federated.auc()).as("federated AUC vs central Tribuo AUC %s", central).isGreaterThan(central - 0.01);

    JsonNode rounds = ops.get("/api/v1/jobs/breast-lr/rounds").body().get("rounds");
    assertThat(rounds).hasSize(6);
    JsonNode digest = rounds.get(5).get("digest");
    assertThat(digest.get("participants")).hasSize(2);
    assertThat(digest.get("commitments")).hasSize(2);
    assertThat(model.get("sha256").asText()).isEqualTo(rounds.get(5).get("aggregateSha256").asText());
  }

  /** Tribuo's linear SGD with the logistic loss on the union: the independent central reference. */
  static double tribuoAuc(Table train, Table test) {
    LabelFactory f = new LabelFactory();
    MutableDataset<Label> ds = new MutableDataset<>(new SimpleDataSourceProvenance("union", f), f);
    String[] names = train.columns().toArray(String[]::new);
    for (int r = 0; r < train.rows(); r++) {
      ds.add(example(train, r, names));
    }
    var model = new LinearSGDTrainer(new LogMulticlass(), new AdaGrad(0.1, 0.1), 10, 10 * train.rows(), 1, 7L).train(ds);
    boolean[] pos = new boolean[test.rows()];
    double[] score = new double[test.rows()];
    for (int r = 0; r < test.rows(); r++) {
      pos[r] = test.y()[r] == 1;
      score[r] = model.predict(example(test, r, names)).getOutputScores().get("1").getScore();
    }
    return LabelEvaluationUtil.binaryAUCROC(pos, score);
  }

  private static Example<Label> example(Table t, int r, String[] names) {
    double[] v = Arrays.copyOfRange(t.x(), r * t.cols(), (r + 1) * t.cols());
    return new ArrayExample<>(new Label(t.y()[r] == 1 ? "1" : "0"), names, v);
  }

  /**
   * A round deadline that a restarted agent's boot fits in with room to train: the
   * agents' first boot shows how fast this machine is now (about 5 s an agent when quiet, 30 s and
   * more under heavy load). 25 s at least; a quiet run never waits for it, every round completes
   * when its last participant answers.
   */
  static int roundDeadlineSeconds(Duration bootOfAll, int agents) {
    long perAgent = bootOfAll.toSeconds() / Math.max(1, agents);
    return (int) Math.min(240, Math.max(25, 3 * perAgent + 15));
  }

  /** True once the job's round 1 holds updates from every one of {@code devices}, or is over. */
  private static boolean liveUpdatesStored(OpsClient ops, String jobId, List<String> devices) {
    JsonNode open = ops.get("/api/v1/jobs/" + jobId + "/progress").body().path("open");
    if (!open.isObject() || open.path("round").asInt() != 1) {
      return true;
    }
    List<String> uploaded = new ArrayList<>();
    open.path("uploaded").forEach(d -> uploaded.add(d.asText()));
    return uploaded.containsAll(devices);
  }

  @Test
  void aHubKilledMidRoundAndAnAgentKilledMidRoundAreRecoveredAndTheJobCompletes() throws Exception {
    hub = HubProcess.start("rounds-kill-hub", dir.resolve("hub"), Map.of());
    OpsClient ops = hub.ops();
    List<Path> parties = List.of(FATE.resolve("breast_homo_guest.csv"), FATE.resolve("breast_homo_host.csv"),
        FATE.resolve("breast_homo_guest.csv"));
    long booting = System.nanoTime();
    List<String> ids = startAgents(ops, parties);
    int deadline = roundDeadlineSeconds(Duration.ofNanos(System.nanoTime() - booting), parties.size());
    ObjectNode j = job("breast-kill", ids, false, 2, deadline, 2);
    j.set("pipeline", JSON.valueToTree(List.of("train", "publish")));
    // agent 3 is killed as soon as it is invited: round 1 goes on with the two live agents' updates
    assertThat(ops.post("/api/v1/jobs", j).status()).isEqualTo(201);
    await("round 1 collecting").atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(200)).until(() ->
        ops.get("/api/v1/jobs/breast-kill/rounds").body().path("rounds").path(0).path("state").asText().equals("COLLECTING"));
    agents.get(2).kill();
    await("the live agents' round-1 updates stored").atMost(Duration.ofSeconds(deadline + 30L))
        .pollInterval(Duration.ofMillis(200)).until(() -> liveUpdatesStored(ops, "breast-kill", ids.subList(0, 2)));
    hub.kill();
    // the appliance boots again while the hub does, as after a site-wide power cut: round 2 waits for
    // it only as long as its boot takes, not the hub's start plus its boot
    AgentProcess killed = agents.get(2);
    CompletableFuture<AgentProcess> third = CompletableFuture.supplyAsync(killed::restart);
    try {
      hub = hub.restart();
    } finally {
      agents.set(2, third.join());
    }
    OpsClient after = hub.ops();
    JsonNode job = awaitJob(after, "breast-kill", Duration.ofMinutes(3).plusSeconds(2L * deadline));
    assertThat(job.path("state").asText()).as(job.toString()).isEqualTo("DONE");
    JsonNode rounds = after.get("/api/v1/jobs/breast-kill/rounds").body().get("rounds");
    // round 1 resumed from its stored updates (one attempt): with or without the restarted agent
    assertThat(rounds.get(0).path("round").asInt()).isEqualTo(1);
    assertThat(rounds.get(0).path("attempt").asInt()).isEqualTo(1);
    assertThat(rounds.get(0).path("state").asText()).isEqualTo("DONE");
    assertThat(rounds.get(0).path("digest").path("participants")).hasSizeGreaterThanOrEqualTo(2);
    // the restarted agent takes part again in round 2
    JsonNode last = rounds.get(rounds.size() - 1);
    assertThat(last.path("round").asInt()).isEqualTo(2);
    assertThat(last.path("digest").path("participants").toString()).contains(ids.get(2));
  }
}
