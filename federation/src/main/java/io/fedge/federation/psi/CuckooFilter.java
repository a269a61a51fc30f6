package io.fedge.federation.psi;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.SplittableRandom;

/**
 * A cuckoo filter (Fan et al., 2014) of 32-byte encodings: buckets of 4 slots holding f-bit
 * fingerprints (f in 8, 16, 24, 32), each item in one of two buckets i1 = h mod m and
 * i2 = (g(fp) - i1) mod m, which works for any bucket count m. Sized for a load of 90%.
 *
 * <p>A lookup compares 8 slots, each equal to a random fingerprint with probability
 * 1/(2^f - 1), so the false-positive rate per lookup is at most 8/(2^f - 1) (1.9e-9 for f = 32).
 * Items are keyed with SHA-256 under a fixed tag; they are already pseudorandom (blinded points).
 */
public final class CuckooFilter {
  static final int SLOTS = 4;
  private static final double LOAD = 0.90;
  private static final int MAX_KICKS = 1000;
  private static final byte[] TAG = "FEDGE-PSI-V1-filter".getBytes(StandardCharsets.US_ASCII);

  private final int fingerprintBits;
  private final int buckets;
  private final int[] slots;

  private CuckooFilter(int fingerprintBits, int buckets, int[] slots) {
    this.fingerprintBits = fingerprintBits;
    this.buckets = buckets;
    this.slots = slots;
  }

  /** Upper bound of the false-positive rate of one lookup. */
  public static double falsePositiveBound(int fingerprintBits) {
    return 2.0 * SLOTS / (Math.pow(2, fingerprintBits) - 1);
  }

  public int fingerprintBits() {
    return fingerprintBits;
  }

  public int bucketCount() {
    return buckets;
  }

  /** Builds a filter of n packed encodings, growing the table by 5% if an insertion fails. */
  static CuckooFilter build(long[] hashes, int[] fingerprints, int fingerprintBits) {
    checkBits(fingerprintBits);
    int n = hashes.length;
    int buckets = (int) Math.max(1, Math.ceil(n / (SLOTS * LOAD)));
    for (int attempt = 0; attempt < 20; attempt++) {
      CuckooFilter f = new CuckooFilter(fingerprintBits, buckets, new int[buckets * SLOTS]);
      SplittableRandom rnd = new SplittableRandom(attempt);
      boolean ok = true;
      for (int i = 0; i < n && ok; i++) {
        ok = f.insert(hashes[i], fingerprints[i], rnd);
      }
      if (ok) {
        return f;
      }
      buckets = (int) Math.ceil(buckets * 1.05) + 1;
    }
    throw new IllegalStateException("cuckoo filter could not place all items");
  }

  /** The (hash, fingerprint) of an encoding at buf[off..off+32): writes them into out[0], out[1]. */
  static void key(MessageDigest sha256, byte[] buf, int off, int fingerprintBits, long[] out) {
    sha256.reset();
    sha256.update(TAG);
    sha256.update(buf, off, 32);
    byte[] d = sha256.digest();
    long h = 0;
    for (int i = 0; i < 8; i++) {
      h = (h << 8) | (d[i] & 0xff);
    }
    long fp = ((d[8] & 0xffL) << 24 | (d[9] & 0xffL) << 16 | (d[10] & 0xffL) << 8 | (d[11] & 0xffL));
    fp &= fingerprintBits == 32 ? 0xffffffffL : (1L << fingerprintBits) - 1;
    if (fp == 0) {
      fp = 1; // 0 marks an empty slot
    }
    out[0] = h;
    out[1] = fp;
  }

  static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no SHA-256", e);
    }
  }

  boolean contains(long hash, int fp) {
    int i1 = (int) Math.floorMod(hash, (long) buckets);
    int i2 = alt(i1, fp);
    for (int s = 0; s < SLOTS; s++) {
      if (slots[i1 * SLOTS + s] == fp || slots[i2 * SLOTS + s] == fp) {
        return true;
      }
    }
    return false;
  }

  private int alt(int bucket, int fp) {
    long g = (fp & 0xffffffffL) * 0x9E3779B97F4A7C15L;
    g ^= g >>> 29;
    return (int) Math.floorMod(Math.floorMod(g, (long) buckets) - bucket, (long) buckets);
  }

  private boolean insert(long hash, int fp, SplittableRandom rnd) {
    int i = (int) Math.floorMod(hash, (long) buckets);
    if (put(i, fp) || put(alt(i, fp), fp)) {
      return true;
    }
    if (rnd.nextBoolean()) {
      i = alt(i, fp);
    }
    for (int k = 0; k < MAX_KICKS; k++) {
      int s = rnd.nextInt(SLOTS);
      int victim = slots[i * SLOTS + s];
      slots[i * SLOTS + s] = fp;
      fp = victim;
      i = alt(i, fp);
      if (put(i, fp)) {
        return true;
      }
    }
    return false;
  }

  private boolean put(int bucket, int fp) {
    for (int s = 0; s < SLOTS; s++) {
      if (slots[bucket * SLOTS + s] == 0) {
        slots[bucket * SLOTS + s] = fp;
        return true;
      }
    }
    return false;
  }

  /** Packed slots, fingerprintBits/8 bytes each, big-endian. */
  byte[] toBytes() {
    int w = fingerprintBits / 8;
    byte[] out = new byte[slots.length * w];
    for (int i = 0; i < slots.length; i++) {
      for (int b = 0; b < w; b++) {
        out[i * w + b] = (byte) (slots[i] >>> (8 * (w - 1 - b)));
      }
    }
    return out;
  }

  static CuckooFilter fromBytes(byte[] bytes, int fingerprintBits, int buckets) {
    if (fingerprintBits % 8 != 0 || fingerprintBits < 8 || fingerprintBits > 32 || buckets < 1
        || (long) buckets * SLOTS * (fingerprintBits / 8) != bytes.length) {
      throw new PsiException(PsiException.Code.FILTER_INVALID, "the published filter's size ("
          + bytes.length + " bytes) does not match " + buckets + " buckets of " + SLOTS + " slots of "
          + fingerprintBits + " bits: ask the large party to republish it");
    }
    int w = fingerprintBits / 8;
    int[] slots = new int[buckets * SLOTS];
    for (int i = 0; i < slots.length; i++) {
      int v = 0;
      for (int b = 0; b < w; b++) {
        v = (v << 8) | (bytes[i * w + b] & 0xff);
      }
      slots[i] = v;
    }
    return new CuckooFilter(fingerprintBits, buckets, slots);
  }

  static void checkBits(int bits) {
    if (bits % 8 != 0 || bits < 8 || bits > 32) {
      throw new IllegalArgumentException("fingerprint bits must be 8, 16, 24 or 32, got " + bits);
    }
  }
}
