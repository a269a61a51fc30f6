package io.fedge.federation.psi.ristretto;

/**
 * An element of the ristretto255 prime-order group (RFC 9496), immutable. Encoding, decoding,
 * element derivation and scalar multiplication follow RFC 9496 section 4.3 and run in time
 * independent of secret values (decoding of a public encoding does branch on its validity).
 */
public final class RistrettoPoint {
  /** Length of an encoded element in bytes. */
  public static final int ENCODED_LENGTH = 32;

  static final long[] SQRT_M1 =
      Fe.fromDecimal("19681161376707505956807079304988542015446066515923890162744021073123829784752");
  static final long[] SQRT_AD_MINUS_ONE =
      Fe.fromDecimal("25063068953384623474111414158702152701244531502492656460079210482610430750235");
  static final long[] INVSQRT_A_MINUS_D =
      Fe.fromDecimal("54469307008909316920995813868745141605393597292927456921205312896311721017578");
  static final long[] ONE_MINUS_D_SQ =
      Fe.fromDecimal("1159843021668779879193775521855586647937357759715417654439879720876111806838");
  static final long[] D_MINUS_ONE_SQ =
      Fe.fromDecimal("40440834346308536858101042469323190826248399146238708352240133220865137265952");

  private static final byte[] GENERATOR_ENCODING = {
    (byte) 0xe2, (byte) 0xf2, (byte) 0xae, 0x0a, 0x6a, (byte) 0xbc, 0x4e, 0x71,
    (byte) 0xa8, (byte) 0x84, (byte) 0xa9, 0x61, (byte) 0xc5, 0x00, 0x51, 0x5f,
    0x58, (byte) 0xe3, 0x0b, 0x6a, (byte) 0xa5, (byte) 0x82, (byte) 0xdd, (byte) 0x8d,
    (byte) 0xb6, (byte) 0xa6, 0x59, 0x45, (byte) 0xe0, (byte) 0x8d, 0x2d, 0x76
  };

  /** The identity element (encodes as 32 zero bytes). */
  public static final RistrettoPoint IDENTITY = new RistrettoPoint(Edwards.Ext.identity());

  /** The generator B of RFC 9496 section 4.4. */
  public static final RistrettoPoint GENERATOR = decode(GENERATOR_ENCODING);

  final Edwards.Ext p;

  RistrettoPoint(Edwards.Ext p) {
    this.p = p;
  }

  /**
   * Decodes a 32-byte encoding (RFC 9496 section 4.3.1), rejecting every non-canonical one: values
   * at or above p (or with bit 255 set), negative field elements, non-squares, negative xy and
   * y = 0.
   *
   * @throws InvalidEncodingException if {@code encoding} is not the canonical encoding of an element
   */
  public static RistrettoPoint decode(byte[] encoding) {
    return decode(encoding, 0);
  }

  /** As {@link #decode(byte[])}, reading 32 bytes at {@code offset}. */
  public static RistrettoPoint decode(byte[] buf, int offset) {
    if (buf == null || offset < 0 || buf.length - offset < ENCODED_LENGTH) {
      throw new InvalidEncodingException("a ristretto255 element is exactly 32 bytes");
    }
    long[] s = Fe.create();
    Fe.fromBytes(s, buf, offset);
    byte[] canonical = Fe.toBytes(s);
    int diff = 0;
    for (int i = 0; i < 32; i++) {
      diff |= canonical[i] ^ buf[offset + i];
    }
    if (diff != 0) {
      throw new InvalidEncodingException("not a canonical field element (value >= p or bit 255 set)");
    }
    if ((canonical[0] & 1) != 0) {
      throw new InvalidEncodingException("negative field element");
    }
    long[] ss = Fe.create();
    Fe.square(ss, s);
    long[] u1 = Fe.create();
    long[] one = Fe.of(1);
    Fe.sub(u1, one, ss);
    long[] u2 = Fe.create();
    Fe.add(u2, one, ss);
    long[] u2Sqr = Fe.create();
    Fe.square(u2Sqr, u2);
    long[] v = Fe.create();
    Fe.square(v, u1);
    Fe.mul(v, v, Edwards.D);
    Fe.neg(v, v);
    Fe.sub(v, v, u2Sqr);
    long[] vu2 = Fe.create();
    Fe.mul(vu2, v, u2Sqr);
    long[] invsqrt = Fe.create();
    int wasSquare = sqrtRatioM1(invsqrt, one, vu2);
    long[] denX = Fe.create();
    Fe.mul(denX, invsqrt, u2);
    long[] denY = Fe.create();
    Fe.mul(denY, invsqrt, denX);
    Fe.mul(denY, denY, v);
    Edwards.Ext e = new Edwards.Ext();
    Fe.add(e.x, s, s);
    Fe.mul(e.x, e.x, denX);
    Fe.abs(e.x, e.x);
    Fe.mul(e.y, u1, denY);
    Fe.one(e.z);
    Fe.mul(e.t, e.x, e.y);
    if (wasSquare == 0) {
      throw new InvalidEncodingException("not a valid element (no square root)");
    }
    if (Fe.isNegative(e.t) == 1) {
      throw new InvalidEncodingException("not a valid element (xy is negative)");
    }
    if (Fe.isZero(e.y) == 1) {
      throw new InvalidEncodingException("not a valid element (y = 0)");
    }
    return new RistrettoPoint(e);
  }

  /** The canonical 32-byte encoding (RFC 9496 section 4.3.2). */
  public byte[] encode() {
    byte[] out = new byte[ENCODED_LENGTH];
    encodeInto(out, 0);
    return out;
  }

  /** Writes the canonical encoding at {@code out[offset..offset+32)}. */
  public void encodeInto(byte[] out, int offset) {
    long[] u1 = Fe.create();
    long[] u2 = Fe.create();
    long[] tmp = Fe.create();
    Fe.add(u1, p.z, p.y);
    Fe.sub(tmp, p.z, p.y);
    Fe.mul(u1, u1, tmp);
    Fe.mul(u2, p.x, p.y);
    Fe.square(tmp, u2);
    Fe.mul(tmp, tmp, u1);
    long[] invsqrt = Fe.create();
    sqrtRatioM1(invsqrt, Fe.of(1), tmp);
    long[] den1 = Fe.create();
    Fe.mul(den1, invsqrt, u1);
    long[] den2 = Fe.create();
    Fe.mul(den2, invsqrt, u2);
    long[] zInv = Fe.create();
    Fe.mul(zInv, den1, den2);
    Fe.mul(zInv, zInv, p.t);
    long[] ix0 = Fe.create();
    Fe.mul(ix0, p.x, SQRT_M1);
    long[] iy0 = Fe.create();
    Fe.mul(iy0, p.y, SQRT_M1);
    long[] enchanted = Fe.create();
    Fe.mul(enchanted, den1, INVSQRT_A_MINUS_D);
    Fe.mul(tmp, p.t, zInv);
    int rotate = Fe.isNegative(tmp);
    long[] x = Fe.create();
    Fe.select(x, p.x, iy0, rotate);
    long[] y = Fe.create();
    Fe.select(y, p.y, ix0, rotate);
    long[] denInv = Fe.create();
    Fe.select(denInv, den2, enchanted, rotate);
    Fe.mul(tmp, x, zInv);
    Fe.condNeg(y, y, Fe.isNegative(tmp));
    long[] s = Fe.create();
    Fe.sub(s, p.z, y);
    Fe.mul(s, s, denInv);
    Fe.abs(s, s);
    Fe.toBytes(out, offset, s);
  }

  /**
   * Derives an element from 64 uniformly random bytes (RFC 9496 section 4.3.4): the two halves are
   * mapped with the Elligator-style MAP and added.
   */
  public static RistrettoPoint fromUniformBytes(byte[] uniform) {
    if (uniform == null || uniform.length != 64) {
      throw new IllegalArgumentException("element derivation takes exactly 64 uniform bytes");
    }
    Edwards.Ext p1 = map(uniform, 0);
    Edwards.Ext p2 = map(uniform, 32);
    Edwards.Cached c2 = new Edwards.Cached();
    Edwards.toCached(c2, p2);
    Edwards.Completed c = new Edwards.Completed();
    Edwards.add(c, p1, c2, Fe.create(), Fe.create());
    Edwards.Ext r = new Edwards.Ext();
    Edwards.toExtended(r, c);
    return new RistrettoPoint(r);
  }

  private static Edwards.Ext map(byte[] b, int off) {
    long[] t = Fe.create();
    Fe.fromBytes(t, b, off); // bit 255 ignored; reduced mod p by the arithmetic
    long[] one = Fe.of(1);
    long[] r = Fe.create();
    Fe.square(r, t);
    Fe.mul(r, r, SQRT_M1);
    long[] u = Fe.create();
    Fe.add(u, r, one);
    Fe.mul(u, u, ONE_MINUS_D_SQ);
    long[] rd = Fe.create();
    Fe.mul(rd, r, Edwards.D);
    long[] v = Fe.create();
    Fe.neg(v, one);
    Fe.sub(v, v, rd); // -1 - r*D
    long[] rpd = Fe.create();
    Fe.add(rpd, r, Edwards.D);
    Fe.mul(v, v, rpd);
    long[] s = Fe.create();
    int wasSquare = sqrtRatioM1(s, u, v);
    long[] sPrime = Fe.create();
    Fe.mul(sPrime, s, t);
    Fe.abs(sPrime, sPrime);
    Fe.neg(sPrime, sPrime);
    Fe.select(s, sPrime, s, wasSquare);
    long[] c = Fe.create();
    Fe.neg(c, one);
    Fe.select(c, r, c, wasSquare);
    long[] n = Fe.create();
    Fe.sub(n, r, one);
    Fe.mul(n, n, c);
    Fe.mul(n, n, D_MINUS_ONE_SQ);
    Fe.sub(n, n, v);
    long[] w0 = Fe.create();
    Fe.add(w0, s, s);
    Fe.mul(w0, w0, v);
    long[] w1 = Fe.create();
    Fe.mul(w1, n, SQRT_AD_MINUS_ONE);
    long[] ss = Fe.create();
    Fe.square(ss, s);
    long[] w2 = Fe.create();
    Fe.sub(w2, one, ss);
    long[] w3 = Fe.create();
    Fe.add(w3, one, ss);
    Edwards.Ext e = new Edwards.Ext();
    Fe.mul(e.x, w0, w3);
    Fe.mul(e.y, w2, w1);
    Fe.mul(e.z, w1, w3);
    Fe.mul(e.t, w0, w2);
    return e;
  }

  /**
   * SQRT_RATIO_M1 of RFC 9496 section 4.2: writes r = sqrt(u/v) (non-negative) and returns 1 if
   * u/v is square; otherwise writes sqrt(i*u/v) and returns 0.
   */
  static int sqrtRatioM1(long[] out, long[] u, long[] v) {
    long[] v3 = Fe.create();
    Fe.square(v3, v);
    Fe.mul(v3, v3, v);
    long[] v7 = Fe.create();
    Fe.square(v7, v3);
    Fe.mul(v7, v7, v);
    long[] r = Fe.create();
    Fe.mul(r, u, v7);
    Fe.pow22523(r, r);
    Fe.mul(r, r, v3);
    Fe.mul(r, r, u);
    long[] check = Fe.create();
    Fe.square(check, r);
    Fe.mul(check, check, v);
    long[] negU = Fe.create();
    Fe.neg(negU, u);
    long[] negUi = Fe.create();
    Fe.mul(negUi, negU, SQRT_M1);
    int correct = Fe.eq(check, u);
    int flipped = Fe.eq(check, negU);
    int flippedI = Fe.eq(check, negUi);
    long[] rPrime = Fe.create();
    Fe.mul(rPrime, r, SQRT_M1);
    Fe.select(r, r, rPrime, flipped | flippedI);
    Fe.abs(out, r);
    return correct | flipped;
  }

  /** this * s, in constant time with respect to s. */
  public RistrettoPoint multiply(Scalar s) {
    Edwards.Ext r = new Edwards.Ext();
    Edwards.multiply(r, p, s.radix16());
    return new RistrettoPoint(r);
  }

  /** this + other. */
  public RistrettoPoint add(RistrettoPoint other) {
    Edwards.Cached c = new Edwards.Cached();
    Edwards.toCached(c, other.p);
    Edwards.Completed sum = new Edwards.Completed();
    Edwards.add(sum, p, c, Fe.create(), Fe.create());
    Edwards.Ext r = new Edwards.Ext();
    Edwards.toExtended(r, sum);
    return new RistrettoPoint(r);
  }

  /** this - other. */
  public RistrettoPoint subtract(RistrettoPoint other) {
    Edwards.Cached c = new Edwards.Cached();
    Edwards.toCached(c, other.p);
    Edwards.Completed diff = new Edwards.Completed();
    Edwards.sub(diff, p, c, Fe.create(), Fe.create());
    Edwards.Ext r = new Edwards.Ext();
    Edwards.toExtended(r, diff);
    return new RistrettoPoint(r);
  }

  /** Group equality of RFC 9496 section 4.5 (constant time). */
  @Override
  public boolean equals(Object o) {
    if (!(o instanceof RistrettoPoint)) {
      return false;
    }
    Edwards.Ext q = ((RistrettoPoint) o).p;
    long[] a = Fe.create();
    long[] b = Fe.create();
    Fe.mul(a, p.x, q.y);
    Fe.mul(b, p.y, q.x);
    int e1 = Fe.eq(a, b);
    Fe.mul(a, p.y, q.y);
    Fe.mul(b, p.x, q.x);
    int e2 = Fe.eq(a, b);
    return (e1 | e2) == 1;
  }

  @Override
  public int hashCode() {
    return java.util.Arrays.hashCode(encode());
  }

  @Override
  public String toString() {
    return "RistrettoPoint[" + java.util.HexFormat.of().formatHex(encode()) + "]";
  }
}
