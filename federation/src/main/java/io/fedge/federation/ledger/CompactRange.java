package io.fedge.federation.ledger;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Incremental RFC 9162 root computation for an append-only log, in O(log n) state.
 *
 * <p>The tree of n leaves is the sequence of perfect subtrees given by the binary representation of
 * n, largest (leftmost) first: n = 6 = 0b110 is a 4-leaf subtree followed by a 2-leaf subtree. The
 * state is those subtree roots ("peaks"). Appending a leaf pushes it as a 1-leaf peak and merges
 * equal-sized peaks, like a binary counter carrying: amortised one node hash per append, at most
 * log2(n). The root is the right fold {@code node(p0, node(p1, ... node(pk-1, pk)))} of the
 * peaks, which is exactly MTH because RFC 9162 splits at the largest power of two below n.
 *
 * <p>{@link #toBytes()} / {@link #fromBytes(byte[])} persist the state (8-byte big-endian size,
 * then 32 bytes per peak) so the hub can resume after a restart without rehashing the log. Not
 * thread-safe.
 */
public final class CompactRange {
  private long size;
  private final ArrayList<byte[]> peaks;

  /** An empty range (tree size 0). */
  public CompactRange() {
    this.size = 0;
    this.peaks = new ArrayList<>();
  }

  private CompactRange(long size, List<byte[]> peaks) {
    this.size = size;
    this.peaks = new ArrayList<>(peaks.size());
    for (byte[] p : peaks) {
      Rfc9162.requireHash(p, "peak");
      this.peaks.add(p.clone());
    }
  }

  /**
   * A range from a known size and its peaks (largest subtree first), for example as read back from
   * the hub's database. There must be exactly {@code Long.bitCount(size)} peaks.
   */
  public static CompactRange of(long size, List<byte[]> peaks) {
    if (size < 0) {
      throw new IllegalArgumentException("size must not be negative");
    }
    if (peaks.size() != Long.bitCount(size)) {
      throw new IllegalArgumentException(
          "a range of size " + size + " has " + Long.bitCount(size) + " peaks, got " + peaks.size());
    }
    return new CompactRange(size, peaks);
  }

  /** Number of leaves appended so far. */
  public long size() {
    return size;
  }

  /** Appends one leaf hash ({@link Rfc9162#leafHash(byte[])} of the entry). */
  public void append(byte[] leafHash) {
    append(leafHash, SubtreeCache.none());
  }

  /**
   * Appends one leaf hash and offers every perfect subtree completed by it to {@code sink}, so a
   * {@link SubtreeCache} fills as the log grows without extra hashing.
   */
  public void append(byte[] leafHash, SubtreeCache sink) {
    Rfc9162.requireHash(leafHash, "leafHash");
    if (size == Long.MAX_VALUE) {
      throw new IllegalStateException("log is full");
    }
    byte[] cur = leafHash.clone();
    int level = 0;
    while ((size & (1L << level)) != 0) {
      cur = Rfc9162.nodeHash(peaks.remove(peaks.size() - 1), cur);
      level++;
      sink.put(level, size >>> level, cur);
    }
    peaks.add(cur);
    size++;
  }

  /** The RFC 9162 root hash of the first {@link #size()} leaves. */
  public byte[] root() {
    if (peaks.isEmpty()) {
      return Rfc9162.emptyRoot();
    }
    byte[] r = peaks.get(peaks.size() - 1);
    for (int i = peaks.size() - 2; i >= 0; i--) {
      r = Rfc9162.nodeHash(peaks.get(i), r);
    }
    return r.clone();
  }

  /** Copies of the peaks, largest subtree first. */
  public List<byte[]> peaks() {
    List<byte[]> out = new ArrayList<>(peaks.size());
    for (byte[] p : peaks) {
      out.add(p.clone());
    }
    return out;
  }

  /** An independent copy of this range. */
  public CompactRange copy() {
    return new CompactRange(size, peaks);
  }

  /** The persistent form: 8-byte big-endian size, then each peak, largest first. */
  public byte[] toBytes() {
    ByteBuffer buf = ByteBuffer.allocate(8 + peaks.size() * Rfc9162.HASH_SIZE);
    buf.putLong(size);
    for (byte[] p : peaks) {
      buf.put(p);
    }
    return buf.array();
  }

  /** Reads the form written by {@link #toBytes()}; rejects any other length or a negative size. */
  public static CompactRange fromBytes(byte[] state) {
    if (state == null || state.length < 8) {
      throw new IllegalArgumentException("compact range state is shorter than its size field");
    }
    ByteBuffer buf = ByteBuffer.wrap(state);
    long size = buf.getLong();
    if (size < 0) {
      throw new IllegalArgumentException("compact range state has a negative size");
    }
    int count = Long.bitCount(size);
    if (state.length != 8 + count * Rfc9162.HASH_SIZE) {
      throw new IllegalArgumentException(
          "compact range state of size " + size + " must be " + (8 + count * Rfc9162.HASH_SIZE)
              + " bytes, got " + state.length);
    }
    List<byte[]> peaks = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      byte[] p = new byte[Rfc9162.HASH_SIZE];
      buf.get(p);
      peaks.add(p);
    }
    return new CompactRange(size, peaks);
  }
}
