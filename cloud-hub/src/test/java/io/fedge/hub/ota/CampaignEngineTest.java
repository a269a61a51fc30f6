package io.fedge.hub.ota;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fedge.federation.time.MutableClock;
import io.fedge.hub.db.Database;
import io.fedge.hub.db.Migrations;
import io.fedge.hub.fleet.DeviceView;
import io.fedge.ota.wire.OtaOffer;
import io.fedge.ota.wire.OtaReport;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The campaign engine on a real (in-memory SQLite) hub database, with a clock the test moves. */
class CampaignEngineTest {
  static final Instant MONDAY_1930_UTC = Instant.parse("2026-11-23T19:30:00Z");

  Database db;
  OtaStore store;
  MutableClock clock = new MutableClock(MONDAY_1930_UTC);
  List<DeviceView> fleet = new ArrayList<>();
  List<String> offered = new ArrayList<>();
  List<OtaListener.CampaignDecision> decisions = new ArrayList<>();
  CampaignEngine engine;

  @BeforeEach
  void setUp() {
    db = Database.open("jdbc:sqlite::memory:");
    Migrations.migrateToLatest(db);
    store = new OtaStore(db);
    for (int i = 0; i < 10; i++) {
      device("d-" + i, i < 8 ? "dealers" : "branches", "1.0");
    }
    store.commitPublish(Map.of(), Map.of(), List.of(new OtaStore.Release("agent-2.bundle", "2.0", 10, "00".repeat(32), clock.instant())),
        clock.instant());
    engine = new CampaignEngine(store, () -> fleet, (id, o) -> offered.add(id), clock, new OtaListener() {
      @Override
      public void campaignDecision(CampaignDecision d) {
        decisions.add(d);
      }
    });
  }

  @AfterEach
  void tearDown() {
    db.close();
  }

  void device(String id, String group, String version) {
    db.inTransaction(c -> {
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO devices (device_id, group_name, public_key_fingerprint,"
          + " cert_serial, cert_not_after, enrolled_at, agent_version) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
        ps.setString(1, id);
        ps.setString(2, group);
        ps.setString(3, "fp-" + id);
        ps.setString(4, "s-" + id);
        ps.setLong(5, clock.instant().plus(Duration.ofDays(30)).toEpochMilli());
        ps.setLong(6, clock.instant().toEpochMilli());
        ps.setString(7, version);
        ps.executeUpdate();
      }
      return null;
    });
    fleet.add(new DeviceView(id, group, false, true, clock.instant(), version, "s-" + id, clock.instant(), clock.instant(),
        null, null, null));
  }

  CampaignSpec spec(List<Integer> waves, double success, double failure, CampaignSpec.Window window) {
    return new CampaignSpec("agent-2.bundle", new CampaignSpec.Selector("dealers", List.of(), "1.0"), waves, success,
        failure, window, "PT10M");
  }

  void report(String campaign, String device, String outcome) {
    engine.onReport(device, new OtaReport(campaign, "agent-2.bundle", "2.0", outcome, null, "1.0"));
  }

  @Test
  void theNextWaveOpensOnlyOnceTheCurrentOneSucceeded() {
    String id = engine.create(spec(List.of(10, 50, 100), 1.0, 0.5, null), "ops").campaign().id();
    assertThat(offered).containsExactly("d-0"); // 10 % of the 8 dealers, at least one
    engine.tick();
    assertThat(offered).hasSize(1);
    report(id, "d-0", OtaReport.UPDATED);
    assertThat(offered).containsExactly("d-0", "d-1", "d-2", "d-3"); // 50 % of 8
    for (String d : List.of("d-1", "d-2", "d-3")) {
      report(id, d, OtaReport.UPDATED);
    }
    assertThat(offered).hasSize(8).doesNotContain("d-8", "d-9");
    offered.subList(4, 8).forEach(d -> report(id, d, OtaReport.UPDATED));
    assertThat(engine.view(id).orElseThrow().campaign().state()).isEqualTo(CampaignEngine.COMPLETED);
    assertThat(decisions).extracting(OtaListener.CampaignDecision::decision)
        .containsExactly("created", "wave-opened", "wave-opened", "completed");
  }

  @Test
  void failuresAboveTheThresholdPauseTheCampaignAndStopOffers() {
    String id = engine.create(spec(List.of(25, 100), 1.0, 0.0, null), "ops").campaign().id();
    assertThat(offered).containsExactly("d-0", "d-1");
    report(id, "d-0", OtaReport.ROLLED_BACK);
    CampaignEngine.View v = engine.view(id).orElseThrow();
    assertThat(v.campaign().state()).isEqualTo(CampaignEngine.PAUSED);
    assertThat(v.campaign().reason()).contains("1 of 2");
    report(id, "d-1", OtaReport.UPDATED);
    engine.tick();
    assertThat(offered).hasSize(2);
    assertThat(decisions).extracting(OtaListener.CampaignDecision::decision).contains("paused");
  }

  @Test
  void aResumeAfterAnAutoPauseGivesTheNextWavesAFreshFailureBudgetAndKeepsTheHistory() {
    // waves of 25 % and 100 % of the 8 dealers; any failure pauses (maxFailureRatio 0.2 of 2 offered = 0)
    String id = engine.create(spec(List.of(25, 100), 1.0, 0.2, null), "ops").campaign().id();
    assertThat(offered).containsExactly("d-0", "d-1");
    report(id, "d-0", OtaReport.ROLLED_BACK);
    report(id, "d-1", OtaReport.UPDATED);
    assertThat(engine.view(id).orElseThrow().campaign().state()).isEqualTo(CampaignEngine.PAUSED);

    CampaignEngine.View resumed = engine.resume(id, "ops");
    assertThat(resumed.campaign().state()).isEqualTo(CampaignEngine.RUNNING); // not re-paused by d-0's old failure
    assertThat(offered).hasSize(8); // the resume opened the last wave
    assertThat(resumed.counts()).containsEntry("FAILED", 1); // history kept
    assertThat(resumed.devices()).filteredOn(d -> d.deviceId().equals("d-0"))
        .extracting(OtaStore.DeviceRow::state).containsExactly(CampaignEngine.FAILED);

    // the fresh budget: 6 offered since the resume, 0.2 x 6 = 1.2 -> one failure is tolerated ...
    report(id, "d-2", OtaReport.FAILED);
    engine.tick();
    assertThat(engine.view(id).orElseThrow().campaign().state()).isEqualTo(CampaignEngine.RUNNING);
    // ... a second one is not, and the reason counts only what happened since the resume
    report(id, "d-3", OtaReport.ROLLED_BACK);
    CampaignEngine.View v = engine.view(id).orElseThrow();
    assertThat(v.campaign().state()).isEqualTo(CampaignEngine.PAUSED);
    assertThat(v.campaign().reason()).contains("2 of 6").contains("since the last resume");
    assertThat(v.counts()).containsEntry("FAILED", 3);
    assertThat(decisions).extracting(OtaListener.CampaignDecision::decision)
        .containsExactly("created", "paused", "resumed", "wave-opened", "paused");
  }

  @Test
  void theFailureBudgetOfAResumeSurvivesAHubRestart() {
    String id = engine.create(spec(List.of(25, 100), 1.0, 0.0, null), "ops").campaign().id();
    report(id, "d-0", OtaReport.FAILED);
    report(id, "d-1", OtaReport.UPDATED);
    engine.resume(id, "ops");
    CampaignEngine restarted = new CampaignEngine(new OtaStore(db), () -> fleet, (d, o) -> offered.add(d), clock,
        new OtaListener() {});
    restarted.tick();
    assertThat(restarted.view(id).orElseThrow().campaign().state()).isEqualTo(CampaignEngine.RUNNING);
    assertThat(store.budget(id)).isEqualTo(new OtaStore.Budget(1, 1));
  }

  @Test
  void offersWaitForTheMaintenanceWindowInEachDevicesLocalTime() {
    store.setGroupTimeZone("dealers", "America/New_York"); // 14:30 there: closed
    store.setDeviceProfile("d-3", "Europe/Berlin", List.of()); // 20:30 there: in the window
    CampaignSpec.Window nights = new CampaignSpec.Window(List.of("MON", "TUE", "WED", "THU", "FRI"), "20:00", "06:00");
    String id = engine.create(spec(List.of(100), 1.0, 0.5, nights), "ops").campaign().id();
    assertThat(offered).containsExactly("d-3");
    report(id, "d-3", OtaReport.UPDATED);
    clock.advance(Duration.ofHours(6)); // 20:30 in New York
    engine.tick();
    assertThat(offered).hasSize(8);
  }

  @Test
  void aDeviceThatNeverAnswersTimesOutAsAFailure() {
    String id = engine.create(spec(List.of(100), 1.0, 0.5, null), "ops").campaign().id();
    offered.forEach(d -> {
      if (!d.equals("d-7")) {
        report(id, d, OtaReport.UPDATED);
      }
    });
    assertThat(engine.view(id).orElseThrow().campaign().state()).isEqualTo(CampaignEngine.RUNNING);
    clock.advance(Duration.ofMinutes(11));
    engine.tick();
    CampaignEngine.View v = engine.view(id).orElseThrow();
    assertThat(v.campaign().state()).isEqualTo(CampaignEngine.COMPLETED);
    assertThat(v.counts()).containsEntry("FAILED", 1).containsEntry("UPDATED", 7);
  }

  @Test
  void pauseResumeAndCancelAreOpsDecisions() {
    String id = engine.create(spec(List.of(25, 100), 1.0, 0.5, null), "ops").campaign().id();
    engine.pause(id, "ops");
    report(id, "d-0", OtaReport.UPDATED);
    report(id, "d-1", OtaReport.UPDATED);
    engine.tick();
    assertThat(offered).hasSize(2);
    engine.resume(id, "ops");
    assertThat(offered).hasSize(8);
    engine.cancel(id, "ops");
    assertThatThrownBy(() -> engine.resume(id, "ops")).isInstanceOf(IllegalStateException.class);
    assertThat(decisions).extracting(OtaListener.CampaignDecision::decision).contains("paused", "resumed", "cancelled");
  }

  @Test
  void aCampaignNeedsAPublishedReleaseAndMatchingDevices() {
    assertThatThrownBy(() -> engine.create(new CampaignSpec("nope.bundle", null, null, null, null, null, null), "ops"))
        .hasMessageContaining("no published release");
    assertThatThrownBy(() -> engine.create(new CampaignSpec("agent-2.bundle", new CampaignSpec.Selector("nobody", null, null),
        null, null, null, null, null), "ops")).hasMessageContaining("no device matches");
    assertThatThrownBy(() -> engine.create(spec(List.of(50, 40, 100), 1.0, 0.1, null), "ops")).hasMessageContaining("increasing");
  }
}
