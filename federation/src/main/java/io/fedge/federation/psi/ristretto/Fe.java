package io.fedge.federation.psi.ristretto;

/**
 * Arithmetic in GF(2^255 - 19) on five unsigned 51-bit limbs held in a {@code long[5]}.
 *
 * <p>Every function runs in time independent of the values (no branches or table indices on
 * secret data). A product of two limbs is formed exactly as a 128-bit value with {@code *} and
 * {@link Math#multiplyHigh} and immediately split at bit 51, so five such products (with the
 * factor 19 of the reduction) add up without overflow.
 *
 * <p>Bounds: outputs of {@link #mul}, {@link #square}, {@link #sub} and {@link #carry} have limbs
 * below 2^51 + 2^13 ("reduced"); {@link #add} of two reduced inputs stays below 2^52.01. Inputs of
 * {@code mul} and {@code square} must have limbs below 2^53, so at most the sum of three reduced
 * values may be multiplied without another reduction.
 */
final class Fe {
  static final long M = (1L << 51) - 1;

  private Fe() {}

  static long[] create() {
    return new long[5];
  }

  static long[] of(long v) {
    long[] r = new long[5];
    r[0] = v;
    return r;
  }

  static void copy(long[] o, long[] a) {
    o[0] = a[0];
    o[1] = a[1];
    o[2] = a[2];
    o[3] = a[3];
    o[4] = a[4];
  }

  static void one(long[] o) {
    o[0] = 1;
    o[1] = 0;
    o[2] = 0;
    o[3] = 0;
    o[4] = 0;
  }

  static void zero(long[] o) {
    o[0] = 0;
    o[1] = 0;
    o[2] = 0;
    o[3] = 0;
    o[4] = 0;
  }

  /** o = a + b without reduction. */
  static void add(long[] o, long[] a, long[] b) {
    o[0] = a[0] + b[0];
    o[1] = a[1] + b[1];
    o[2] = a[2] + b[2];
    o[3] = a[3] + b[3];
    o[4] = a[4] + b[4];
  }

  /** o = a - b, computed as a + 16p - b and reduced; b's limbs must stay below 2^55. */
  static void sub(long[] o, long[] a, long[] b) {
    carry(o,
        a[0] + 36028797018963664L - b[0],
        a[1] + 36028797018963952L - b[1],
        a[2] + 36028797018963952L - b[2],
        a[3] + 36028797018963952L - b[3],
        a[4] + 36028797018963952L - b[4]);
  }

  static void neg(long[] o, long[] a) {
    carry(o,
        36028797018963664L - a[0],
        36028797018963952L - a[1],
        36028797018963952L - a[2],
        36028797018963952L - a[3],
        36028797018963952L - a[4]);
  }

  /** Propagates carries of non-negative limbs below 2^63 so each ends below 2^51 + 2^13. */
  static void carry(long[] o, long r0, long r1, long r2, long r3, long r4) {
    r1 += r0 >>> 51;
    r0 &= M;
    r2 += r1 >>> 51;
    r1 &= M;
    r3 += r2 >>> 51;
    r2 &= M;
    r4 += r3 >>> 51;
    r3 &= M;
    r0 += 19 * (r4 >>> 51);
    r4 &= M;
    r1 += r0 >>> 51;
    r0 &= M;
    o[0] = r0;
    o[1] = r1;
    o[2] = r2;
    o[3] = r3;
    o[4] = r4;
  }

  /** o = a * b mod p. o may alias a or b. */
  static void mul(long[] o, long[] a, long[] b) {
    long a0 = a[0], a1 = a[1], a2 = a[2], a3 = a[3], a4 = a[4];
    long b0 = b[0], b1 = b[1], b2 = b[2], b3 = b[3], b4 = b[4];
    long b1_19 = 19 * b1, b2_19 = 19 * b2, b3_19 = 19 * b3, b4_19 = 19 * b4;
    long p;
    long q;
    p = a0 * b0; q = Math.multiplyHigh(a0, b0);
    long l0 = p & M; long t0 = p >>> 51; long h0 = q;
    p = a1 * b4_19; q = Math.multiplyHigh(a1, b4_19);
    l0 += p & M; t0 += p >>> 51; h0 += q;
    p = a2 * b3_19; q = Math.multiplyHigh(a2, b3_19);
    l0 += p & M; t0 += p >>> 51; h0 += q;
    p = a3 * b2_19; q = Math.multiplyHigh(a3, b2_19);
    l0 += p & M; t0 += p >>> 51; h0 += q;
    p = a4 * b1_19; q = Math.multiplyHigh(a4, b1_19);
    l0 += p & M; t0 += p >>> 51; h0 += q;
    p = a0 * b1; q = Math.multiplyHigh(a0, b1);
    long l1 = p & M; long t1 = p >>> 51; long h1 = q;
    p = a1 * b0; q = Math.multiplyHigh(a1, b0);
    l1 += p & M; t1 += p >>> 51; h1 += q;
    p = a2 * b4_19; q = Math.multiplyHigh(a2, b4_19);
    l1 += p & M; t1 += p >>> 51; h1 += q;
    p = a3 * b3_19; q = Math.multiplyHigh(a3, b3_19);
    l1 += p & M; t1 += p >>> 51; h1 += q;
    p = a4 * b2_19; q = Math.multiplyHigh(a4, b2_19);
    l1 += p & M; t1 += p >>> 51; h1 += q;
    p = a0 * b2; q = Math.multiplyHigh(a0, b2);
    long l2 = p & M; long t2 = p >>> 51; long h2 = q;
    p = a1 * b1; q = Math.multiplyHigh(a1, b1);
    l2 += p & M; t2 += p >>> 51; h2 += q;
    p = a2 * b0; q = Math.multiplyHigh(a2, b0);
    l2 += p & M; t2 += p >>> 51; h2 += q;
    p = a3 * b4_19; q = Math.multiplyHigh(a3, b4_19);
    l2 += p & M; t2 += p >>> 51; h2 += q;
    p = a4 * b3_19; q = Math.multiplyHigh(a4, b3_19);
    l2 += p & M; t2 += p >>> 51; h2 += q;
    p = a0 * b3; q = Math.multiplyHigh(a0, b3);
    long l3 = p & M; long t3 = p >>> 51; long h3 = q;
    p = a1 * b2; q = Math.multiplyHigh(a1, b2);
    l3 += p & M; t3 += p >>> 51; h3 += q;
    p = a2 * b1; q = Math.multiplyHigh(a2, b1);
    l3 += p & M; t3 += p >>> 51; h3 += q;
    p = a3 * b0; q = Math.multiplyHigh(a3, b0);
    l3 += p & M; t3 += p >>> 51; h3 += q;
    p = a4 * b4_19; q = Math.multiplyHigh(a4, b4_19);
    l3 += p & M; t3 += p >>> 51; h3 += q;
    p = a0 * b4; q = Math.multiplyHigh(a0, b4);
    long l4 = p & M; long t4 = p >>> 51; long h4 = q;
    p = a1 * b3; q = Math.multiplyHigh(a1, b3);
    l4 += p & M; t4 += p >>> 51; h4 += q;
    p = a2 * b2; q = Math.multiplyHigh(a2, b2);
    l4 += p & M; t4 += p >>> 51; h4 += q;
    p = a3 * b1; q = Math.multiplyHigh(a3, b1);
    l4 += p & M; t4 += p >>> 51; h4 += q;
    p = a4 * b0; q = Math.multiplyHigh(a4, b0);
    l4 += p & M; t4 += p >>> 51; h4 += q;
    long c0 = (h0 << 13) + t0;
    long c1 = (h1 << 13) + t1;
    long c2 = (h2 << 13) + t2;
    long c3 = (h3 << 13) + t3;
    long c4 = (h4 << 13) + t4;
    carry(o, l0 + 19 * (c4 & M), l1 + c0 + 19 * (c4 >>> 51), l2 + c1, l3 + c2, l4 + c3);
  }

  /** o = a^2 mod p. o may alias a. */
  static void square(long[] o, long[] a) {
    long a0 = a[0], a1 = a[1], a2 = a[2], a3 = a[3], a4 = a[4];
    long a0_2 = 2 * a0, a1_2 = 2 * a1, a2_2 = 2 * a2, a3_2 = 2 * a3;
    long a3_19 = 19 * a3, a4_19 = 19 * a4;
    long p;
    long q;
    p = a0 * a0; q = Math.multiplyHigh(a0, a0);
    long l0 = p & M; long t0 = p >>> 51; long h0 = q;
    p = a1_2 * a4_19; q = Math.multiplyHigh(a1_2, a4_19);
    l0 += p & M; t0 += p >>> 51; h0 += q;
    p = a2_2 * a3_19; q = Math.multiplyHigh(a2_2, a3_19);
    l0 += p & M; t0 += p >>> 51; h0 += q;
    p = a0_2 * a1; q = Math.multiplyHigh(a0_2, a1);
    long l1 = p & M; long t1 = p >>> 51; long h1 = q;
    p = a2_2 * a4_19; q = Math.multiplyHigh(a2_2, a4_19);
    l1 += p & M; t1 += p >>> 51; h1 += q;
    p = a3 * a3_19; q = Math.multiplyHigh(a3, a3_19);
    l1 += p & M; t1 += p >>> 51; h1 += q;
    p = a0_2 * a2; q = Math.multiplyHigh(a0_2, a2);
    long l2 = p & M; long t2 = p >>> 51; long h2 = q;
    p = a1 * a1; q = Math.multiplyHigh(a1, a1);
    l2 += p & M; t2 += p >>> 51; h2 += q;
    p = a3_2 * a4_19; q = Math.multiplyHigh(a3_2, a4_19);
    l2 += p & M; t2 += p >>> 51; h2 += q;
    p = a0_2 * a3; q = Math.multiplyHigh(a0_2, a3);
    long l3 = p & M; long t3 = p >>> 51; long h3 = q;
    p = a1_2 * a2; q = Math.multiplyHigh(a1_2, a2);
    l3 += p & M; t3 += p >>> 51; h3 += q;
    p = a4 * a4_19; q = Math.multiplyHigh(a4, a4_19);
    l3 += p & M; t3 += p >>> 51; h3 += q;
    p = a0_2 * a4; q = Math.multiplyHigh(a0_2, a4);
    long l4 = p & M; long t4 = p >>> 51; long h4 = q;
    p = a1_2 * a3; q = Math.multiplyHigh(a1_2, a3);
    l4 += p & M; t4 += p >>> 51; h4 += q;
    p = a2 * a2; q = Math.multiplyHigh(a2, a2);
    l4 += p & M; t4 += p >>> 51; h4 += q;
    long c0 = (h0 << 13) + t0;
    long c1 = (h1 << 13) + t1;
    long c2 = (h2 << 13) + t2;
    long c3 = (h3 << 13) + t3;
    long c4 = (h4 << 13) + t4;
    carry(o, l0 + 19 * (c4 & M), l1 + c0 + 19 * (c4 >>> 51), l2 + c1, l3 + c2, l4 + c3);
  }

  /** o = a^(2^k), k >= 1. */
  static void squareTimes(long[] o, long[] a, int k) {
    square(o, a);
    for (int i = 1; i < k; i++) {
      square(o, o);
    }
  }

  /** o = z^((p-5)/8) = z^(2^252 - 3). */
  static void pow22523(long[] o, long[] z) {
    long[] t0 = create();
    long[] t1 = create();
    long[] t2 = create();
    square(t0, z); // 2
    squareTimes(t1, t0, 2); // 8
    mul(t1, z, t1); // 9
    mul(t0, t0, t1); // 11
    square(t0, t0); // 22
    mul(t0, t1, t0); // 31 = 2^5 - 1
    squareTimes(t1, t0, 5);
    mul(t0, t1, t0); // 2^10 - 1
    squareTimes(t1, t0, 10);
    mul(t1, t1, t0); // 2^20 - 1
    squareTimes(t2, t1, 20);
    mul(t1, t2, t1); // 2^40 - 1
    squareTimes(t1, t1, 10);
    mul(t0, t1, t0); // 2^50 - 1
    squareTimes(t1, t0, 50);
    mul(t1, t1, t0); // 2^100 - 1
    squareTimes(t2, t1, 100);
    mul(t1, t2, t1); // 2^200 - 1
    squareTimes(t1, t1, 50);
    mul(t0, t1, t0); // 2^250 - 1
    squareTimes(t0, t0, 2); // 2^252 - 4
    mul(o, t0, z); // 2^252 - 3
  }

  /** Canonical 32-byte little-endian encoding (value fully reduced below p, bit 255 clear). */
  static void toBytes(byte[] out, int off, long[] a) {
    long[] t = create();
    carry(t, a[0], a[1], a[2], a[3], a[4]);
    // t < 2^255 + small; subtract p once if t >= p: q = 1 iff t + 19 >= 2^255.
    long q = (t[0] + 19) >>> 51;
    q = (t[1] + q) >>> 51;
    q = (t[2] + q) >>> 51;
    q = (t[3] + q) >>> 51;
    q = (t[4] + q) >>> 51;
    long r0 = t[0] + 19 * q;
    long r1 = t[1] + (r0 >>> 51);
    r0 &= M;
    long r2 = t[2] + (r1 >>> 51);
    r1 &= M;
    long r3 = t[3] + (r2 >>> 51);
    r2 &= M;
    long r4 = t[4] + (r3 >>> 51);
    r3 &= M;
    r4 &= M;
    long w0 = r0 | (r1 << 51);
    long w1 = (r1 >>> 13) | (r2 << 38);
    long w2 = (r2 >>> 26) | (r3 << 25);
    long w3 = (r3 >>> 39) | (r4 << 12);
    putLong(out, off, w0);
    putLong(out, off + 8, w1);
    putLong(out, off + 16, w2);
    putLong(out, off + 24, w3);
  }

  static byte[] toBytes(long[] a) {
    byte[] b = new byte[32];
    toBytes(b, 0, a);
    return b;
  }

  /** Reads 32 little-endian bytes, ignoring bit 255; the value may be >= p (not reduced). */
  static void fromBytes(long[] o, byte[] in, int off) {
    long w0 = getLong(in, off);
    long w1 = getLong(in, off + 8);
    long w2 = getLong(in, off + 16);
    long w3 = getLong(in, off + 24);
    o[0] = w0 & M;
    o[1] = ((w0 >>> 51) | (w1 << 13)) & M;
    o[2] = ((w1 >>> 38) | (w2 << 26)) & M;
    o[3] = ((w2 >>> 25) | (w3 << 39)) & M;
    o[4] = (w3 >>> 12) & M;
  }

  /** 1 if the canonical encoding of a is odd ("negative" in RFC 9496), else 0. */
  static int isNegative(long[] a) {
    byte[] b = toBytes(a);
    return b[0] & 1;
  }

  /** 1 if a == 0 mod p, else 0, in constant time. */
  static int isZero(long[] a) {
    byte[] b = toBytes(a);
    int acc = 0;
    for (byte x : b) {
      acc |= x;
    }
    return ((acc & 0xff) - 1) >>> 31;
  }

  /** 1 if a == b mod p, else 0, in constant time. */
  static int eq(long[] a, long[] b) {
    byte[] x = toBytes(a);
    byte[] y = toBytes(b);
    int acc = 0;
    for (int i = 0; i < 32; i++) {
      acc |= x[i] ^ y[i];
    }
    return ((acc & 0xff) - 1) >>> 31;
  }

  /** o = b if flag == 1, a if flag == 0 (flag must be 0 or 1). o may alias a or b. */
  static void select(long[] o, long[] a, long[] b, int flag) {
    long mask = -(long) flag;
    o[0] = a[0] ^ (mask & (a[0] ^ b[0]));
    o[1] = a[1] ^ (mask & (a[1] ^ b[1]));
    o[2] = a[2] ^ (mask & (a[2] ^ b[2]));
    o[3] = a[3] ^ (mask & (a[3] ^ b[3]));
    o[4] = a[4] ^ (mask & (a[4] ^ b[4]));
  }

  /** o = -a if flag == 1, else a. */
  static void condNeg(long[] o, long[] a, int flag) {
    long[] n = create();
    neg(n, a);
    select(o, a, n, flag);
  }

  /** o = |a|: the one of a, -a whose canonical encoding is even. */
  static void abs(long[] o, long[] a) {
    condNeg(o, a, isNegative(a));
  }

  static long getLong(byte[] b, int off) {
    return (b[off] & 0xffL)
        | (b[off + 1] & 0xffL) << 8
        | (b[off + 2] & 0xffL) << 16
        | (b[off + 3] & 0xffL) << 24
        | (b[off + 4] & 0xffL) << 32
        | (b[off + 5] & 0xffL) << 40
        | (b[off + 6] & 0xffL) << 48
        | (b[off + 7] & 0xffL) << 56;
  }

  static void putLong(byte[] b, int off, long v) {
    for (int i = 0; i < 8; i++) {
      b[off + i] = (byte) (v >>> (8 * i));
    }
  }

  /** Parses a decimal constant below p (used once, for the curve constants). */
  static long[] fromDecimal(String decimal) {
    byte[] be = new java.math.BigInteger(decimal).toByteArray();
    byte[] le = new byte[32];
    for (int i = 0; i < be.length && i < 32; i++) {
      le[i] = be[be.length - 1 - i];
    }
    long[] r = create();
    fromBytes(r, le, 0);
    return r;
  }
}
