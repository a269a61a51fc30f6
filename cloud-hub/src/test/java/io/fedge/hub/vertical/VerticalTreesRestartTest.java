package io.fedge.hub.vertical;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fedge.federation.vertical.BoostMessages;
import io.fedge.federation.vertical.relay.VerticalCodec;
import io.fedge.federation.vertical.relay.VerticalControl.ScoringSession;
import io.fedge.federation.vertical.relay.VerticalControl.StageReport;
import io.fedge.federation.vertical.relay.VerticalLink;
import io.fedge.federation.vertical.relay.VerticalPacket;
import io.fedge.federation.vertical.relay.VerticalReceiver;
import io.fedge.federation.wire.ConsentDecision;
import io.fedge.federation.wire.Kinds;
import io.fedge.federation.wire.WireCodec;
import io.fedge.hub.db.Database;
import io.fedge.hub.db.Migrations;
import io.fedge.hub.rounds.RoundStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Online scoring of a finished tree job goes through a scoring session (a fresh stream on which the
 * parties reload their kept sbt shares): after a hub restart the session carries each party's
 * registry digest and the score request; a score nobody answers drops the session, so after an
 * agent restart the next score opens a fresh one. The parties are real {@link VerticalLink}s.
 */
class VerticalTreesRestartTest {
  private static final String GUEST = "guest-device-id";
  private static final String HOST = "host-device-id";

  @TempDir Path dir;

  private record Sent(String device, Object body) {}

  private static byte[] doc() throws Exception {
    var n = (com.fasterxml.jackson.databind.node.ObjectNode) WireCodec.mapper().readTree(
        Files.readAllBytes(Path.of("..", "examples", "jobs", "breast_hetero_sbt.json")));
    n.remove("simulation");
    return WireCodec.mapper().writeValueAsBytes(n);
  }

  @Test
  void afterAHubRestartATreeModelScoresThroughASessionWithTheKeptSharesAndASilentSessionIsReplaced()
      throws Exception {
    try (Database db = Database.open("jdbc:sqlite:" + dir.resolve("hub.db"))) {
      Migrations.migrateToLatest(db);
      RoundStore rounds = new RoundStore(db);
      VerticalJobs hub = new VerticalJobs(rounds, (d, k, b) -> { }, Clock.systemUTC(), new SecureRandom());
      hub.persistTo(new VerticalStore(db));
      VerticalSpec spec = VerticalSpec.parse(doc());
      String id = spec.id();
      hub.submit(doc());
      for (String d : List.of(GUEST, HOST)) {
        hub.onConsent(d, new ConsentDecision(id, true, spec.reads(d), "ops", Instant.now(), "policy"));
      }
      awaitTrue(() -> "PSI".equals(state(hub, id)));
      Map<String, VerticalLink> before = links(hub);
      for (String d : List.of(GUEST, HOST)) {
        before.get(d).send(id, VerticalPacket.HUB, new StageReport(id, "psi", true, null, 42, Map.of(), null));
      }
      awaitTrue(() -> "TRAINING".equals(state(hub, id)));
      for (String d : List.of(GUEST, HOST)) {
        before.get(d).send(id, VerticalPacket.HUB, new StageReport(id, "trees", true, null, 42, Map.of(), "sha-" + d));
      }
      awaitTrue(() -> "TESTING".equals(state(hub, id)));
      before.get(GUEST).send(id, VerticalPacket.HUB, new StageReport(id, "test", true, null, 11,
          Map.of("test_auc", 0.9), null));
      awaitTrue(() -> "DONE".equals(state(hub, id)));
      String modelId = hub.view(id).orElseThrow().path("modelId").asText();
      hub.close();

      List<Sent> sent = new CopyOnWriteArrayList<>();
      VerticalJobs restarted = new VerticalJobs(rounds, (d, k, b) -> {
        assertThat(k).isEqualTo(Kinds.VERTICAL);
        sent.add(new Sent(d, b));
      }, Clock.systemUTC(), new SecureRandom());
      restarted.persistTo(new VerticalStore(db));
      Map<String, VerticalLink> after = links(restarted);
      Map<String, VerticalReceiver> receivers = new HashMap<>();
      List<Object[]> got = new ArrayList<>(); // device, stream, message

      CompletableFuture<VerticalJobs.Scored> scored = CompletableFuture.supplyAsync(() -> {
        try {
          return restarted.score(modelId, List.of("a", "b"), 20_000);
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      });
      awaitTrue(() -> sent.size() >= 3);
      for (Sent s : sent) {
        VerticalPacket p = (VerticalPacket) s.body();
        for (VerticalReceiver.Message m : receivers.computeIfAbsent(s.device() + p.jobId(),
            k -> new VerticalReceiver(s.device(), 1 << 20)).accept(p)) {
          got.add(new Object[] {s.device(), p.jobId(), VerticalCodec.decode(m.payload())});
        }
      }
      String session = (String) got.get(0)[1];
      assertThat(session).as("a fresh stream, not the job's own").startsWith("session-");
      assertThat(got).allMatch(g -> session.equals(g[1]));
      for (String d : List.of(GUEST, HOST)) {
        ScoringSession s = got.stream().filter(g -> d.equals(g[0]) && g[2] instanceof ScoringSession)
            .map(g -> (ScoringSession) g[2]).findFirst().orElseThrow();
        assertThat(s.modelJob()).isEqualTo(id);
        assertThat(s.role()).isEqualTo(d.equals(GUEST) ? "guest" : "host");
        assertThat(s.shareSha256()).as("the registry's commitment of the party's share").isEqualTo("sha-" + d);
        assertThat(s.hosts()).containsExactly(HOST);
      }
      BoostMessages.ScoreRequest r = got.stream().filter(g -> g[2] instanceof BoostMessages.ScoreRequest)
          .map(g -> {
            assertThat(g[0]).as("only the guest is asked").isEqualTo(GUEST);
            return (BoostMessages.ScoreRequest) g[2];
          }).findFirst().orElseThrow();
      assertThat(r.jobId()).isEqualTo(session);
      assertThat(r.ids()).containsExactly("a", "b");
      assertThat(r.replyToRequester()).isTrue();
      after.get(GUEST).send(session, VerticalPacket.HUB, new BoostMessages.ScoreResult(session, r.requestId(),
          new double[] {0.25, 0.75}));
      assertThat(scored.get().probabilities()).containsExactly(0.25, 0.75);

      // nobody answers (say, an agent restarted and lost the session): the score times out ...
      sent.clear();
      assertThatThrownBy(() -> restarted.score(modelId, List.of("a"), 300)).isInstanceOf(TimeoutException.class);
      assertThat(sent).extracting(s -> ((VerticalPacket) s.body()).jobId()).containsOnly(session);
      // ... and the next score opens a fresh session that every party reloads its share for
      sent.clear();
      CompletableFuture.runAsync(() -> {
        try {
          restarted.score(modelId, List.of("a"), 300);
        } catch (Exception e) {
          // no party answers here
        }
      });
      awaitTrue(() -> sent.size() >= 3);
      List<String> streams = sent.stream().map(s -> ((VerticalPacket) s.body()).jobId()).distinct().toList();
      assertThat(streams).singleElement().isNotEqualTo(session).satisfies(x -> assertThat(x).startsWith("session-"));
      assertThat(sent.stream().filter(s -> ((VerticalPacket) s.body()).seq() == 0).map(Sent::device))
          .containsExactlyInAnyOrder(GUEST, HOST);
      restarted.close();
    }
  }

  private static Map<String, VerticalLink> links(VerticalJobs hub) {
    return Map.of(
        GUEST, new VerticalLink(GUEST, null, null, p -> hub.onPacket(GUEST, p), (j, f, m) -> { }, new SecureRandom(), 1 << 20),
        HOST, new VerticalLink(HOST, null, null, p -> hub.onPacket(HOST, p), (j, f, m) -> { }, new SecureRandom(), 1 << 20));
  }

  private static String state(VerticalJobs hub, String id) {
    return hub.view(id).orElseThrow().path("state").asText();
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
