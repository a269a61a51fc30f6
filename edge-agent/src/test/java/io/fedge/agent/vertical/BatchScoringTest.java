package io.fedge.agent.vertical;

import static org.assertj.core.api.Assertions.assertThat;

import io.fedge.agent.consent.ConsentGuard;
import io.fedge.agent.consent.ConsentService;
import io.fedge.agent.data.Column;
import io.fedge.agent.data.ColumnType;
import io.fedge.agent.data.DataStore;
import io.fedge.agent.data.DatasetBatch;
import io.fedge.agent.data.Schema;
import io.fedge.agent.messaging.Uplink;
import io.fedge.federation.vertical.LrModelShare;
import io.fedge.federation.vertical.Standardizer;
import io.fedge.federation.vertical.VerticalMessage;
import io.fedge.federation.vertical.relay.ScoreControl.ScoreProgress;
import io.fedge.federation.vertical.relay.ScoreControl.ScoreStage;
import io.fedge.federation.vertical.relay.VerticalCodec;
import io.fedge.federation.vertical.relay.VerticalControl.JobEnd;
import io.fedge.federation.vertical.relay.VerticalControl.StageReport;
import io.fedge.federation.vertical.relay.VerticalPacket;
import io.fedge.federation.wire.DatasetColumns;
import io.fedge.federation.wire.JobOffer;
import io.fedge.federation.wire.WireCodec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Batch scoring between a guest and a host agent, each with its own SQLite data store, consent
 * store and model share on disk; messages go through the vertical codec (the relay's sealing is
 * tested with the relay).
 */
class BatchScoringTest {
  @TempDir Path dir;
  private final List<AutoCloseable> open = new ArrayList<>();
  private final Deque<Object[]> wire = new ArrayDeque<>(); // job, from, to, message
  private final List<Object[]> toHub = new ArrayList<>(); // from, message
  private final Map<String, BatchScoring> parties = new HashMap<>();
  private final Map<String, DataStore> stores = new HashMap<>();
  private final Map<String, ConsentService> consents = new HashMap<>();

  @AfterEach
  void close() throws Exception {
    for (AutoCloseable c : open) {
      c.close();
    }
  }

  private static final LrModelShare GUEST_SHARE = new LrModelShare("g", List.of("a", "b"),
      new Standardizer(new double[] {1, -2}, new double[] {2, 0.5}), new double[] {0.7, -1.3, 0.25}, true);
  private static final LrModelShare HOST_SHARE = new LrModelShare("h", List.of("c"),
      new Standardizer(new double[] {3}, new double[] {1.5}), new double[] {2.1}, false);

  private static double[] guestRow(int i) {
    return new double[] {i * 0.37 % 5, (i * 1.9) % 3 - 1};
  }

  private static double[] hostRow(int i) {
    return new double[] {(i * 2.3) % 7};
  }

  private void party(String self, LrModelShare share, String dataset, List<String> cols, int rows, boolean label)
      throws Exception {
    Path home = dir.resolve(self);
    DataStore data = DataStore.open(home.resolve("data.db"));
    open.add(data);
    Uplink uplink = new Uplink() {
      @Override
      public String deviceId() {
        return self;
      }

      @Override
      public String send(String kind, Object body) {
        return "m";
      }
    };
    ConsentService consent = ConsentService.open(home.resolve("consent.db"), uplink, Clock.systemUTC());
    open.add(consent);
    List<Column> schema = new ArrayList<>();
    schema.add(new Column(AgentVertical.ALIGNED_ID, ColumnType.STRING));
    cols.forEach(c -> schema.add(new Column(c, ColumnType.FLOAT)));
    if (label) {
      schema.add(new Column("y", ColumnType.INT));
    }
    DatasetBatch b = new DatasetBatch(dataset, "psi:train", new Schema(schema), List.of(AgentVertical.ALIGNED_ID));
    for (int i = 0; i < rows; i++) {
      double[] x = self.equals("g") ? guestRow(i) : hostRow(i);
      Object[] v = new Object[schema.size()];
      v[0] = "id" + i;
      for (int j = 0; j < x.length; j++) {
        v[1 + j] = x[j];
      }
      if (label) {
        v[v.length - 1] = (long) (i % 2);
      }
      b.add(v, "psi:train", i + 1);
    }
    b.commit(data, "psi:train", "aligned", Instant.now());
    Path shares = home.resolve("vertical");
    Files.createDirectories(shares);
    Files.write(shares.resolve("train.lr-share.json"), WireCodec.mapper().writeValueAsBytes(share));
    ConsentGuard guard = new ConsentGuard(consent, data);
    stores.put(self, data);
    consents.put(self, consent);
    parties.put(self, new BatchScoring(self, () -> guard, () -> data, shares, Clock.systemUTC(),
        new BatchScoring.Relay() {
          @Override
          public void send(String jobId, String to, VerticalMessage message) {
            wire.add(new Object[] {jobId, self, to, VerticalCodec.decode(VerticalCodec.encode(message))});
          }

          @Override
          public void report(String jobId, Object m) {
            toHub.add(new Object[] {self, VerticalCodec.decode(VerticalCodec.encode(m))});
          }

          @Override
          public void announce(String jobId) {}

          @Override
          public void forget(String jobId) {}
        }));
  }

  private void consent(String self, String job, String dataset, String... columns) {
    consents.get(self).onOffer(new JobOffer(job, "Scoring", "ops", "batch scoring",
        List.of(new DatasetColumns(dataset, List.of(columns))), Instant.now().plus(Duration.ofDays(1))));
    consents.get(self).approve(job, "dealer");
  }

  private void stage(String job, String output, int chunk) {
    for (String p : List.of("g", "h")) {
      wire.add(new Object[] {job, VerticalPacket.HUB, p, new ScoreStage(job, "train", "vertical-lr",
          p.equals("g") ? "guest" : "host", "g", List.of("h"), p.equals("g") ? "aligned_g" : "aligned_h", output, "y",
          chunk)});
    }
  }

  private void run() {
    while (!wire.isEmpty()) {
      Object[] m = wire.poll();
      BatchScoring to = parties.get((String) m[2]);
      assertThat(to.handles((String) m[0], m[3])).isTrue();
      to.onMessage((String) m[0], (String) m[1], m[3]);
    }
  }

  private void setUp(int guestRows, int hostRows) throws Exception {
    party("g", GUEST_SHARE, "aligned_g", List.of("a", "b"), guestRows, true);
    party("h", HOST_SHARE, "aligned_h", List.of("c"), hostRows, false);
  }

  @Test
  void theGuestStoresEveryScoreWithItsLabelAndReportsOnlyCountsToTheHub() throws Exception {
    setUp(250, 250);
    consent("g", "score-1", "aligned_g", "psi_id", "a", "b", "y");
    consent("h", "score-1", "aligned_h", "psi_id", "c");
    stage("score-1", "scores_s1", 64);
    run();

    List<Object[]> rows = new ArrayList<>();
    stores.get("g").scan("scores_s1", List.of("psi_id", "score", "y"), r -> rows.add(r.clone()) || true);
    assertThat(rows).hasSize(250);
    for (int i = 0; i < 250; i++) {
      double z = GUEST_SHARE.partialScore(guestRow(i)) + HOST_SHARE.partialScore(hostRow(i));
      assertThat(rows.get(i)[0]).isEqualTo("id" + i);
      assertThat((Double) rows.get(i)[1]).isCloseTo(1 / (1 + Math.exp(-z)), org.assertj.core.data.Offset.offset(1e-12));
      assertThat(rows.get(i)[2]).isEqualTo((long) (i % 2));
    }
    assertThat(BatchScoring.output(stores.get("g"), "score-1")).get().extracting(d -> d.name()).isEqualTo("scores_s1");
    assertThat(BatchScoring.output(stores.get("h"), "score-1")).isEmpty();
    assertThat(stores.get("h").dataset("scores_s1")).isEmpty();
    // the hub hears counts only: 0, then one per chunk (4 chunks of 64), then done
    List<ScoreProgress> progress = toHub.stream().map(m -> (ScoreProgress) m[1]).toList();
    assertThat(toHub).allMatch(m -> m[0].equals("g"));
    assertThat(progress).extracting(ScoreProgress::scored).containsExactly(0L, 64L, 128L, 192L, 250L, 250L);
    assertThat(progress).extracting(ScoreProgress::total).containsOnly(250L);
    assertThat(progress.get(progress.size() - 1).done()).isTrue();
    assertThat(progress.get(progress.size() - 1).chunks()).isEqualTo(4);
    // the job's end drops it at both parties
    for (String p : List.of("g", "h")) {
      parties.get(p).onMessage("score-1", VerticalPacket.HUB, new JobEnd("score-1", "DONE", null));
      assertThat(parties.get(p).handles("score-1", new JobEnd("score-1", "DONE", null))).isFalse();
    }
  }

  @Test
  void anIdTheHostLacksFailsTheChunkWithAClearReportAndNoScoresAreStoredForIt() throws Exception {
    setUp(120, 100); // the guest's dataset has 20 ids the host's does not
    consent("g", "score-2", "aligned_g", "psi_id", "a", "b", "y");
    consent("h", "score-2", "aligned_h", "psi_id", "c");
    stage("score-2", "scores_s2", 40);
    run();
    StageReport failure = toHub.stream().filter(m -> m[1] instanceof StageReport).map(m -> (StageReport) m[1])
        .findFirst().orElseThrow();
    assertThat(toHub.stream().filter(m -> m[1] instanceof StageReport).findFirst().orElseThrow()[0]).isEqualTo("h");
    assertThat(failure.ok()).isFalse();
    assertThat(failure.stage()).isEqualTo("score");
    assertThat(failure.message()).contains("20 of the 40 ids of chunk 2 (first at row 20 of the chunk)").contains("'aligned_h' of host h")
        .doesNotContain("id10");
    assertThat(stores.get("g").dataset("scores_s2").orElseThrow().rowCount()).isEqualTo(80);
  }

  @Test
  void withoutConsentOrDatasetOrShareAPartyRefusesWithTheReason() throws Exception {
    setUp(10, 10);
    consent("g", "score-3", "aligned_g", "psi_id", "a"); // not b
    consent("h", "score-3", "aligned_h", "psi_id", "c");
    stage("score-3", "scores_s3", 8);
    run();
    assertThat(reportOf("g").message()).contains("not approved").contains("'b'");

    toHub.clear();
    parties.get("h").onMessage("score-4", VerticalPacket.HUB, new ScoreStage("score-4", "train", "vertical-lr", "host", "g",
        List.of("h"), "no_such", "out", null, 8));
    assertThat(reportOf("h").message()).contains("party h has no dataset 'no_such'");

    toHub.clear();
    parties.get("h").onMessage("score-5", VerticalPacket.HUB, new ScoreStage("score-5", "other-job", "vertical-lr", "host", "g",
        List.of("h"), "aligned_h", "out", null, 8));
    assertThat(reportOf("h").message()).contains("holds no share of the model of job other-job");

    toHub.clear();
    parties.get("h").onMessage("score-6", "g", new ScoreStage("score-6", "train", "vertical-lr", "host", "g",
        List.of("h"), "aligned_h", "out", null, 8));
    assertThat(reportOf("h").message()).contains("only from the hub");
  }

  private StageReport reportOf(String party) {
    return toHub.stream().filter(m -> m[0].equals(party) && m[1] instanceof StageReport)
        .map(m -> (StageReport) m[1]).findFirst().orElseThrow();
  }
}
