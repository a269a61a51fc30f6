package io.fedge.hub.vertical;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fedge.federation.vertical.relay.ScoreControl.ScoreProgress;
import io.fedge.federation.vertical.relay.ScoreControl.ScoreStage;
import io.fedge.federation.vertical.relay.VerticalControl.JobEnd;
import io.fedge.federation.vertical.relay.VerticalControl.StageReport;
import io.fedge.federation.wire.ConsentDecision;
import io.fedge.federation.wire.DatasetColumns;
import io.fedge.federation.wire.JobOffer;
import io.fedge.federation.wire.WireException;
import io.fedge.hub.db.Database;
import io.fedge.hub.db.Migrations;
import io.fedge.hub.rounds.RoundListener;
import io.fedge.hub.rounds.RoundRecords.ModelRow;
import io.fedge.hub.rounds.RoundStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Batch-scoring jobs on the hub: validation, consent, relay scope, progress, failures and timeouts. */
class ScoreJobsTest {
  @TempDir Path dir;
  private Database db;
  private RoundStore store;
  private Instant now = Instant.parse("2026-11-23T10:00:00Z");
  private final List<Object[]> offers = new ArrayList<>(); // device, offer
  private final List<Object[]> sent = new ArrayList<>(); // job, to, message
  private final List<String> forgotten = new ArrayList<>();
  private ScoreJobs jobs;

  @BeforeEach
  void open() {
    db = Database.open("jdbc:sqlite:" + dir.resolve("hub.db"));
    Migrations.migrateToLatest(db);
    store = new RoundStore(db);
    store.publishModel(new ModelRow("vlr-v1", "vlr", 1, 1, "ab", "{\"model\":\"vertical-lr\",\"split\":true,"
        + "\"guest\":\"d-g\",\"label\":\"y\",\"aligned\":\"bank_aligned\",\"features\":{\"d-g\":[\"a\",\"b\"],"
        + "\"d-h\":[\"c\"]}}", "{}", "[\"d-g\",\"d-h\"]", now, new byte[0]), now);
    store.publishModel(new ModelRow("hfl-v1", "hfl", 1, 3, "cd", "{\"model\":\"logistic\"}", "{}", "[]", now,
        new byte[0]), now);
    Clock clock = new Clock() {
      @Override
      public ZoneOffset getZone() {
        return ZoneOffset.UTC;
      }

      @Override
      public Clock withZone(java.time.ZoneId zone) {
        return this;
      }

      @Override
      public Instant instant() {
        return now;
      }
    };
    jobs = new ScoreJobs(store, (d, kind, body) -> offers.add(new Object[] {d, body}), clock,
        (job, to, m) -> sent.add(new Object[] {job, to, m}), forgotten::add, () -> RoundListener.NONE,
        "taken"::equals);
  }

  @AfterEach
  void close() {
    db.close();
  }

  private ObjectNode submit(String model, String json) {
    return jobs.submit(model, json.getBytes(StandardCharsets.UTF_8));
  }

  private void approve(String device, String job) {
    JobOffer o = offers.stream().filter(x -> x[0].equals(device)).map(x -> (JobOffer) x[1])
        .filter(x -> x.jobId().equals(job)).findFirst().orElseThrow();
    jobs.onConsent(device, new ConsentDecision(job, true, o.reads(), "dealer", now, "policy"));
  }

  private void started(String job) {
    submit("vlr-v1", "{\"id\":\"" + job + "\",\"output\":\"bank_scores\",\"chunkRows\":100}");
    approve("d-g", job);
    approve("d-h", job);
  }

  @Test
  void requestsForUnknownOrNonVerticalModelsOrBadDocumentsAreRefusedWithTheirStatus() {
    assertThatThrownBy(() -> submit("nope-v1", "{\"id\":\"s-1\",\"output\":\"o\"}"))
        .isInstanceOfSatisfying(ScoreJobs.InvalidScoreJobException.class, e -> assertThat(e.status()).isEqualTo(404));
    assertThatThrownBy(() -> submit("hfl-v1", "{\"id\":\"s-1\",\"output\":\"o\"}"))
        .isInstanceOfSatisfying(ScoreJobs.InvalidScoreJobException.class, e -> assertThat(e.status()).isEqualTo(422))
        .hasMessageContaining("not a split vertical model");
    assertThatThrownBy(() -> submit("vlr-v1", "{\"id\":\"s-1\",\"output\":\"Bad Name\"}"))
        .hasMessageContaining("'output'");
    assertThatThrownBy(() -> submit("vlr-v1", "{\"id\":\"s-1\",\"output\":\"o\",\"chunkRows\":0}"))
        .hasMessageContaining("'chunkRows' must be an integer from 1 to 65536");
    assertThatThrownBy(() -> submit("vlr-v1", "{\"id\":\"s-1\",\"output\":\"o\",\"ids\":[\"x\"]}"))
        .hasMessageContaining("unknown field 'ids'");
    assertThatThrownBy(() -> submit("vlr-v1", "{\"id\":\"s-1\",\"output\":\"o\",\"datasets\":{\"d-g\":\"g_set\"}}"))
        .hasMessageContaining("party d-h");
    assertThatThrownBy(() -> submit("vlr-v1",
        "{\"id\":\"s-1\",\"output\":\"o\",\"datasets\":{\"d-g\":\"a\",\"d-h\":\"b\",\"d-x\":\"c\"}}"))
        .hasMessageContaining("d-x is not a party");
    assertThatThrownBy(() -> submit("vlr-v1", "{\"id\":\"taken\",\"output\":\"o\"}"))
        .isInstanceOf(IllegalStateException.class);
    assertThat(offers).isEmpty();
  }

  @Test
  void consentedJobsStartAtEveryPartyAndTheHubSeesOnlyCountsUntilDone() {
    ObjectNode v = submit("vlr-v1", "{\"id\":\"s-1\",\"output\":\"bank_scores\",\"datasets\":{\"d-g\":\"g_new\","
        + "\"d-h\":\"h_new\"}}");
    assertThat(v.path("state").asText()).isEqualTo("CONSENT");
    assertThat(offers).hasSize(2);
    JobOffer toGuest = (JobOffer) offers.get(0)[1];
    assertThat(toGuest.reads()).containsExactly(new DatasetColumns("g_new", List.of("psi_id", "a", "b", "y")));
    assertThat(((JobOffer) offers.get(1)[1]).reads()).containsExactly(new DatasetColumns("h_new", List.of("psi_id", "c")));
    assertThat(jobs.parties("s-1")).isEmpty(); // nothing relayed before consent
    approve("d-g", "s-1");
    assertThat(sent).isEmpty();
    approve("d-h", "s-1");
    assertThat(jobs.parties("s-1")).get().isEqualTo(java.util.Set.of("d-g", "d-h"));
    assertThat(sent).extracting(m -> ((ScoreStage) m[2]).role()).containsExactly("guest", "host");
    ScoreStage g = (ScoreStage) sent.get(0)[2];
    assertThat(g.modelJob()).isEqualTo("vlr");
    assertThat(g.model()).isEqualTo("vertical-lr");
    assertThat(g.dataset()).isEqualTo("g_new");
    assertThat(g.hosts()).containsExactly("d-h");
    assertThat(g.chunkRows()).isEqualTo(4096);
    assertThat(((ScoreStage) sent.get(1)[2]).dataset()).isEqualTo("h_new");
    sent.clear();

    assertThatThrownBy(() -> jobs.onMessage("s-1", "d-h", new ScoreProgress("s-1", 5, 10, 1, false)))
        .isInstanceOf(WireException.class).hasMessageContaining("only the guest");
    jobs.onMessage("s-1", "d-g", new ScoreProgress("s-1", 0, 10_000, 0, false));
    jobs.onMessage("s-1", "d-g", new ScoreProgress("s-1", 4096, 10_000, 1, false));
    ObjectNode mid = jobs.view("s-1").orElseThrow();
    assertThat(mid.path("state").asText()).isEqualTo("SCORING");
    assertThat(mid.path("progress").path("rowsScored").asLong()).isEqualTo(4096);
    assertThat(mid.path("progress").path("rowsTotal").asLong()).isEqualTo(10_000);
    assertThat(mid.path("progress").path("fraction").asDouble()).isEqualTo(0.4096);
    now = now.plusSeconds(50);
    jobs.tick();
    jobs.onMessage("s-1", "d-g", new ScoreProgress("s-1", 10_000, 10_000, 3, true));
    ObjectNode done = jobs.view("s-1").orElseThrow();
    assertThat(done.path("state").asText()).isEqualTo("DONE");
    assertThat(done.path("progress").path("chunks").asInt()).isEqualTo(3);
    assertThat(done.toString()).doesNotContain("psi_id");
    assertThat(sent).extracting(m -> m[1]).containsExactly("d-g", "d-h");
    assertThat(sent).allMatch(m -> m[2] instanceof JobEnd e && e.status().equals("DONE"));
    assertThat(forgotten).containsExactly("s-1");
    assertThat(jobs.parties("s-1")).isEmpty();
  }

  @Test
  void aPartyFailureOrSilenceFailsTheJobAndEndsItAtEveryParty() {
    started("s-2");
    sent.clear();
    jobs.onMessage("s-2", "d-h", new StageReport("s-2", "score", false, "3 of the 100 ids of chunk 0 are not in "
        + "dataset 'bank_aligned' of host d-h", 0, Map.of(), null));
    ObjectNode failed = jobs.view("s-2").orElseThrow();
    assertThat(failed.path("state").asText()).isEqualTo("FAILED");
    assertThat(failed.path("reason").asText()).contains("party d-h failed stage score: 3 of the 100 ids");
    assertThat(sent).allMatch(m -> m[2] instanceof JobEnd e && e.status().equals("FAILED"));

    started("s-3");
    jobs.onMessage("s-3", "d-g", new ScoreProgress("s-3", 100, 1000, 1, false));
    now = now.plusSeconds(59);
    jobs.tick();
    assertThat(jobs.view("s-3").orElseThrow().path("state").asText()).isEqualTo("SCORING");
    now = now.plusSeconds(2);
    jobs.tick();
    assertThat(jobs.view("s-3").orElseThrow().path("reason").asText())
        .isEqualTo("no progress for 60 s; a party may be offline");

    submit("vlr-v1", "{\"id\":\"s-4\",\"output\":\"o\",\"consentTimeoutSeconds\":30}");
    approve("d-g", "s-4");
    now = now.plus(Duration.ofSeconds(31));
    jobs.tick();
    assertThat(jobs.view("s-4").orElseThrow().path("reason").asText()).startsWith("not every party consented");
  }

  @Test
  void aRefusalFailsTheJobBeforeAnythingIsSent() {
    submit("vlr-v1", "{\"id\":\"s-5\",\"output\":\"o\"}");
    JobOffer o = (JobOffer) offers.get(1)[1];
    jobs.onConsent("d-h", new ConsentDecision("s-5", false, o.reads(), "dealer", now, "dealer"));
    assertThat(jobs.view("s-5").orElseThrow().path("reason").asText()).contains("d-h refused");
    assertThat(sent).isEmpty();
  }
}
