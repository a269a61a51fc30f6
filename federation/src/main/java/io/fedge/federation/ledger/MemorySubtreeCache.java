package io.fedge.federation.ledger;

import java.util.Arrays;
import java.util.BitSet;

/**
 * An in-memory {@link SubtreeCache} that keeps every perfect subtree root at or above {@code
 * minLevel}, one flat byte array per level. For n leaves it holds about {@code n / 2^(minLevel-1)}
 * roots over all levels (32 bytes each): minLevel 4 keeps 4 MB per million leaves, and a proof
 * then reads at most {@code 2^minLevel} leaf hashes per subtree below that level.
 * Not thread-safe; indexes at a level are limited to {@code Integer.MAX_VALUE / 32}, beyond which
 * roots are simply not kept.
 */
public final class MemorySubtreeCache implements SubtreeCache {
  private static final int MAX_LEVELS = 64;
  private static final long MAX_INDEX = Integer.MAX_VALUE / Rfc9162.HASH_SIZE - 1;

  private final int minLevel;
  private final byte[][] levels = new byte[MAX_LEVELS][];
  private final BitSet[] present = new BitSet[MAX_LEVELS];

  public MemorySubtreeCache(int minLevel) {
    if (minLevel < 1 || minLevel >= MAX_LEVELS) {
      throw new IllegalArgumentException("minLevel must be in 1..63");
    }
    this.minLevel = minLevel;
  }

  public int minLevel() {
    return minLevel;
  }

  @Override
  public byte[] get(int level, long index) {
    if (level < minLevel || level >= MAX_LEVELS || index < 0 || index > MAX_INDEX) {
      return null;
    }
    BitSet bits = present[level];
    if (bits == null || !bits.get((int) index)) {
      return null;
    }
    int off = (int) index * Rfc9162.HASH_SIZE;
    return Arrays.copyOfRange(levels[level], off, off + Rfc9162.HASH_SIZE);
  }

  @Override
  public void put(int level, long index, byte[] root) {
    if (level < minLevel || level >= MAX_LEVELS || index < 0 || index > MAX_INDEX) {
      return;
    }
    Rfc9162.requireHash(root, "root");
    int off = (int) index * Rfc9162.HASH_SIZE;
    byte[] arr = levels[level];
    if (arr == null || arr.length < off + Rfc9162.HASH_SIZE) {
      long want = Math.max(off + Rfc9162.HASH_SIZE, arr == null ? 1024 : 2L * arr.length);
      arr = Arrays.copyOf(arr == null ? new byte[0] : arr, (int) Math.min(want, Integer.MAX_VALUE));
      levels[level] = arr;
      if (present[level] == null) {
        present[level] = new BitSet();
      }
    }
    System.arraycopy(root, 0, arr, off, Rfc9162.HASH_SIZE);
    present[level].set((int) index);
  }
}
