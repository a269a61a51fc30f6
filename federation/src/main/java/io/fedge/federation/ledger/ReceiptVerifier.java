package io.fedge.federation.ledger;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;

/**
 * The checks a device or an auditor makes with nothing but the log's public key: a signed
 * checkpoint, an entry's inclusion under it, and the consistency of two checkpoints. Each method
 * returns normally or throws {@link LedgerCheckException} saying what failed.
 */
public final class ReceiptVerifier {
  private ReceiptVerifier() {}

  /** What a verified receipt establishes. */
  public record Verified(long index, LedgerEntry entry, byte[] leafHash, Checkpoint checkpoint, String signedNote) {}

  /** Opens {@code signedNote} with {@code key} and parses the checkpoint; its origin must be the key's name. */
  public static Checkpoint openCheckpoint(String signedNote, NoteVerifier key) throws LedgerCheckException {
    try {
      Checkpoint cp = Checkpoint.parse(SignedNote.open(signedNote, key));
      if (!cp.origin().equals(key.name())) {
        throw new LedgerCheckException(
            LedgerCheckException.Kind.SIGNATURE, "checkpoint origin " + cp.origin() + " is not the log " + key.name());
      }
      return cp;
    } catch (NoteException e) {
      throw new LedgerCheckException(
          LedgerCheckException.Kind.SIGNATURE, "checkpoint does not verify with the pinned ledger key: " + e.getMessage(), e);
    }
  }

  /** Checks that {@code entryBytes} is leaf {@code index} of the signed checkpoint. */
  public static Verified verifyInclusion(
      long index, byte[] entryBytes, List<byte[]> proof, String signedNote, NoteVerifier key) throws LedgerCheckException {
    Checkpoint cp = openCheckpoint(signedNote, key);
    LedgerEntry entry;
    try {
      entry = LedgerEntry.parse(entryBytes);
    } catch (IllegalArgumentException e) {
      throw new LedgerCheckException(LedgerCheckException.Kind.ENTRY, "entry " + index + ": " + e.getMessage(), e);
    }
    byte[] leaf = Rfc9162.leafHash(entryBytes);
    try {
      ProofVerifier.verifyInclusion(index, cp.size(), leaf, proof, cp.rootHash());
    } catch (ProofException e) {
      throw new LedgerCheckException(
          LedgerCheckException.Kind.INCLUSION,
          "entry " + index + " is not proved in the checkpoint of size " + cp.size() + ": " + e.getMessage(), e);
    }
    return new Verified(index, entry, leaf, cp, signedNote);
  }

  /** Verifies a receipt; {@code deviceId} must be one of the entry's recipients. */
  public static Verified verifyReceipt(LedgerReceipt r, NoteVerifier key, String deviceId) throws LedgerCheckException {
    if (r == null || r.v() != LedgerReceipt.VERSION || r.entry() == null || r.checkpoint() == null) {
      throw new LedgerCheckException(LedgerCheckException.Kind.ENTRY, "receipt is incomplete or of an unknown version");
    }
    List<byte[]> proof;
    try {
      proof = LedgerReceipt.decodeHashes(r.inclusion());
    } catch (ProofException e) {
      throw new LedgerCheckException(LedgerCheckException.Kind.INCLUSION, e.getMessage(), e);
    }
    Verified v = verifyInclusion(r.index(), r.entry().getBytes(StandardCharsets.UTF_8), proof, r.checkpoint(), key);
    if (deviceId != null && !v.entry().recipients().contains(deviceId)) {
      throw new LedgerCheckException(
          LedgerCheckException.Kind.ENTRY, "entry " + r.index() + " does not name this device " + deviceId + " as a recipient");
    }
    return v;
  }

  /**
   * Checks that {@code newer} extends {@code older} (either may be the larger; they are ordered by
   * size). Equal sizes need equal roots; otherwise {@code proof} must be the consistency proof from
   * the smaller to the larger size.
   */
  public static void verifyConsistency(Checkpoint a, Checkpoint b, List<byte[]> proof) throws LedgerCheckException {
    Checkpoint older = a.size() <= b.size() ? a : b;
    Checkpoint newer = a.size() <= b.size() ? b : a;
    if (older.size() == newer.size()) {
      if (!MessageDigest.isEqual(older.rootHash(), newer.rootHash())) {
        throw new LedgerCheckException(
            LedgerCheckException.Kind.CONSISTENCY,
            "two signed checkpoints of size " + older.size() + " have different roots: the log is forked");
      }
      return;
    }
    try {
      ProofVerifier.verifyConsistency(older.size(), newer.size(), older.rootHash(), newer.rootHash(), proof);
    } catch (ProofException e) {
      throw new LedgerCheckException(
          LedgerCheckException.Kind.CONSISTENCY,
          "checkpoint " + newer.size() + " does not extend checkpoint " + older.size()
              + " (rewritten, truncated or forked log): " + e.getMessage(),
          e);
    }
  }
}
