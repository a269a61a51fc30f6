package io.fedge.federation.ledger;

/**
 * Read access to the stored leaf hashes of a log, which is all {@link Proofs} needs to build
 * proofs. The hub backs this with its database; tests use an array.
 *
 * <p>Leaf hashes are {@link Rfc9162#leafHash(byte[])} of the entries, 32 bytes each.
 */
public interface HashSource {

  /** Number of leaves stored; every index below it can be read. */
  long size();

  /** The leaf hash at {@code index}, {@code 0 <= index < size()}. */
  byte[] leafHash(long index);

  /**
   * The {@code count} leaf hashes starting at {@code start}. Proof builders call this for small
   * runs of adjacent leaves (at most {@link Proofs#LEAF_BATCH} at a time); a database-backed source
   * should override it with one range query. The caller may overwrite
   * entries of the returned array (not the hashes themselves).
   */
  default byte[][] leafHashes(long start, int count) {
    byte[][] out = new byte[count][];
    for (int i = 0; i < count; i++) {
      out[i] = leafHash(start + i);
    }
    return out;
  }

  /** A source over an in-memory array of leaf hashes (not copied). */
  static HashSource of(byte[][] leafHashes) {
    return new HashSource() {
      @Override
      public long size() {
        return leafHashes.length;
      }

      @Override
      public byte[] leafHash(long index) {
        return leafHashes[Math.toIntExact(index)];
      }
    };
  }
}
