package io.fedge.hub.vertical;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fedge.federation.vertical.relay.VerticalCodec;
import io.fedge.federation.vertical.relay.VerticalControl.JobEnd;
import io.fedge.federation.vertical.relay.VerticalControl.StageReport;
import io.fedge.federation.vertical.relay.VerticalLink;
import io.fedge.federation.vertical.relay.VerticalPacket;
import io.fedge.federation.vertical.relay.VerticalReceiver;
import io.fedge.federation.wire.ConsentDecision;
import io.fedge.federation.wire.Kinds;
import io.fedge.hub.db.Database;
import io.fedge.hub.db.Migrations;
import io.fedge.hub.rounds.RoundStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Vertical jobs in the hub database (SQLite file, schema V7) across a restart of {@link
 * VerticalJobs}: a finished job comes back with its metrics, a running one is failed and its parties
 * are told on a fresh stream. The parties are real {@link VerticalLink}s sending stage reports.
 */
class VerticalJobsRestartTest {
  private static final String GUEST = "dev-guest";
  private static final String HOST = "dev-host";

  @TempDir Path dir;

  private record Sent(String device, String kind, Object body) {}

  private static String doc(String id, String mode) {
    return ("{\"id\": \"ID\", \"type\": \"vertical\", \"purpose\": \"restart test\","
        + " \"guest\": {\"device\": \"dev-guest\", \"dataset\": \"small\", \"idColumn\": \"id\", \"features\": [\"x0\"]},"
        + " \"hosts\": [{\"device\": \"dev-host\", \"dataset\": \"large\", \"idColumn\": \"id\"}],"
        + " \"psi\": {\"mode\": \"MODE\", \"aligned\": \"ALIGNED\"}}")
        .replace("ID", id).replace("MODE", mode).replace("ALIGNED", id.replace('-', '_'));
  }

  @Test
  void afterARestartFinishedJobsKeepTheirMetricsAndRunningOnesFailWithJobEndToTheirParties() throws Exception {
    try (Database db = Database.open("jdbc:sqlite:" + dir.resolve("hub.db"))) {
      Migrations.migrateToLatest(db);
      RoundStore rounds = new RoundStore(db);
      List<Sent> before = new CopyOnWriteArrayList<>();
      VerticalJobs hub = new VerticalJobs(rounds, (d, k, b) -> before.add(new Sent(d, k, b)), Clock.systemUTC(),
          new SecureRandom());
      hub.persistTo(new VerticalStore(db));
      for (String id : List.of("align-done", "align-running")) {
        hub.submit(doc(id, id.equals("align-done") ? "GUEST_LEARNS" : "BOTH_LEARN").getBytes(StandardCharsets.UTF_8));
        VerticalSpec spec = VerticalSpec.parse(doc(id, "BOTH_LEARN").getBytes(StandardCharsets.UTF_8));
        for (String d : List.of(GUEST, HOST)) {
          VerticalSpec s = VerticalSpec.parse(doc(id, id.equals("align-done") ? "GUEST_LEARNS" : "BOTH_LEARN")
              .getBytes(StandardCharsets.UTF_8));
          hub.onConsent(d, new ConsentDecision(id, true, s.reads(d), "ops", Instant.now(), "policy"));
        }
        awaitTrue(() -> "PSI".equals(hub.view(spec.id()).orElseThrow().path("state").asText()));
      }
      // the parties of align-done report their PSI stage: the guest aligned 42 rows, the host learned nothing
      Map<String, VerticalLink> parties = Map.of(
          GUEST, new VerticalLink(GUEST, null, null, p -> hub.onPacket(GUEST, p), (j, f, m) -> { }, new SecureRandom(), 1 << 20),
          HOST, new VerticalLink(HOST, null, null, p -> hub.onPacket(HOST, p), (j, f, m) -> { }, new SecureRandom(), 1 << 20));
      parties.get(GUEST).send("align-done", VerticalPacket.HUB, new StageReport("align-done", "psi", true, null, 42, Map.of(), null));
      parties.get(HOST).send("align-done", VerticalPacket.HUB, new StageReport("align-done", "psi", true, null, 0, Map.of(), null));
      awaitTrue(() -> "DONE".equals(hub.view("align-done").orElseThrow().path("state").asText()));
      hub.close();

      List<Sent> after = new CopyOnWriteArrayList<>();
      VerticalJobs restarted = new VerticalJobs(rounds, (d, k, b) -> after.add(new Sent(d, k, b)), Clock.systemUTC(),
          new SecureRandom());
      restarted.persistTo(new VerticalStore(db));
      assertThat(restarted.list()).extracting(n -> n.path("id").asText())
          .containsExactlyInAnyOrder("align-done", "align-running");
      JsonNode done = restarted.view("align-done").orElseThrow();
      assertThat(done.path("state").asText()).isEqualTo("DONE");
      assertThat(done.path("alignedRows").asLong()).isEqualTo(42);
      assertThat(done.path("metrics").path("aligned_rows").asDouble()).isEqualTo(42.0);
      assertThat(done.path("consent").path(HOST).asText()).isEqualTo("approved");
      JsonNode failed = restarted.view("align-running").orElseThrow();
      assertThat(failed.path("state").asText()).isEqualTo("FAILED");
      assertThat(failed.path("reason").asText()).isEqualTo("hub restarted during stage PSI");

      restarted.tick();
      awaitTrue(() -> after.size() >= 2);
      List<String> told = new ArrayList<>();
      for (Sent s : after) {
        assertThat(s.kind()).isEqualTo(Kinds.VERTICAL);
        VerticalPacket p = (VerticalPacket) s.body();
        assertThat(p.jobId()).as("a fresh stream, not the job's own").startsWith("session-");
        assertThat(p.seq()).isZero();
        List<VerticalReceiver.Message> ms = new VerticalReceiver(s.device(), 1 << 20).accept(p);
        JobEnd end = (JobEnd) VerticalCodec.decode(ms.get(0).payload());
        assertThat(end.jobId()).isEqualTo("align-running");
        assertThat(end.status()).isEqualTo("FAILED");
        assertThat(end.reason()).isEqualTo("hub restarted during stage PSI");
        told.add(s.device());
      }
      assertThat(told).containsExactlyInAnyOrder(GUEST, HOST);
      // the state survives a second restart unchanged
      restarted.close();
      VerticalJobs third = new VerticalJobs(rounds, (d, k, b) -> { }, Clock.systemUTC(), new SecureRandom());
      third.persistTo(new VerticalStore(db));
      assertThat(third.view("align-running").orElseThrow().path("reason").asText())
          .isEqualTo("hub restarted during stage PSI");
      third.close();
    }
  }

  private static void awaitTrue(BooleanSupplier c) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (!c.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("condition not met within 20 s");
      }
      Thread.sleep(20);
    }
  }
}
