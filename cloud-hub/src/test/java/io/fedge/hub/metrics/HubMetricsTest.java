package io.fedge.hub.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.fedge.federation.ledger.NoteSigner;
import io.fedge.federation.wire.Kinds;
import io.fedge.hub.db.Database;
import io.fedge.hub.db.JdbcHubStore;
import io.fedge.hub.db.Migrations;
import io.fedge.hub.fleet.FleetStore;
import io.fedge.hub.ledger.HubLedger;
import io.fedge.hub.ledger.Ledger;
import io.fedge.hub.ledger.LedgerStore;
import io.fedge.hub.rounds.RoundListener;
import io.fedge.provisioning.store.AuditEvent;
import io.fedge.provisioning.store.ClaimTokenRecord;
import io.fedge.provisioning.store.DeviceRecord;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class HubMetricsTest {
  private static final Instant NOW = Instant.parse("2026-11-23T10:00:00Z");

  private Database db;
  private JdbcHubStore store;
  private HubLedger ledger;
  private final MeterRegistry registry = new SimpleMeterRegistry();
  private final AtomicReference<Map<String, Map<String, Integer>>> ota = new AtomicReference<>(Map.of());
  private HubMetrics metrics;

  @BeforeEach
  void setUp() {
    db = Database.open("jdbc:sqlite::memory:");
    Migrations.migrateToLatest(db);
    store = new JdbcHubStore(db);
    ledger = new HubLedger(new LedgerStore(db), NoteSigner.generate("hub.test/ledger"), Clock.systemUTC());
    metrics = new HubMetrics(registry, new HubMetrics.Sources(
        () -> store.listDevices(FleetStore.DeviceFilter.all()), ota::get, ledger::size), Duration.ZERO);
  }

  @AfterEach
  void tearDown() {
    db.close();
  }

  @Test
  void deviceGaugesFollowEnrollmentConnectionAndRevocationInTheStore() {
    metrics.refresh();
    assertThat(gauge("fedge_hub_devices_enrolled")).isZero();
    enroll("d-aaaaaaaaaaaaaaaaaaaa");
    enroll("d-bbbbbbbbbbbbbbbbbbbb");
    store.setOnline("d-aaaaaaaaaaaaaaaaaaaa", true, NOW);
    metrics.refresh();
    assertThat(gauge("fedge_hub_devices_enrolled")).isEqualTo(2);
    assertThat(gauge("fedge_hub_devices_connected")).isEqualTo(1);
    assertThat(gauge("fedge_hub_devices_revoked")).isZero();

    store.revokeDevice("d-aaaaaaaaaaaaaaaaaaaa", NOW, "stolen", AuditEvent.allowed(NOW, "ops", "revoke", "d-aaaaaaaaaaaaaaaaaaaa", null));
    metrics.refresh();
    assertThat(gauge("fedge_hub_devices_enrolled")).isEqualTo(1);
    assertThat(gauge("fedge_hub_devices_connected")).isZero();
    assertThat(gauge("fedge_hub_devices_revoked")).isEqualTo(1);
  }

  @Test
  void storeGaugesAreReadAgainOnlyWhenOlderThanTheMaximumAge() {
    MeterRegistry other = new SimpleMeterRegistry();
    HubMetrics cached = new HubMetrics(other, new HubMetrics.Sources(
        () -> store.listDevices(FleetStore.DeviceFilter.all()), ota::get, ledger::size), Duration.ofHours(1));
    cached.refresh();
    enroll("d-aaaaaaaaaaaaaaaaaaaa");
    cached.refresh();
    metrics.refresh();
    assertThat(other.get("fedge_hub_devices_enrolled").gauge().value()).isZero();
    assertThat(gauge("fedge_hub_devices_enrolled")).isEqualTo(1);
  }

  @Test
  void ledgerAppendsThroughTheTimedLedgerAreTimedCountedAndGrowTheSizeGauge() {
    Ledger timed = metrics.timed(ledger);
    timed.append("test-entry", Map.of("n", 1), List.of());
    timed.appendAll(List.of(new Ledger.Append("test-entry", Map.of("n", 2), List.of()),
        new Ledger.Append("test-entry", Map.of("n", 3), List.of())));
    metrics.refresh();
    assertThat(registry.get("fedge_hub_ledger_append_seconds").timer().count()).isEqualTo(2);
    assertThat(registry.get("fedge_hub_ledger_appended_entries_total").counter().count()).isEqualTo(3);
    assertThat(gauge("fedge_hub_ledger_entries")).isEqualTo(3);
  }

  @Test
  void messagesAreCountedByDeclaredKindAndAnyOtherKindSharesOneLabel() {
    metrics.received(Kinds.HEARTBEAT);
    metrics.received(Kinds.HEARTBEAT);
    metrics.received("made-up-kind-1");
    metrics.received("made-up-kind-2");
    metrics.sent(Kinds.ROUND_INVITE);
    assertThat(counter("fedge_hub_messages_received_total", "kind", Kinds.HEARTBEAT)).isEqualTo(2);
    assertThat(counter("fedge_hub_messages_received_total", "kind", "other")).isEqualTo(2);
    assertThat(counter("fedge_hub_messages_received_total", "kind", Kinds.STATUS)).isZero(); // present before any
    assertThat(counter("fedge_hub_messages_sent_total", "kind", Kinds.ROUND_INVITE)).isEqualTo(1);
    assertThat(registry.find("fedge_hub_messages_received_total").counters())
        .hasSize(io.fedge.federation.metrics.KindLabel.known().size() + 1);
  }

  @Test
  void refusalsAreCountedByKindAndWireReasonAndUnknownReasonsShareOneLabel() {
    metrics.refused(Kinds.EVENT, "INVALID_FIELD");
    metrics.refused(Kinds.EVENT, "something a device made up");
    assertThat(registry.get("fedge_hub_messages_refused_total").tags("kind", Kinds.EVENT, "reason", "INVALID_FIELD")
        .counter().count()).isEqualTo(1);
    assertThat(registry.get("fedge_hub_messages_refused_total").tags("kind", Kinds.EVENT, "reason", "UNKNOWN")
        .counter().count()).isEqualTo(1);
  }

  @Test
  void roundAttemptsRecordDurationParticipantsDropoutsAndAggregationTime() {
    RoundListener l = metrics.rounds();
    l.attemptEnded(new RoundListener.AttemptOutcome("job-a", 1, 1, "train", "DONE", 5, 4,
        Duration.ofSeconds(12), Duration.ofMillis(300)));
    l.attemptEnded(new RoundListener.AttemptOutcome("job-a", 2, 1, "train", "FAILED", 5, 1,
        Duration.ofSeconds(20), Duration.ZERO));
    assertThat(registry.get("fedge_hub_round_duration_seconds").tags("state", "DONE").timer().totalTime(
        java.util.concurrent.TimeUnit.SECONDS)).isEqualTo(12.0);
    assertThat(registry.get("fedge_hub_round_participants").tags("state", "DONE").summary().totalAmount()).isEqualTo(4);
    assertThat(registry.get("fedge_hub_round_dropouts_total").tags("state", "DONE").counter().count()).isEqualTo(1);
    assertThat(registry.get("fedge_hub_round_dropouts_total").tags("state", "FAILED").counter().count()).isEqualTo(4);
    assertThat(registry.get("fedge_hub_round_aggregation_seconds").timer().count()).isEqualTo(1);
    assertThat(registry.find("fedge_hub_round_duration_seconds").tagKeys("jobId").meters()).isEmpty();
  }

  @Test
  void otaGaugesCountDevicesOfActiveCampaignsByState() {
    ota.set(Map.of("RUNNING", Map.of("UPDATED", 3, "OFFERED", 2), "PAUSED", Map.of("PENDING", 7)));
    metrics.refresh();
    assertThat(registry.get("fedge_hub_ota_devices").tags("campaign_state", "RUNNING", "device_state", "UPDATED")
        .gauge().value()).isEqualTo(3);
    assertThat(registry.get("fedge_hub_ota_devices").tags("campaign_state", "PAUSED", "device_state", "PENDING")
        .gauge().value()).isEqualTo(7);
    ota.set(Map.of());
    metrics.refresh();
    assertThat(registry.get("fedge_hub_ota_devices").tags("campaign_state", "RUNNING", "device_state", "UPDATED")
        .gauge().value()).isZero();
  }

  private double gauge(String name) {
    return registry.get(name).gauge().value();
  }

  private double counter(String name, String tag, String value) {
    return registry.get(name).tag(tag, value).counter().count();
  }

  private void enroll(String id) {
    String token = "tok" + id.substring(2, 15);
    store.insertClaimToken(
        new ClaimTokenRecord(token, new byte[32], "dealers", NOW, NOW.plusSeconds(600), null, null, "ops"),
        AuditEvent.allowed(NOW, "ops", "claim-token.mint", token, null));
    store.completeEnrollment(token, NOW, new DeviceRecord(id, "dealers", "fp", id.substring(2, 6), NOW.plusSeconds(3600), NOW, null, null),
        AuditEvent.allowed(NOW, "anonymous", "enroll", id, null));
  }
}
