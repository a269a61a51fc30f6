package io.fedge.hub;

import static org.assertj.core.api.Assertions.assertThat;

import io.fedge.federation.ledger.NoteSigner;
import io.fedge.hub.db.Database;
import io.fedge.hub.db.Migrations;
import io.fedge.hub.ledger.EntryTypes;
import io.fedge.hub.ledger.HubLedger;
import io.fedge.hub.ledger.LedgerStore;
import io.fedge.hub.ota.OtaListener;
import io.fedge.hub.rounds.RoundDigest;
import io.fedge.hub.rounds.RoundRecords;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class LedgerBridgeTest {
  private static final Instant AT = Instant.parse("2026-11-23T12:00:00Z");
  private static final String A = "d-aaaaaaaaaaaaaaaaaaaa";
  private static final String B = "d-bbbbbbbbbbbbbbbbbbbb";

  private Database db;
  private HubLedger ledger;
  private LedgerStore store;
  private LedgerBridge bridge;

  @BeforeEach
  void open() throws Exception {
    db = Database.open("jdbc:sqlite::memory:");
    Migrations.migrateToLatest(db);
    store = new LedgerStore(db);
    ledger = new HubLedger(store, NoteSigner.generate("hub.test/ledger"), Clock.systemUTC());
    bridge = new LedgerBridge(ledger);
  }

  @AfterEach
  void close() {
    db.close();
  }

  @Test
  void aRoundDigestIsLoggedOnceWithDecimalMetricsAndEveryParticipantAsRecipient() {
    RoundDigest d =
        new RoundDigest(
            "job-1", 2, 1, "train", List.of(A, B), Map.of(A, "ab", B, "cd"), "ef",
            Map.of("auc", 0.9867, "bad", Double.NaN), Map.of(), Map.of(), AT);
    bridge.roundCompleted(d);
    bridge.roundCompleted(d); // a retried callback

    assertThat(store.size()).isEqualTo(1);
    LedgerStore.StoredEntry e = store.entry(0).orElseThrow();
    assertThat(e.type()).isEqualTo(EntryTypes.ROUND_DIGEST);
    assertThat(e.entry()).contains("\"auc\":\"0.9867\"").doesNotContain("bad").contains("\"jobId\":\"job-1\"");
    assertThat(store.isRecipient(0, A)).isTrue();
    assertThat(store.isRecipient(0, B)).isTrue();
  }

  @Test
  void consentModelAndOtaDecisionsEachBecomeTheirOwnEntryType() {
    bridge.consentRecorded("job-1", A, false, "dealer: not now", "alice", AT);
    bridge.modelPublished(
        new RoundRecords.ModelRow("job-1-v1", "job-1", 1, 3, "ff", "{}", "{}", "[\"" + A + "\"]", AT, new byte[0]));
    bridge.releasePublished(new OtaListener.ReleasePublished("agent-2.0.0.zip", "2.0.0", 10, "aa", 3, AT));
    bridge.campaignDecision(
        new OtaListener.CampaignDecision("c-1", "agent-2.0.0.zip", "2.0.0", "paused", 2, "3 failures", Map.of("failed", 3), "engine", AT));

    assertThat(store.entries(0, 10))
        .extracting(LedgerStore.StoredEntry::type)
        .containsExactly(
            EntryTypes.CONSENT_DECISION, EntryTypes.MODEL_PUBLICATION, EntryTypes.OTA_RELEASE, EntryTypes.CAMPAIGN_DECISION);
    assertThat(store.isRecipient(0, A)).isTrue();
    assertThat(store.isRecipient(1, A)).isTrue();
    assertThat(store.entry(0).orElseThrow().entry()).contains("\"approved\":false").contains("not now");
  }
}
