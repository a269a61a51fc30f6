package io.fedge.agent.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.fedge.agent.data.IngestMonitor;
import io.fedge.agent.data.IngestProgress;
import io.fedge.agent.mqtt.ConnectionState;
import io.fedge.agent.mqtt.LinkStats;
import io.fedge.agent.mqtt.MessageHandler;
import io.fedge.agent.mqtt.Outbox;
import io.fedge.federation.rounds.ParticipantListener;
import io.fedge.federation.wire.Kinds;
import io.fedge.federation.wire.Topics;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AgentMetricsTest {
  private static final String DEVICE = "d-aaaaaaaaaaaaaaaaaaaa";

  @TempDir Path dir;
  private final MeterRegistry registry = new SimpleMeterRegistry();
  private Outbox outbox;

  @BeforeEach
  void setUp() {
    outbox = Outbox.open(dir.resolve("outbox.db"));
  }

  @AfterEach
  void tearDown() {
    outbox.close();
  }

  @Test
  void outboxGaugesFollowQueuedAndDeliveredRowsAndSentMessagesAreCountedByKind() {
    Clock later = Clock.offset(Clock.systemUTC(), java.time.Duration.ofSeconds(30));
    new AgentMetrics(registry, later).outbox(outbox);
    assertThat(gauge("fedge_agent_outbox_depth")).isZero();
    assertThat(gauge("fedge_agent_outbox_oldest_age_seconds")).isZero();

    outbox.enqueue("m1", Topics.up(DEVICE, Kinds.EVENT), "{}".getBytes(StandardCharsets.UTF_8));
    outbox.enqueueLatest("heartbeat", "m2", Topics.up(DEVICE, Kinds.HEARTBEAT), "{}".getBytes(StandardCharsets.UTF_8));
    outbox.enqueueLatest("heartbeat", "m3", Topics.up(DEVICE, Kinds.HEARTBEAT), "{}".getBytes(StandardCharsets.UTF_8));
    assertThat(gauge("fedge_agent_outbox_depth")).isEqualTo(2);
    // the clock of the gauge runs 30 s ahead of the outbox's: the oldest row is about 30 s old
    assertThat(gauge("fedge_agent_outbox_oldest_age_seconds")).isBetween(29.0, 60.0);
    assertThat(kindCount("fedge_agent_messages_sent_total", Kinds.HEARTBEAT)).isEqualTo(2);
    assertThat(kindCount("fedge_agent_messages_sent_total", Kinds.EVENT)).isEqualTo(1);

    for (Outbox.Pending p : outbox.peek(10)) {
      outbox.delivered(p.seq());
    }
    assertThat(gauge("fedge_agent_outbox_depth")).isZero();
    assertThat(gauge("fedge_agent_outbox_oldest_age_seconds")).isZero();
  }

  @Test
  void receivedMessagesAreCountedByTheKindInTheirTopicAndHandedOn() throws Exception {
    AgentMetrics m = new AgentMetrics(registry, Clock.systemUTC()).outbox(outbox);
    List<String> handled = new ArrayList<>();
    MessageHandler h = m.countingReceived((topic, payload) -> handled.add(topic));
    h.onMessage(Topics.down(DEVICE, Kinds.ROUND_INVITE), new byte[0]);
    h.onMessage(Topics.broadcast(Kinds.OTA_OFFER), new byte[0]);
    h.onMessage("fedge/v1/dev/" + DEVICE + "/down/not-a-kind-we-know", new byte[0]);
    assertThat(handled).hasSize(3);
    assertThat(kindCount("fedge_agent_messages_received_total", Kinds.ROUND_INVITE)).isEqualTo(1);
    assertThat(kindCount("fedge_agent_messages_received_total", Kinds.OTA_OFFER)).isEqualTo(1);
    assertThat(kindCount("fedge_agent_messages_received_total", "other")).isEqualTo(1);
  }

  @Test
  void linkGaugesShowTheCurrentStateAndCountersFollowTheLinkStatistics() {
    AtomicReference<LinkStats> stats = new AtomicReference<>();
    new AgentMetrics(registry, Clock.systemUTC()).link(stats::get);
    assertThat(registry.get("fedge_agent_mqtt_connection_state").tag("state", "DISCONNECTED").gauge().value()).isEqualTo(1);
    stats.set(new LinkStats(ConnectionState.CONNECTED, Instant.now(), 3, 2, 40, 38, 1, 0, 2, 5));
    assertThat(registry.get("fedge_agent_mqtt_connection_state").tag("state", "CONNECTED").gauge().value()).isEqualTo(1);
    assertThat(registry.get("fedge_agent_mqtt_connection_state").tag("state", "DISCONNECTED").gauge().value()).isZero();
    assertThat(registry.get("fedge_agent_mqtt_connects_total").functionCounter().count()).isEqualTo(3);
    assertThat(registry.get("fedge_agent_mqtt_disconnects_total").functionCounter().count()).isEqualTo(2);
    assertThat(registry.get("fedge_agent_mqtt_acked_total").functionCounter().count()).isEqualTo(38);
    assertThat(registry.get("fedge_agent_mqtt_inflight").gauge().value()).isEqualTo(2);
  }

  @Test
  void ingestRowsAndQuarantinedRowsAreCountedByDatasetFromProgressUpdates() {
    IngestMonitor monitor = new IngestMonitor();
    new AgentMetrics(registry, Clock.systemUTC()).ingest(monitor);
    Instant t = Instant.parse("2026-11-23T10:00:00Z");
    monitor.update(progress("u1", "sales", IngestProgress.State.RUNNING, 100, 2, t));
    monitor.update(progress("u1", "sales", IngestProgress.State.RUNNING, 250, 3, t));
    monitor.update(progress("u1", "sales", IngestProgress.State.DONE, 300, 3, t));
    monitor.update(progress("u2", "stock", IngestProgress.State.DONE, 10, 0, t));
    assertThat(registry.get("fedge_agent_ingest_rows_total").tag("dataset", "sales").counter().count()).isEqualTo(300);
    assertThat(registry.get("fedge_agent_ingest_quarantined_rows_total").tag("dataset", "sales").counter().count()).isEqualTo(3);
    assertThat(registry.get("fedge_agent_ingest_rows_total").tag("dataset", "stock").counter().count()).isEqualTo(10);
    // a second file of the same dataset starts from zero again
    monitor.update(progress("u3", "sales", IngestProgress.State.DONE, 5, 1, t));
    assertThat(registry.get("fedge_agent_ingest_rows_total").tag("dataset", "sales").counter().count()).isEqualTo(305);
  }

  @Test
  void trainingTimeIsRecordedFromTrainingToSentPerAttempt() {
    ParticipantListener l = new AgentMetrics(registry, Clock.systemUTC()).rounds();
    l.progress("job-a", 1, 1, "invited", Double.NaN, "train");
    l.progress("job-a", 1, 1, "training", Double.NaN, "train");
    l.progress("job-a", 1, 1, "sent", 0.5, "");
    l.progress("job-a", 2, 1, "sent", 0.5, ""); // never seen training: not recorded
    assertThat(registry.get("fedge_agent_training_seconds").tag("outcome", "sent").timer().count()).isEqualTo(1);
  }

  @Test
  void otaPhaseGaugeIsOneForTheCurrentPhaseOnly() {
    AtomicReference<String> phase = new AtomicReference<>("idle");
    new AgentMetrics(registry, Clock.systemUTC()).ota(phase::get);
    assertThat(registry.get("fedge_agent_ota_phase").tag("phase", "idle").gauge().value()).isEqualTo(1);
    phase.set("download");
    assertThat(registry.get("fedge_agent_ota_phase").tag("phase", "idle").gauge().value()).isZero();
    assertThat(registry.get("fedge_agent_ota_phase").tag("phase", "download").gauge().value()).isEqualTo(1);
  }

  private static IngestProgress progress(String id, String dataset, IngestProgress.State s, long rows, long bad, Instant t) {
    return new IngestProgress(id, "file", dataset, id + ".csv", s, 0, 0, rows, bad, 0, -1, null, t, t);
  }

  private double gauge(String name) {
    return registry.get(name).gauge().value();
  }

  private double kindCount(String name, String kind) {
    return registry.get(name).tag("kind", kind).counter().count();
  }
}
