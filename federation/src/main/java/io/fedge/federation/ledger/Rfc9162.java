package io.fedge.federation.ledger;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The Merkle tree hash functions of RFC 9162 section 2.1 with SHA-256.
 *
 * <ul>
 *   <li>leaf hash: {@code SHA-256(0x00 || entry)}
 *   <li>node hash: {@code SHA-256(0x01 || left || right)}
 *   <li>root of the empty tree: {@code SHA-256("")}
 * </ul>
 *
 * <p>Each thread reuses one {@link MessageDigest}; every method returns a fresh 32-byte array that
 * the caller owns.
 */
public final class Rfc9162 {
  /** Size in bytes of every hash in the ledger. */
  public static final int HASH_SIZE = 32;

  private static final byte LEAF_PREFIX = 0x00;
  private static final byte NODE_PREFIX = 0x01;

  private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(Rfc9162::newSha256);

  private Rfc9162() {}

  /** {@code SHA-256(0x00 || entry)}. */
  public static byte[] leafHash(byte[] entry) {
    MessageDigest md = SHA256.get();
    md.update(LEAF_PREFIX);
    md.update(entry);
    return md.digest();
  }

  /** {@code SHA-256(0x01 || left || right)}; both inputs must be 32 bytes. */
  public static byte[] nodeHash(byte[] left, byte[] right) {
    requireHash(left, "left");
    requireHash(right, "right");
    MessageDigest md = SHA256.get();
    md.update(NODE_PREFIX);
    md.update(left);
    md.update(right);
    return md.digest();
  }

  /** {@code SHA-256("")}, the root hash of a tree with no leaves. */
  public static byte[] emptyRoot() {
    return SHA256.get().digest();
  }

  /** Plain SHA-256 of {@code data}, for key ids and similar non-tree uses. */
  static byte[] sha256(byte[]... parts) {
    MessageDigest md = SHA256.get();
    for (byte[] p : parts) {
      md.update(p);
    }
    return md.digest();
  }

  static void requireHash(byte[] hash, String what) {
    if (hash == null || hash.length != HASH_SIZE) {
      throw new IllegalArgumentException(what + " must be a " + HASH_SIZE + "-byte hash");
    }
  }

  /** Largest power of two strictly smaller than {@code n}; {@code n} must be at least 2. */
  static long splitPoint(long n) {
    return Long.highestOneBit(n - 1);
  }

  private static MessageDigest newSha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime provides SHA-256", e);
    }
  }
}
