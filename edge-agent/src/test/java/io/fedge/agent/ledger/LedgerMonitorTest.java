package io.fedge.agent.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import io.fedge.federation.ledger.Checkpoint;
import io.fedge.federation.ledger.HashSource;
import io.fedge.federation.ledger.LedgerAlarm;
import io.fedge.federation.ledger.LedgerEntry;
import io.fedge.federation.ledger.LedgerReceipt;
import io.fedge.federation.ledger.NoteSigner;
import io.fedge.federation.ledger.Proofs;
import io.fedge.federation.ledger.Rfc9162;
import io.fedge.federation.ledger.SignedNote;
import io.fedge.federation.ledger.SubtreeCache;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent's ledger checks against an in-memory hub log (real hashing, proofs and Ed25519
 * signatures; the transport is an in-memory {@link LedgerSource}, as MQTT/HTTPS are covered by LedgerIT).
 */
class LedgerMonitorTest {
  static final String ME = "dev-me0";
  static final NoteSigner KEY = NoteSigner.generate("hub.example/ledger");

  @TempDir Path dir;
  ReceiptStore store;
  LedgerMonitor monitor;
  final List<LedgerAlarm> sentAlarms = new ArrayList<>();
  final MemoryHub hub = new MemoryHub();

  /** A hub log in memory that serves what a (possibly dishonest) hub would. */
  static final class MemoryHub implements LedgerSource {
    final List<String> entries = new ArrayList<>();
    boolean reachable = true;
    NoteSigner signer = KEY;

    void append(String recipient) {
      entries.add(LedgerEntry.of("round-digest", Instant.EPOCH, List.of(recipient), Map.of("i", entries.size())).encodeToString());
    }

    Proofs proofs() {
      byte[][] leaves = entries.stream().map(e -> Rfc9162.leafHash(e.getBytes(StandardCharsets.UTF_8))).toArray(byte[][]::new);
      return new Proofs(HashSource.of(leaves), SubtreeCache.none());
    }

    String note() {
      return SignedNote.sign(new Checkpoint(KEY.name(), entries.size(), proofs().root(entries.size())).toBody(), signer);
    }

    LedgerReceipt receipt(int index) {
      return new LedgerReceipt(1, index, entries.get(index), LedgerReceipt.encodeHashes(proofs().inclusionProof(index, entries.size())),
          note(), null, null);
    }

    void check() throws IOException {
      if (!reachable) {
        throw new IOException("connection refused");
      }
    }

    @Override
    public String publicKey() throws IOException {
      check();
      return KEY.verifier().encode();
    }

    @Override
    public String latestCheckpoint() throws IOException {
      check();
      return note();
    }

    @Override
    public List<byte[]> consistency(long from, long to) throws IOException {
      check();
      return proofs().consistencyProof(from, to);
    }

    @Override
    public List<byte[]> inclusion(long index, long size) throws IOException {
      check();
      return proofs().inclusionProof(index, size);
    }

    @Override
    public List<LedgerReceipt> receiptsAfter(long after) throws IOException {
      check();
      return List.of();
    }

    @Override
    public Optional<String> entry(long index) throws IOException {
      check();
      return index < entries.size() && entries.get((int) index) != null ? Optional.of(entries.get((int) index)) : Optional.empty();
    }
  }

  @BeforeEach
  void open() throws Exception {
    store = ReceiptStore.open(dir.resolve("ledger.db"));
    monitor = new LedgerMonitor(store, () -> ME, hub, sentAlarms::add, Clock.systemUTC(), dir);
  }

  @AfterEach
  void close() {
    store.close();
  }

  @Test
  void aGenuineReceiptIsVerifiedAndItsCheckpointKept() throws Exception {
    hub.append(ME);
    hub.append("dev-other");
    monitor.onReceipt(hub.receipt(0));
    assertThat(monitor.receipts()).singleElement().satisfies(r -> assertThat(r.state()).isEqualTo(ReceiptStore.State.VERIFIED));
    assertThat(store.kept().orElseThrow().size()).isEqualTo(2);
    assertThat(monitor.participationAllowed()).isTrue();
    hub.append(ME);
    monitor.onReceipt(hub.receipt(2));
    monitor.watch();
    assertThat(store.kept().orElseThrow().size()).isEqualTo(3);
    assertThat(sentAlarms).isEmpty();
  }

  @Test
  void aStoredReceiptCarriesItsCheckpointsRootHashNotTheEntrysLeafHash() throws Exception {
    hub.append(ME);
    hub.append("dev-other");
    hub.append(ME);
    monitor.onReceipt(hub.receipt(2));
    String root = java.util.HexFormat.of().formatHex(hub.proofs().root(3));
    String leaf = java.util.HexFormat.of().formatHex(Rfc9162.leafHash(hub.entries.get(2).getBytes(StandardCharsets.UTF_8)));
    assertThat(root).isNotEqualTo(leaf);
    ReceiptStore.Receipt r = monitor.receipts().get(0);
    assertThat(r.rootHash()).isEqualTo(root);
    assertThat(r.leafHash()).isEqualTo(leaf);
    assertThat(r.checkpointSize()).isEqualTo(3);
    // and it survives a reopen of the store (the column is persisted)
    store.close();
    store = ReceiptStore.open(dir.resolve("ledger.db"));
    assertThat(store.receipts(10).get(0).rootHash()).isEqualTo(root);
  }

  @Test
  void aReceiptSignedWithAnotherKeyRaisesAnAlarmUntilOpsClearIt() throws Exception {
    hub.append(ME);
    monitor.pinnedKey();
    hub.signer = NoteSigner.generate(KEY.name());
    monitor.onReceipt(hub.receipt(0));
    assertThat(monitor.receipts().get(0).state()).isEqualTo(ReceiptStore.State.FAILED);
    assertThat(monitor.participationAllowed()).isFalse();
    assertThat(sentAlarms).singleElement().satisfies(a -> assertThat(a.check()).isEqualTo("SIGNATURE"));
    // The same failure again is not reported twice while the alarm is open.
    monitor.onReceipt(hub.receipt(0));
    assertThat(sentAlarms).hasSize(1);
    monitor.onCleared();
    assertThat(monitor.participationAllowed()).isTrue();
    assertThat(monitor.alarm()).isEmpty();
    // The pin survives: a reopened monitor still refuses the other key and starts with no alarm.
    assertThat(new LedgerMonitor(store, () -> ME, hub, a -> {}, Clock.systemUTC(), dir).participationAllowed()).isTrue();
  }

  @Test
  void aRewrittenHistoryIsAConsistencyAlarm() throws Exception {
    hub.append(ME);
    hub.append(ME);
    monitor.onReceipt(hub.receipt(1));
    hub.entries.set(0, hub.entries.get(0).replace("\"i\":0", "\"i\":7"));
    hub.append(ME);
    monitor.watch();
    assertThat(monitor.participationAllowed()).isFalse();
    assertThat(monitor.alarm().orElseThrow().check()).isEqualTo("CONSISTENCY");
  }

  @Test
  void aDeletedReceiptedEntryIsAnENTRYAlarm() throws Exception {
    hub.append(ME);
    monitor.onReceipt(hub.receipt(0));
    // The hub still serves the same checkpoint and proofs, but entry 0 is gone from its log.
    MemoryHub frozen = hub;
    LedgerSource gone = new LedgerSource() {
      public String publicKey() throws IOException { return frozen.publicKey(); }
      public String latestCheckpoint() throws IOException { return frozen.latestCheckpoint(); }
      public List<byte[]> consistency(long f, long t) throws IOException { return frozen.consistency(f, t); }
      public List<byte[]> inclusion(long i, long s) throws IOException { return frozen.inclusion(i, s); }
      public List<LedgerReceipt> receiptsAfter(long a) { return List.of(); }
      public Optional<String> entry(long index) { return Optional.empty(); }
    };
    LedgerMonitor m = new LedgerMonitor(store, () -> ME, gone, sentAlarms::add, Clock.systemUTC(), dir);
    m.watch();
    assertThat(m.alarm().orElseThrow().reason()).contains("gone");
    assertThat(m.participationAllowed()).isFalse();
  }

  @Test
  void anUnreachableHubLeavesAReceiptUncheckedWithoutAnAlarm() throws Exception {
    hub.append(ME);
    monitor.onReceipt(hub.receipt(0));
    hub.append(ME);
    hub.append(ME);
    LedgerReceipt later = hub.receipt(2);
    hub.reachable = false;
    monitor.onReceipt(later);
    assertThat(monitor.receipts().get(0).state()).isEqualTo(ReceiptStore.State.UNCHECKED);
    assertThat(monitor.participationAllowed()).isTrue();
    hub.reachable = true;
    monitor.watch();
    assertThat(monitor.receipts().get(0).state()).isEqualTo(ReceiptStore.State.VERIFIED);
  }

  @Test
  void aKeyShippedInTheImageIsPinnedInsteadOfTheHubs() throws Exception {
    NoteSigner real = NoteSigner.generate(KEY.name());
    Files.writeString(dir.resolve(LedgerMonitor.PINNED_KEY_FILE), real.verifier().encode() + "\n");
    hub.append(ME);
    monitor.onReceipt(hub.receipt(0));
    assertThat(monitor.alarm().orElseThrow().check()).isEqualTo("SIGNATURE");
  }
}
