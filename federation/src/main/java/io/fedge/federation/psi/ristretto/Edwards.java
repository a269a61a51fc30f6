package io.fedge.federation.psi.ristretto;

/**
 * Points of the twisted Edwards curve -x^2 + y^2 = 1 + d x^2 y^2 (edwards25519) in the
 * coordinate systems used by the formulas of Hisil, Wong, Carter and Dawson (2008), with a = -1.
 *
 * <ul>
 *   <li>{@link Ext} extended (X:Y:Z:T) with x = X/Z, y = Y/Z, xy = T/Z;
 *   <li>{@link Completed} ((X:Z),(Y:T)) with x = X/Z, y = Y/T, the output of an addition or doubling;
 *   <li>{@link Cached} (Y+X, Y-X, Z, 2dT), the operand form of an addition.
 * </ul>
 *
 * <p>All operations are branch-free on point values. Every function writes into a caller-owned
 * object, so a scalar multiplication allocates only its lookup table.
 */
final class Edwards {
  static final long[] D =
      Fe.fromDecimal("37095705934669439343138083508754565189542113879843219016388785533085940283555");
  static final long[] D2 = Fe.create();

  static {
    Fe.add(D2, D, D);
    Fe.carry(D2, D2[0], D2[1], D2[2], D2[3], D2[4]);
  }

  private Edwards() {}

  /** Extended coordinates. */
  static final class Ext {
    final long[] x = Fe.create();
    final long[] y = Fe.create();
    final long[] z = Fe.create();
    final long[] t = Fe.create();

    static Ext identity() {
      Ext e = new Ext();
      e.y[0] = 1;
      e.z[0] = 1;
      return e;
    }

    void set(Ext o) {
      Fe.copy(x, o.x);
      Fe.copy(y, o.y);
      Fe.copy(z, o.z);
      Fe.copy(t, o.t);
    }
  }

  /** Completed coordinates (an addition's or doubling's raw result). */
  static final class Completed {
    final long[] x = Fe.create();
    final long[] y = Fe.create();
    final long[] z = Fe.create();
    final long[] t = Fe.create();
  }

  /** Cached form of an addend: (Y+X, Y-X, Z, 2dT). */
  static final class Cached {
    final long[] ypx = Fe.create();
    final long[] ymx = Fe.create();
    final long[] z = Fe.create();
    final long[] t2d = Fe.create();

    static Cached identity() {
      Cached c = new Cached();
      c.ypx[0] = 1;
      c.ymx[0] = 1;
      c.z[0] = 1;
      return c;
    }

    /** this = src if flag == 1 (constant time). */
    void select(Cached src, int flag) {
      Fe.select(ypx, ypx, src.ypx, flag);
      Fe.select(ymx, ymx, src.ymx, flag);
      Fe.select(z, z, src.z, flag);
      Fe.select(t2d, t2d, src.t2d, flag);
    }
  }

  static void toCached(Cached o, Ext p) {
    Fe.add(o.ypx, p.y, p.x);
    Fe.sub(o.ymx, p.y, p.x);
    Fe.copy(o.z, p.z);
    Fe.mul(o.t2d, p.t, D2);
  }

  /** o = p + q. */
  static void add(Completed o, Ext p, Cached q, long[] s0, long[] s1) {
    Fe.add(s0, p.y, p.x);
    Fe.mul(s0, s0, q.ypx); // PP
    Fe.sub(s1, p.y, p.x);
    Fe.mul(s1, s1, q.ymx); // MM
    Fe.sub(o.x, s0, s1);
    Fe.add(o.y, s0, s1);
    Fe.mul(s0, p.t, q.t2d); // TT2d
    Fe.mul(s1, p.z, q.z); // ZZ
    Fe.add(s1, s1, s1); // ZZ2
    Fe.add(o.z, s1, s0);
    Fe.sub(o.t, s1, s0);
  }

  /** o = p - q. */
  static void sub(Completed o, Ext p, Cached q, long[] s0, long[] s1) {
    Fe.add(s0, p.y, p.x);
    Fe.mul(s0, s0, q.ymx);
    Fe.sub(s1, p.y, p.x);
    Fe.mul(s1, s1, q.ypx);
    Fe.sub(o.x, s0, s1);
    Fe.add(o.y, s0, s1);
    Fe.mul(s0, p.t, q.t2d);
    Fe.mul(s1, p.z, q.z);
    Fe.add(s1, s1, s1);
    Fe.sub(o.z, s1, s0);
    Fe.add(o.t, s1, s0);
  }

  /**
   * o = 2p, reading only p's X, Y, Z (so a point in projective coordinates can be doubled by
   * passing an {@link Ext} whose T is stale).
   */
  static void dbl(Completed o, Ext p, long[] s0, long[] s1) {
    Fe.square(s0, p.x); // XX
    Fe.square(s1, p.y); // YY
    Fe.add(o.y, s1, s0); // YY + XX
    Fe.sub(o.z, s1, s0); // YY - XX
    Fe.add(s0, p.x, p.y);
    Fe.square(s0, s0); // (X+Y)^2
    Fe.sub(o.x, s0, o.y);
    Fe.square(s1, p.z);
    Fe.add(s1, s1, s1); // 2ZZ
    Fe.sub(o.t, s1, o.z);
  }

  /** Projective part of c: X, Y, Z only (T is left unchanged and must not be used). */
  static void toProjective(Ext o, Completed c) {
    Fe.mul(o.x, c.x, c.t);
    Fe.mul(o.y, c.y, c.z);
    Fe.mul(o.z, c.z, c.t);
  }

  static void toExtended(Ext o, Completed c) {
    Fe.mul(o.x, c.x, c.t);
    Fe.mul(o.y, c.y, c.z);
    Fe.mul(o.z, c.z, c.t);
    Fe.mul(o.t, c.x, c.y);
  }

  /**
   * o = s * p for a scalar given as 64 signed radix-16 digits in [-8, 8] (least significant
   * first), in constant time: fixed sequence of 252 doublings and 64 additions, each addend read
   * from an 8-entry table by a full scan.
   */
  static void multiply(Ext o, Ext p, byte[] digits) {
    long[] s0 = Fe.create();
    long[] s1 = Fe.create();
    Cached[] table = new Cached[8];
    Completed c = new Completed();
    Ext acc = new Ext();
    table[0] = new Cached();
    toCached(table[0], p);
    for (int i = 1; i < 8; i++) {
      add(c, p, table[i - 1], s0, s1);
      toExtended(acc, c);
      table[i] = new Cached();
      toCached(table[i], acc);
    }
    Cached addend = new Cached();
    Ext proj = new Ext();
    acc = Ext.identity();
    select(addend, table, digits[63], s0);
    add(c, acc, addend, s0, s1);
    for (int i = 62; i >= 0; i--) {
      toProjective(proj, c);
      dbl(c, proj, s0, s1);
      toProjective(proj, c);
      dbl(c, proj, s0, s1);
      toProjective(proj, c);
      dbl(c, proj, s0, s1);
      toProjective(proj, c);
      dbl(c, proj, s0, s1);
      toExtended(acc, c);
      select(addend, table, digits[i], s0);
      add(c, acc, addend, s0, s1);
    }
    toExtended(o, c);
  }

  /** o = digit * P from table[j] = (j+1) P, for digit in [-8, 8], scanning all entries. */
  private static void select(Cached o, Cached[] table, byte digit, long[] scratch) {
    int d = digit;
    int negative = (d >>> 31) & 1; // 1 if d < 0
    int abs = d - ((-negative) & (2 * d)); // |d|
    Fe.one(o.ypx);
    Fe.one(o.ymx);
    Fe.one(o.z);
    Fe.zero(o.t2d);
    for (int j = 0; j < 8; j++) {
      int diff = abs ^ (j + 1);
      int eq = ((diff - 1) >>> 31) & 1; // 1 iff diff == 0 (diff in 0..15)
      o.select(table[j], eq);
    }
    // negation of a cached point: swap Y+X and Y-X, negate 2dT
    Fe.copy(scratch, o.ypx);
    Fe.select(o.ypx, o.ypx, o.ymx, negative);
    Fe.select(o.ymx, o.ymx, scratch, negative);
    Fe.condNeg(o.t2d, o.t2d, negative);
  }
}
