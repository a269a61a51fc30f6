package io.fedge.federation.ledger;

import java.security.MessageDigest;
import java.util.List;

/**
 * Verifies RFC 9162 inclusion proofs (section 2.1.3.2) and consistency proofs (section 2.1.4.2).
 * Each method returns normally if the proof holds and throws {@link ProofException} naming the
 * failed check otherwise; it never returns a boolean to ignore.
 *
 * <p>Beyond the RFC algorithms, the proof length is checked up front against the length the sizes
 * require, so a truncated or padded proof is reported as such. Consistency from size 0 (to any
 * size) and from a size to itself take an empty proof: the first holds for every tree whose old
 * root is the empty root, the second when both roots are equal.
 *
 * <p>A verifier alone cannot tell apart tree sizes whose proofs have the same shape (leaf 0 of a
 * 3-leaf and of a 4-leaf tree, for example); the size comes with the root in a signed {@link
 * Checkpoint}, which binds them together.
 */
public final class ProofVerifier {
  private ProofVerifier() {}

  /** Checks that {@code leafHash} is leaf {@code index} of the tree of {@code treeSize} leaves with {@code root}. */
  public static void verifyInclusion(
      long index, long treeSize, byte[] leafHash, List<byte[]> proof, byte[] root)
      throws ProofException {
    if (treeSize <= 0) {
      throw new ProofException(ProofException.Reason.BAD_SIZE, "an empty tree has no leaves");
    }
    if (index < 0 || index >= treeSize) {
      throw new ProofException(
          ProofException.Reason.BAD_SIZE, "leaf index " + index + " is outside a tree of size " + treeSize);
    }
    requireHash(leafHash, "leaf hash");
    requireHash(root, "root");
    requireHashes(proof);
    int expected = inclusionLength(index, treeSize);
    if (proof.size() != expected) {
      throw new ProofException(
          ProofException.Reason.WRONG_LENGTH,
          "inclusion proof for leaf " + index + " of " + treeSize + " needs " + expected
              + " hashes, got " + proof.size());
    }
    long fn = index;
    long sn = treeSize - 1;
    byte[] r = leafHash;
    for (byte[] p : proof) {
      if (sn == 0) {
        throw new ProofException(ProofException.Reason.WRONG_LENGTH, "inclusion proof is too long");
      }
      if ((fn & 1) == 1 || fn == sn) {
        r = Rfc9162.nodeHash(p, r);
        while ((fn & 1) == 0 && fn != 0) {
          fn >>>= 1;
          sn >>>= 1;
        }
      } else {
        r = Rfc9162.nodeHash(r, p);
      }
      fn >>>= 1;
      sn >>>= 1;
    }
    if (sn != 0) {
      throw new ProofException(ProofException.Reason.WRONG_LENGTH, "inclusion proof is too short");
    }
    if (!MessageDigest.isEqual(r, root)) {
      throw new ProofException(ProofException.Reason.ROOT_MISMATCH, "inclusion proof does not lead to the root");
    }
  }

  /** Checks that the tree ({@code newSize}, {@code newRoot}) extends the tree ({@code oldSize}, {@code oldRoot}). */
  public static void verifyConsistency(
      long oldSize, long newSize, byte[] oldRoot, byte[] newRoot, List<byte[]> proof)
      throws ProofException {
    if (oldSize < 0 || newSize < 0 || oldSize > newSize) {
      throw new ProofException(
          ProofException.Reason.BAD_SIZE,
          "sizes " + oldSize + " -> " + newSize + " are not a non-negative, non-shrinking pair");
    }
    requireHash(oldRoot, "old root");
    requireHash(newRoot, "new root");
    requireHashes(proof);
    if (oldSize == 0 || oldSize == newSize) {
      if (!proof.isEmpty()) {
        throw new ProofException(
            ProofException.Reason.WRONG_LENGTH, "consistency from size " + oldSize + " takes an empty proof");
      }
      byte[] expectedOld = oldSize == 0 ? Rfc9162.emptyRoot() : newRoot;
      if (!MessageDigest.isEqual(oldRoot, expectedOld)) {
        throw new ProofException(
            ProofException.Reason.OLD_ROOT_MISMATCH,
            oldSize == 0 ? "old root is not the empty tree's root" : "equal sizes with different roots");
      }
      return;
    }
    int expected = consistencyLength(oldSize, newSize);
    if (proof.size() != expected) {
      throw new ProofException(
          ProofException.Reason.WRONG_LENGTH,
          "consistency proof " + oldSize + " -> " + newSize + " needs " + expected + " hashes, got "
              + proof.size());
    }
    boolean oldIsPerfect = Long.bitCount(oldSize) == 1;
    int next = 0;
    byte[] first = oldIsPerfect ? oldRoot : proof.get(next++);
    long fn = oldSize - 1;
    long sn = newSize - 1;
    while ((fn & 1) == 1) {
      fn >>>= 1;
      sn >>>= 1;
    }
    byte[] fr = first;
    byte[] sr = first;
    for (; next < proof.size(); next++) {
      byte[] c = proof.get(next);
      if (sn == 0) {
        throw new ProofException(ProofException.Reason.WRONG_LENGTH, "consistency proof is too long");
      }
      if ((fn & 1) == 1 || fn == sn) {
        fr = Rfc9162.nodeHash(c, fr);
        sr = Rfc9162.nodeHash(c, sr);
        while ((fn & 1) == 0 && fn != 0) {
          fn >>>= 1;
          sn >>>= 1;
        }
      } else {
        sr = Rfc9162.nodeHash(sr, c);
      }
      fn >>>= 1;
      sn >>>= 1;
    }
    if (sn != 0) {
      throw new ProofException(ProofException.Reason.WRONG_LENGTH, "consistency proof is too short");
    }
    if (!MessageDigest.isEqual(fr, oldRoot)) {
      throw new ProofException(
          ProofException.Reason.OLD_ROOT_MISMATCH, "consistency proof does not lead to the old root");
    }
    if (!MessageDigest.isEqual(sr, newRoot)) {
      throw new ProofException(
          ProofException.Reason.ROOT_MISMATCH, "consistency proof does not lead to the new root");
    }
  }

  /** Number of hashes in the inclusion proof of leaf {@code index} in a tree of {@code treeSize}. */
  public static int inclusionLength(long index, long treeSize) {
    // Levels where the path and the right edge differ contribute a sibling each ("inner"); above
    // them the path runs along the right edge and only left siblings (set bits) remain ("border").
    int inner = 64 - Long.numberOfLeadingZeros(index ^ (treeSize - 1));
    return inner + Long.bitCount(index >>> inner);
  }

  /** Number of hashes in the consistency proof from {@code oldSize} to {@code newSize}, both > 0 and distinct. */
  public static int consistencyLength(long oldSize, long newSize) {
    // The path of the old tree's last leaf, minus the levels inside the old tree's last perfect
    // subtree, plus that subtree's root unless the old tree is itself perfect (it is then the old root).
    int shift = Long.numberOfTrailingZeros(oldSize);
    int length = inclusionLength(oldSize - 1, newSize) - shift;
    return Long.bitCount(oldSize) == 1 ? length : length + 1;
  }

  private static void requireHash(byte[] hash, String what) throws ProofException {
    if (hash == null || hash.length != Rfc9162.HASH_SIZE) {
      throw new ProofException(ProofException.Reason.MALFORMED, what + " is not a 32-byte hash");
    }
  }

  private static void requireHashes(List<byte[]> proof) throws ProofException {
    if (proof == null) {
      throw new ProofException(ProofException.Reason.MALFORMED, "proof is missing");
    }
    for (byte[] h : proof) {
      requireHash(h, "proof hash");
    }
  }
}
