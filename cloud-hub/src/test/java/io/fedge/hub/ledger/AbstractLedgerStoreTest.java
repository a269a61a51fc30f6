package io.fedge.hub.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fedge.federation.ledger.Checkpoint;
import io.fedge.federation.ledger.CompactRange;
import io.fedge.federation.ledger.LedgerEntry;
import io.fedge.federation.ledger.NoteSigner;
import io.fedge.federation.ledger.ProofException;
import io.fedge.federation.ledger.ProofVerifier;
import io.fedge.federation.ledger.Rfc9162;
import io.fedge.federation.ledger.SignedNote;
import io.fedge.hub.db.Database;
import io.fedge.hub.db.Migrations;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The ledger's storage contract, run against every backend (SQLite file, PostgreSQL). */
abstract class AbstractLedgerStoreTest {
  static final NoteSigner KEY = NoteSigner.generate("test.example/ledger");

  protected Database db;
  protected HubLedger ledger;

  protected abstract Database openFresh() throws Exception;

  protected abstract Database reopen() throws Exception;

  /** Tree sizes up to which every leaf of every size is proved against the store. */
  protected abstract int exhaustiveSizes();

  @BeforeEach
  void open() throws Exception {
    db = openFresh();
    Migrations.migrateToLatest(db);
    ledger = new HubLedger(new LedgerStore(db), KEY, Clock.systemUTC());
  }

  @AfterEach
  void close() {
    if (db != null) {
      db.close();
    }
  }

  static Map<String, Object> body(int i) {
    return Map.of("n", i, "note", "entry " + i);
  }

  @Test
  void everyLeafOfEverySizeIsProvedAgainstTheStoredLogAndAlteredProofsFail() throws Exception {
    List<byte[]> leaves = new ArrayList<>();
    CompactRange expected = new CompactRange();
    for (int n = 1; n <= exhaustiveSizes(); n++) {
      long idx = ledger.append(EntryTypes.ENROLLMENT, body(n), List.of());
      assertThat(idx).isEqualTo(n - 1);
      byte[] leaf = ledger.store().entry(idx).orElseThrow().leafHash();
      assertThat(leaf).isEqualTo(Rfc9162.leafHash(ledger.store().entry(idx).orElseThrow().entry().getBytes(StandardCharsets.UTF_8)));
      leaves.add(leaf);
      expected.append(leaf);
      final int size = n;
      LedgerStore.TreeWork<Void> checkAll =
          (proofs, stored) -> {
            assertThat(stored).isEqualTo(size);
            byte[] root = proofs.root(size);
            assertThat(root).isEqualTo(expected.root());
            for (int leafIndex = 0; leafIndex < size; leafIndex++) {
              final int i = leafIndex;
              List<byte[]> p = proofs.inclusionProof(i, size);
              try {
                ProofVerifier.verifyInclusion(i, size, leaves.get(i), p, root);
              } catch (ProofException e) {
                throw new AssertionError("leaf " + i + " of " + size + ": " + e.getMessage());
              }
              int wrongIndex = (i + 1) % size;
              if (wrongIndex != i) {
                assertThatThrownBy(() -> ProofVerifier.verifyInclusion(wrongIndex, size, leaves.get(i), p, root))
                    .isInstanceOf(ProofException.class);
              }
              byte[] altered = leaves.get(i).clone();
              altered[i % 32] ^= 1;
              assertThatThrownBy(() -> ProofVerifier.verifyInclusion(i, size, altered, p, root)).isInstanceOf(ProofException.class);
              if (!p.isEmpty()) {
                List<byte[]> bent = new ArrayList<>(p);
                byte[] h = bent.get(i % bent.size()).clone();
                h[0] ^= (byte) 0x80;
                bent.set(i % bent.size(), h);
                assertThatThrownBy(() -> ProofVerifier.verifyInclusion(i, size, leaves.get(i), bent, root))
                    .isInstanceOf(ProofException.class);
              }
              // A proof alone cannot tell sizes with the same proof shape apart (leaf 0 of 3 and of 4
              // leaves); the signed checkpoint binds size and root (SignedNoteTest tampers its size).
              for (long other : new long[] {size + 1, size - 1, 2L * size}) {
                if (other > i && ProofVerifier.inclusionLength(i, other) != p.size()) {
                  assertThatThrownBy(() -> ProofVerifier.verifyInclusion(i, other, leaves.get(i), p, root))
                      .isInstanceOf(ProofException.class);
                }
              }
            }
            for (int old = 1; old < size; old += Math.max(1, size / 7)) {
              List<byte[]> cp = proofs.consistencyProof(old, size);
              try {
                ProofVerifier.verifyConsistency(old, size, proofs.root(old), root, cp);
              } catch (ProofException e) {
                throw new AssertionError("consistency " + old + " -> " + size + ": " + e.getMessage());
              }
            }
            return null;
          };
      ledger.store().read(checkAll);
    }
  }

  @Test
  void aBatchIsAppendedInOneTransactionWithConsecutiveIndices() {
    List<Ledger.Append> batch = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      batch.add(new Ledger.Append(EntryTypes.ROUND_DIGEST, body(i), List.of("dev-" + (i % 3 + 100))));
    }
    List<Long> idx = ledger.appendAll(batch);
    assertThat(idx).hasSize(1000);
    for (int i = 0; i < 1000; i++) {
      assertThat(idx.get(i)).isEqualTo(i);
    }
    assertThat(ledger.size()).isEqualTo(1000);
    // 1000 leaves complete 3 subtrees of 256 at level 8 and one of 512 at level 9.
    long subtrees = db.inTransaction(c -> {
      try (var st = c.createStatement(); var rs = st.executeQuery("SELECT COUNT(*) FROM ledger_subtrees")) {
        rs.next();
        return rs.getLong(1);
      }
    });
    assertThat(subtrees).isEqualTo(4);
  }

  @Test
  void anEntryWithADedupeKeyIsAppendedOnce() {
    long a = ledger.appendOnce("enroll/dev-abc/1", EntryTypes.ENROLLMENT, body(1), List.of("dev-abc"));
    long b = ledger.appendOnce("enroll/dev-abc/1", EntryTypes.ENROLLMENT, body(2), List.of("dev-abc"));
    assertThat(b).isEqualTo(a);
    assertThat(ledger.size()).isEqualTo(1);
  }

  @Test
  void storedEntriesAreCanonicalAndNameTheirRecipients() {
    ledger.append(EntryTypes.REVOCATION, Map.of("deviceId", "dev-xyz", "reason", "stolen"), List.of("dev-xyz", "dev-abc"));
    LedgerEntry e = LedgerEntry.parse(ledger.store().entry(0).orElseThrow().entry().getBytes(StandardCharsets.UTF_8));
    assertThat(e.type()).isEqualTo("revocation");
    assertThat(e.recipients()).containsExactly("dev-abc", "dev-xyz");
    assertThat(e.body().path("reason").asText()).isEqualTo("stolen");
  }

  @Test
  void entriesCanBeFilteredByTypeAndByRecipient() {
    ledger.append(EntryTypes.ENROLLMENT, body(0), List.of("dev-abc"));
    ledger.append(EntryTypes.REVOCATION, Map.of("deviceId", "dev-xyz", "reason", "stolen"), List.of("dev-xyz"));
    ledger.append(EntryTypes.ENROLLMENT, body(2), List.of("dev-xyz"));
    ledger.append(EntryTypes.ENROLLMENT, body(3), List.of());
    assertThat(ledger.store().entries(0, 100, EntryTypes.ENROLLMENT, null)).extracting(LedgerStore.StoredEntry::index).containsExactly(0L, 2L, 3L);
    assertThat(ledger.store().entries(0, 100, null, "dev-xyz")).extracting(LedgerStore.StoredEntry::index).containsExactly(1L, 2L);
    assertThat(ledger.store().entries(0, 100, EntryTypes.ENROLLMENT, "dev-xyz")).extracting(LedgerStore.StoredEntry::index).containsExactly(2L);
    assertThat(ledger.store().entries(3, 100, EntryTypes.ENROLLMENT, null)).extracting(LedgerStore.StoredEntry::index).containsExactly(3L);
    assertThat(ledger.store().entries(0, 1, EntryTypes.ENROLLMENT, null)).hasSize(1);
    assertThat(ledger.store().entries(0, 100, EntryTypes.ENROLLMENT, "dev-nobody")).isEmpty();
  }

  @Test
  void checkpointsAreListedNewestFirstAndPagedBySize() {
    for (int size = 1; size <= 3; size++) {
      ledger.append(EntryTypes.ENROLLMENT, body(size), List.of());
      ledger.checkpoint();
    }
    assertThat(ledger.store().checkpoints(-1, 100)).extracting(LedgerStore.StoredCheckpoint::size).containsExactly(3L, 2L, 1L);
    assertThat(ledger.store().checkpoints(3, 1)).extracting(LedgerStore.StoredCheckpoint::size).containsExactly(2L);
    assertThat(ledger.store().checkpoints(1, 10)).isEmpty();
  }

  @Test
  void restartKeepsTheLogItsSizeAndItsRoot() throws Exception {
    for (int i = 0; i < 700; i++) {
      ledger.append(EntryTypes.ENROLLMENT, body(i), List.of());
    }
    var cp = ledger.checkpoint();
    HubLedger.TreeHead before = ledger.treeHead();
    db.close();
    db = reopen();
    Migrations.migrateToLatest(db);
    ledger = new HubLedger(new LedgerStore(db), KEY, Clock.systemUTC());
    HubLedger.TreeHead after = ledger.treeHead();
    assertThat(after.size()).isEqualTo(700);
    assertThat(after.root()).isEqualTo(before.root());
    assertThat(ledger.checkpoint().note()).isEqualTo(cp.note());
    // Appending after the restart extends the same tree.
    ledger.append(EntryTypes.ENROLLMENT, body(700), List.of());
    var next = ledger.checkpoint();
    Checkpoint a = Checkpoint.parse(SignedNote.open(cp.note(), KEY.verifier()));
    Checkpoint b = Checkpoint.parse(SignedNote.open(next.note(), KEY.verifier()));
    ProofVerifier.verifyConsistency(a.size(), b.size(), a.rootHash(), b.rootHash(), ledger.consistencyProof(700, 701));
  }

  @Test
  void concurrentWritersThroughTwoDatabasesNeverReuseAnIndex() throws Exception {
    Database second = reopen();
    try {
      HubLedger other = new HubLedger(new LedgerStore(second), KEY, Clock.systemUTC());
      ExecutorService pool = Executors.newFixedThreadPool(4);
      Set<Long> seen = ConcurrentHashMap.newKeySet();
      List<Future<?>> fs = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        HubLedger l = t % 2 == 0 ? ledger : other;
        int base = t * 1000;
        fs.add(pool.submit(() -> {
          for (int i = 0; i < 25; i++) {
            List<Ledger.Append> batch = new ArrayList<>();
            for (int j = 0; j < 4; j++) {
              batch.add(new Ledger.Append(EntryTypes.ROUND_DIGEST, body(base + i * 4 + j), List.of()));
            }
            for (long x : l.appendAll(batch)) {
              assertThat(seen.add(x)).as("index %d handed out twice", x).isTrue();
            }
          }
          return null;
        }));
      }
      for (Future<?> f : fs) {
        f.get();
      }
      pool.shutdown();
      assertThat(seen).hasSize(400);
      assertThat(ledger.size()).isEqualTo(400);
      // The root both replicas compute is the root of the stored leaves, rebuilt independently.
      CompactRange r = new CompactRange();
      for (var e : ledger.store().entries(0, 1000)) {
        r.append(Rfc9162.leafHash(e.entry().getBytes(StandardCharsets.UTF_8)));
      }
      assertThat(ledger.treeHead().root()).isEqualTo(r.root());
      assertThat(other.treeHead().root()).isEqualTo(r.root());
    } finally {
      second.close();
    }
  }
}
