package io.fedge.federation.ledger;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Builds RFC 9162 inclusion proofs (PATH, section 2.1.3.1) and consistency proofs (SUBPROOF,
 * section 2.1.4.1) from stored leaf hashes.
 *
 * <h2>Cost</h2>
 *
 * Every hash in a proof is the root of a subtree that the RFC recursion reaches. Each such subtree
 * is either perfect (2^k leaves, aligned) or the right edge of the tree, and a right edge splits
 * into at most log2(n) perfect subtrees. So a proof needs the roots of O(log n) perfect subtrees
 * plus O(log^2 n) node hashes to join right edges.
 *
 * <ul>
 *   <li>With a {@link SubtreeCache} that holds every perfect subtree root at or above level L (for
 *       example filled by {@link CompactRange#append(byte[], SubtreeCache)}), a proof reads
 *       O(log n) cache entries and at most O(2^L log n) leaf hashes.
 *   <li>With {@link SubtreeCache#none()}, a perfect subtree of 2^k leaves is rehashed from its leaf
 *       hashes: 2^k leaf reads and 2^k - 1 node hashes. The siblings of one inclusion proof add up
 *       to the whole tree, so the worst case is O(n) reads and hashes per proof (0.3 to 0.4 s for a
 *       million in-memory leaf hashes, see LedgerBench), which is why the cache exists.
 * </ul>
 *
 * Roots computed while building proofs are offered to the cache, so it also fills lazily. The
 * static methods use no cache. Instances are as thread-safe as their source and cache.
 */
public final class Proofs {
  /** Runs of at most this many adjacent leaf hashes are read at once with one range read. */
  public static final int LEAF_BATCH = 256;

  private static final int BATCH_LEVEL = Integer.numberOfTrailingZeros(LEAF_BATCH);

  private final HashSource source;
  private final SubtreeCache cache;

  public Proofs(HashSource source, SubtreeCache cache) {
    this.source = source;
    this.cache = cache;
  }

  /** Inclusion proof without a cache; see the class comment for the O(n) worst case. */
  public static List<byte[]> inclusionProof(long index, long treeSize, HashSource source) {
    return new Proofs(source, SubtreeCache.none()).inclusionProof(index, treeSize);
  }

  /** Consistency proof without a cache; see the class comment for the O(n) worst case. */
  public static List<byte[]> consistencyProof(long oldSize, long newSize, HashSource source) {
    return new Proofs(source, SubtreeCache.none()).consistencyProof(oldSize, newSize);
  }

  /**
   * PATH(index, D[0:treeSize]): the sibling hashes from the leaf up to the root, lowest first.
   *
   * @throws IllegalArgumentException unless {@code 0 <= index < treeSize <= source.size()}
   */
  public List<byte[]> inclusionProof(long index, long treeSize) {
    requireStored(treeSize);
    if (index < 0 || index >= treeSize) {
      throw new IllegalArgumentException(
          "leaf index " + index + " is outside a tree of size " + treeSize);
    }
    List<byte[]> path = new ArrayList<>();
    long start = 0;
    long end = treeSize;
    while (end - start > 1) {
      long mid = start + Rfc9162.splitPoint(end - start);
      if (index < mid) {
        path.add(subtreeRoot(mid, end));
        end = mid;
      } else {
        path.add(subtreeRoot(start, mid));
        start = mid;
      }
    }
    Collections.reverse(path);
    return owned(path);
  }

  /**
   * PROOF(oldSize, D[0:newSize]) = SUBPROOF(oldSize, D[0:newSize], true). The proof is empty when
   * {@code oldSize == newSize} or {@code oldSize == 0}: every tree is consistent with itself and
   * with the empty tree, which {@link ProofVerifier#verifyConsistency} accepts as such.
   *
   * @throws IllegalArgumentException unless {@code 0 <= oldSize <= newSize <= source.size()}
   */
  public List<byte[]> consistencyProof(long oldSize, long newSize) {
    requireStored(newSize);
    if (oldSize < 0 || oldSize > newSize) {
      throw new IllegalArgumentException(
          "old size " + oldSize + " must be between 0 and the new size " + newSize);
    }
    List<byte[]> proof = new ArrayList<>();
    if (oldSize > 0) {
      subproof(oldSize, 0, newSize, true, proof);
    }
    return owned(proof);
  }

  /** MTH(D[0:treeSize]), the root hash of the first {@code treeSize} stored leaves. */
  public byte[] root(long treeSize) {
    requireStored(treeSize);
    return treeSize == 0 ? Rfc9162.emptyRoot() : subtreeRoot(0, treeSize);
  }

  /** The compact range of the first {@code treeSize} leaves, to resume appending from there. */
  public CompactRange compactRange(long treeSize) {
    requireStored(treeSize);
    List<byte[]> peaks = new ArrayList<>();
    long start = 0;
    for (int level = 63; level >= 0; level--) {
      if ((treeSize & (1L << level)) != 0) {
        peaks.add(perfectRoot(level, start >>> level));
        start += 1L << level;
      }
    }
    return CompactRange.of(treeSize, peaks);
  }

  private void subproof(long m, long start, long end, boolean whole, List<byte[]> out) {
    long n = end - start;
    if (m == n) {
      if (!whole) {
        out.add(subtreeRoot(start, end));
      }
      return;
    }
    long k = Rfc9162.splitPoint(n);
    if (m <= k) {
      subproof(m, start, start + k, whole, out);
      out.add(subtreeRoot(start + k, end));
    } else {
      subproof(m - k, start + k, end, false, out);
      out.add(subtreeRoot(start, start + k));
    }
  }

  /**
   * MTH(D[start:end]) for a range the RFC recursion reaches: {@code start} is a multiple of the
   * smallest power of two that is at least {@code end - start}, so the range is a perfect subtree
   * or a perfect subtree followed by a shorter such range.
   */
  private byte[] subtreeRoot(long start, long end) {
    long n = end - start;
    if (Long.bitCount(n) == 1) {
      int level = Long.numberOfTrailingZeros(n);
      return perfectRoot(level, start >>> level);
    }
    long k = Rfc9162.splitPoint(n);
    int level = Long.numberOfTrailingZeros(k);
    return Rfc9162.nodeHash(perfectRoot(level, start >>> level), subtreeRoot(start + k, end));
  }

  private byte[] perfectRoot(int level, long index) {
    if (level == 0) {
      return checked(source.leafHash(index), index);
    }
    byte[] cached = cache.get(level, index);
    if (cached != null) {
      return cached;
    }
    byte[] root;
    if (level <= BATCH_LEVEL) {
      root = foldLeaves(index << level, 1 << level);
    } else {
      root = Rfc9162.nodeHash(perfectRoot(level - 1, 2 * index), perfectRoot(level - 1, 2 * index + 1));
    }
    cache.put(level, index, root);
    return root;
  }

  /** Root of the perfect subtree over {@code count} (a power of two) leaves from {@code start}. */
  private byte[] foldLeaves(long start, int count) {
    byte[][] row = source.leafHashes(start, count);
    if (row.length != count) {
      throw new IllegalStateException("hash source returned " + row.length + " of " + count + " leaves");
    }
    for (int i = 0; i < count; i++) {
      checked(row[i], start + i);
    }
    for (int width = count; width > 1; width >>= 1) {
      for (int i = 0; i < width / 2; i++) {
        row[i] = Rfc9162.nodeHash(row[2 * i], row[2 * i + 1]);
      }
    }
    return row[0];
  }

  /** Copies, so callers may modify proofs without touching the source's or cache's arrays. */
  private static List<byte[]> owned(List<byte[]> hashes) {
    List<byte[]> out = new ArrayList<>(hashes.size());
    for (byte[] h : hashes) {
      out.add(h.clone());
    }
    return out;
  }

  private static byte[] checked(byte[] leafHash, long index) {
    if (leafHash == null || leafHash.length != Rfc9162.HASH_SIZE) {
      throw new IllegalStateException("hash source returned a malformed leaf hash at " + index);
    }
    return leafHash;
  }

  private void requireStored(long treeSize) {
    if (treeSize < 0 || treeSize > source.size()) {
      throw new IllegalArgumentException(
          "tree size " + treeSize + " is outside the " + source.size() + " stored leaves");
    }
  }
}
