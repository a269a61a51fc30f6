package io.fedge.federation.psi;

import java.util.Arrays;

/**
 * A lookup table over n packed 32-byte encodings: 8 bytes per entry (upper 32 bits of the first
 * eight bytes, and the position), sorted; a lookup binary-searches the prefix and compares whole
 * encodings. Refuses duplicate encodings, which an honest peer never produces.
 */
final class EncodedIndex {
  private final byte[] points;
  private final long[] keys;

  EncodedIndex(byte[] points, String what) {
    this.points = points;
    int n = points.length / 32;
    keys = new long[n];
    for (int i = 0; i < n; i++) {
      keys[i] = (prefix(points, i * 32) << 32) | i;
    }
    Arrays.sort(keys);
    for (int i = 1; i < n; i++) {
      if ((keys[i] >>> 32) == (keys[i - 1] >>> 32)) {
        int a = (int) keys[i];
        for (int j = i - 1; j >= 0 && (keys[j] >>> 32) == (keys[i] >>> 32); j--) {
          if (Arrays.equals(points, a * 32, a * 32 + 32, points, (int) keys[j] * 32, (int) keys[j] * 32 + 32)) {
            throw new PsiException(PsiException.Code.MALFORMED_POINT,
                what + " contains the same blinded value twice: the peer's data is corrupt");
          }
        }
      }
    }
  }

  /** The position of the encoding at {@code buf[off..off+32)}, or -1. */
  int find(byte[] buf, int off) {
    long hi = prefix(buf, off);
    int lo = 0;
    int hiIdx = keys.length;
    long target = hi << 32;
    while (lo < hiIdx) {
      int mid = (lo + hiIdx) >>> 1;
      if (keys[mid] < target) {
        lo = mid + 1;
      } else {
        hiIdx = mid;
      }
    }
    for (int i = lo; i < keys.length && (keys[i] >>> 32) == (hi & 0xffffffffL); i++) {
      int pos = (int) keys[i];
      if (Arrays.equals(points, pos * 32, pos * 32 + 32, buf, off, off + 32)) {
        return pos;
      }
    }
    return -1;
  }

  private static long prefix(byte[] b, int off) {
    // bytes 1..4 (byte 0's low bit is always 0 in a canonical encoding)
    return ((b[off + 1] & 0xffL) << 24) | ((b[off + 2] & 0xffL) << 16) | ((b[off + 3] & 0xffL) << 8)
        | (b[off + 4] & 0xffL);
  }
}
