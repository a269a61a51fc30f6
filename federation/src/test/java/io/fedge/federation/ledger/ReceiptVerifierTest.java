package io.fedge.federation.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A device's checks on receipts and checkpoints, with a real in-memory log and Ed25519 key. */
class ReceiptVerifierTest {
  static final NoteSigner LOG = NoteSigner.generate("hub.example/ledger");
  static final NoteSigner OTHER = NoteSigner.generate("hub.example/ledger");

  final List<byte[]> entries = new ArrayList<>();
  final List<byte[]> leaves = new ArrayList<>();

  void append(int n, String recipient) {
    for (int i = 0; i < n; i++) {
      byte[] e = LedgerEntry.of("round-digest", Instant.EPOCH, List.of(recipient), Map.of("i", entries.size())).encode();
      entries.add(e);
      leaves.add(Rfc9162.leafHash(e));
    }
  }

  Proofs proofs() {
    return new Proofs(HashSource.of(leaves.toArray(new byte[0][])), SubtreeCache.none());
  }

  String note(NoteSigner key, long size) {
    return SignedNote.sign(new Checkpoint(key.name(), size, proofs().root(size)).toBody(), key);
  }

  LedgerReceipt receipt(int index, String note, long size) {
    return new LedgerReceipt(1, index, new String(entries.get(index), java.nio.charset.StandardCharsets.UTF_8),
        LedgerReceipt.encodeHashes(proofs().inclusionProof(index, size)), note, null, null);
  }

  @Test
  void aGenuineReceiptVerifies() throws Exception {
    append(13, "dev-abc");
    var v = ReceiptVerifier.verifyReceipt(receipt(5, note(LOG, 13), 13), LOG.verifier(), "dev-abc");
    assertThat(v.checkpoint().size()).isEqualTo(13);
    assertThat(v.entry().type()).isEqualTo("round-digest");
  }

  @Test
  void forgedSignaturesAlteredEntriesWrongIndicesAndOtherRecipientsFail() {
    append(13, "dev-abc");
    String note = note(LOG, 13);
    assertKind(receipt(5, note(OTHER, 13), 13), "dev-abc", LedgerCheckException.Kind.SIGNATURE);
    assertKind(receipt(5, note.replace("\n13\n", "\n12\n"), 13), "dev-abc", LedgerCheckException.Kind.SIGNATURE);
    LedgerReceipt r = receipt(5, note, 13);
    assertKind(new LedgerReceipt(1, 5, r.entry().replace("\"i\":5", "\"i\":6"), r.inclusion(), note, null, null), "dev-abc",
        LedgerCheckException.Kind.INCLUSION);
    assertKind(new LedgerReceipt(1, 6, r.entry(), r.inclusion(), note, null, null), "dev-abc", LedgerCheckException.Kind.INCLUSION);
    assertKind(r, "dev-xyz", LedgerCheckException.Kind.ENTRY);
  }

  @Test
  void aCheckpointMustExtendTheKeptOneAndAForkIsReported() throws Exception {
    append(10, "dev-abc");
    Checkpoint old = ReceiptVerifier.openCheckpoint(note(LOG, 7), LOG.verifier());
    Checkpoint now = ReceiptVerifier.openCheckpoint(note(LOG, 10), LOG.verifier());
    ReceiptVerifier.verifyConsistency(old, now, proofs().consistencyProof(7, 10));
    ReceiptVerifier.verifyConsistency(now, old, proofs().consistencyProof(7, 10));
    // The same history with entry 3 rewritten, signed by the same key: a fork.
    leaves.set(3, Rfc9162.leafHash("rewritten".getBytes()));
    Checkpoint forked = ReceiptVerifier.openCheckpoint(note(LOG, 10), LOG.verifier());
    assertThatThrownBy(() -> ReceiptVerifier.verifyConsistency(old, forked, proofs().consistencyProof(7, 10)))
        .isInstanceOfSatisfying(LedgerCheckException.class, e -> assertThat(e.kind()).isEqualTo(LedgerCheckException.Kind.CONSISTENCY));
    assertThatThrownBy(() -> ReceiptVerifier.verifyConsistency(now, forked, List.of()))
        .hasMessageContaining("forked");
  }

  void assertKind(LedgerReceipt r, String device, LedgerCheckException.Kind kind) {
    assertThatThrownBy(() -> ReceiptVerifier.verifyReceipt(r, LOG.verifier(), device))
        .isInstanceOfSatisfying(LedgerCheckException.class, e -> assertThat(e.kind()).isEqualTo(kind));
  }
}
