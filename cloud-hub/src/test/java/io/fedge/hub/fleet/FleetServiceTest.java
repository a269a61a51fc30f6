package io.fedge.hub.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import io.fedge.federation.wire.DeviceEvent;
import io.fedge.federation.wire.DeviceStatus;
import io.fedge.federation.wire.Heartbeat;
import io.fedge.federation.wire.Kinds;
import io.fedge.federation.wire.Topics;
import io.fedge.federation.wire.WireCodec;
import io.fedge.hub.db.Database;
import io.fedge.hub.db.JdbcHubStore;
import io.fedge.hub.db.Migrations;
import io.fedge.hub.messaging.UpstreamHandlers;
import io.fedge.federation.wire.ConsentDecision;
import io.fedge.federation.wire.WireException;
import java.util.ArrayList;
import java.util.List;
import io.fedge.provisioning.store.AuditEvent;
import io.fedge.provisioning.store.ClaimTokenRecord;
import io.fedge.provisioning.store.DeviceRecord;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class FleetServiceTest {
  private static final String DEVICE = "d-aaaaaaaaaaaaaaaaaaaa";
  private static final Instant NOW = Instant.parse("2026-11-23T10:00:00Z");

  private Database db;
  private JdbcHubStore store;
  private FleetService fleet;
  private final UpstreamHandlers handlers = new UpstreamHandlers();

  @BeforeEach
  void setUp() {
    db = Database.open("jdbc:sqlite::memory:");
    Migrations.migrateToLatest(db);
    store = new JdbcHubStore(db);
    fleet = new FleetService(store, Clock.fixed(NOW, ZoneOffset.UTC), "hub-1", handlers);
    store.insertClaimToken(
        new ClaimTokenRecord("tok0000000000000", new byte[32], "dealers", NOW, NOW.plusSeconds(600), null, null, "ops"),
        AuditEvent.allowed(NOW, "ops", "claim-token.mint", "tok0000000000000", null));
    store.completeEnrollment(
        "tok0000000000000",
        NOW,
        new DeviceRecord(DEVICE, "dealers", "fp", "01", NOW.plusSeconds(3600), NOW, null, null),
        AuditEvent.allowed(NOW, "anonymous", "enroll", DEVICE, null));
  }

  @AfterEach
  void tearDown() {
    db.close();
  }

  @Test
  void aHeartbeatMarksTheDeviceOnlineAndKeepsItsFigures() {
    Heartbeat hb = new Heartbeat("1.2.3", 10, 1000, 2000, 0.1, 3000, 0, NOW.plusSeconds(3600).toString());
    assertThat(fleet.onUpMessage(Topics.up(DEVICE, Kinds.HEARTBEAT), encode(Kinds.HEARTBEAT, DEVICE, hb))).isEmpty();
    DeviceView d = store.device(DEVICE).orElseThrow();
    assertThat(d.online()).isTrue();
    assertThat(d.agentVersion()).isEqualTo("1.2.3");
    assertThat(d.resourcesJson()).contains("\"heapUsedBytes\":1000");
  }

  @Test
  void aRedeliveredEventIsAppliedOnce() {
    byte[] event = encode(Kinds.EVENT, DEVICE, new DeviceEvent("agent.started", Map.of("version", "1")));
    fleet.onUpMessage(Topics.up(DEVICE, Kinds.EVENT), event);
    fleet.onUpMessage(Topics.up(DEVICE, Kinds.EVENT), event);
    assertThat(store.deviceEvents(DEVICE, 10)).hasSize(1);
  }

  @Test
  void aMessageWhoseSenderIsNotTheTopicsDeviceIsRefusedWithAReply() {
    byte[] forged = encode(Kinds.EVENT, "d-bbbbbbbbbbbbbbbbbbbb", new DeviceEvent("x", Map.of()));
    Optional<FleetService.Reply> reply = fleet.onUpMessage(Topics.up(DEVICE, Kinds.EVENT), forged);
    assertThat(reply).isPresent();
    assertThat(reply.get().topic()).isEqualTo(Topics.down(DEVICE, Kinds.ERROR));
    assertThat(WireCodec.decode(reply.get().payload()).body().path("message").asText()).contains("sender");
    assertThat(store.deviceEvents(DEVICE, 10)).isEmpty();
  }

  @Test
  void anUnknownProtocolVersionGetsAnErrorReplyNamingIt() {
    String json =
        "{\"v\":2,\"id\":\"m1\",\"type\":\"event\",\"sender\":\"" + DEVICE + "\",\"ts\":\"2026-11-23T10:00:00Z\",\"body\":{}}";
    Optional<FleetService.Reply> reply =
        fleet.onUpMessage(Topics.up(DEVICE, Kinds.EVENT), json.getBytes(StandardCharsets.UTF_8));
    assertThat(reply).isPresent();
    assertThat(WireCodec.decode(reply.get().payload()).body().path("reason").asText()).isEqualTo("UNSUPPORTED_VERSION");
  }

  @Test
  void aKindDevicesMayNotSendIsRefused() {
    byte[] msg = encode(Kinds.ERROR, DEVICE, Map.of("reason", "x"));
    assertThat(fleet.onUpMessage(Topics.up(DEVICE, Kinds.ERROR), msg)).isPresent();
  }

  @Test
  void aKindOwnedByAnotherFeatureReachesItsRegisteredHandlerWithTheAuthenticatedSender() {
    List<String> seen = new ArrayList<>();
    handlers.register(Kinds.CONSENT, (deviceId, e) -> seen.add(deviceId + " " + e.type() + " " + e.body().path("jobId").asText()));
    ConsentDecision d = new ConsentDecision("job-1", true, List.of(), "alice", NOW, "dealer");
    assertThat(fleet.onUpMessage(Topics.up(DEVICE, Kinds.CONSENT), encode(Kinds.CONSENT, DEVICE, d))).isEmpty();
    assertThat(seen).containsExactly(DEVICE + " consent job-1");
  }

  @Test
  void aHandlerRefusingAMessageSendsTheDeviceAnErrorReply() {
    handlers.register(
        Kinds.CONSENT,
        (deviceId, e) -> {
          throw new WireException(WireException.Reason.INVALID_FIELD, "no such job");
        });
    ConsentDecision d = new ConsentDecision("job-2", false, List.of(), "alice", NOW, "dealer");
    Optional<FleetService.Reply> reply = fleet.onUpMessage(Topics.up(DEVICE, Kinds.CONSENT), encode(Kinds.CONSENT, DEVICE, d));
    assertThat(reply).isPresent();
    assertThat(reply.get().topic()).isEqualTo(Topics.down(DEVICE, Kinds.ERROR));
    assertThat(new String(reply.get().payload(), StandardCharsets.UTF_8)).contains("no such job");
  }

  @Test
  void statusMessagesAndBrokerNoticesMoveTheOnlineFlag() {
    fleet.onConnected(DEVICE);
    assertThat(store.device(DEVICE).orElseThrow().online()).isTrue();
    fleet.onUpMessage(Topics.up(DEVICE, Kinds.STATUS), encode(Kinds.STATUS, DEVICE, new DeviceStatus(false, "1")));
    assertThat(store.device(DEVICE).orElseThrow().online()).isFalse();
    fleet.onConnected("hub-1"); // a hub replica is not a device: nothing happens
    assertThat(store.listDevices(FleetStore.DeviceFilter.all())).hasSize(1);
  }

  private static byte[] encode(String kind, String sender, Object body) {
    return WireCodec.encode(WireCodec.envelope(kind, sender, NOW, body));
  }
}
