package io.fedge.federation.ledger;

/**
 * Roots of perfect subtrees, keyed by level and index: the subtree at {@code (level, index)} covers
 * leaves {@code [index * 2^level, (index + 1) * 2^level)}. A perfect subtree never changes once its
 * last leaf is appended, so its root can be stored forever; with these roots available a proof
 * needs O(log n) lookups instead of rehashing up to n leaves.
 *
 * <p>{@link CompactRange#append(byte[], SubtreeCache)} produces every perfect subtree root as a side
 * effect of appending, so the hub can fill a persistent cache at no extra hashing cost. {@link
 * Proofs} also fills the cache lazily with the roots it computes. An implementation may keep only
 * some levels (for example level 8 and above) and return {@code null} for the rest.
 */
public interface SubtreeCache {

  /** The root of the perfect subtree at {@code (level, index)}, or {@code null} if not kept. */
  byte[] get(int level, long index);

  /** Offers the root of the perfect subtree at {@code (level, index)}; level is at least 1. */
  void put(int level, long index, byte[] root);

  /** A cache that keeps nothing: proofs then rehash from leaf hashes. */
  static SubtreeCache none() {
    return NoCache.INSTANCE;
  }

  /** The do-nothing cache. */
  enum NoCache implements SubtreeCache {
    INSTANCE;

    @Override
    public byte[] get(int level, long index) {
      return null;
    }

    @Override
    public void put(int level, long index, byte[] root) {}
  }
}
