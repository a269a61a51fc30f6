package io.fedge.federation.psi.ristretto;

import java.math.BigInteger;
import java.security.SecureRandom;
import java.util.Arrays;

/**
 * An integer modulo the ristretto255 group order l = 2^252 + 27742317777372353535851937790883648493.
 *
 * <p>Scalars are made rarely (one or two per PSI job and party), so the arithmetic here uses
 * {@link BigInteger}, which is not constant time; the per-element work, scalar multiplication, is.
 * The canonical 32-byte little-endian value is kept for {@link #toBytes()} and its signed radix-16
 * digits for multiplication.
 */
public final class Scalar {
  /** The group order l. */
  public static final BigInteger ORDER =
      BigInteger.ONE.shiftLeft(252).add(new BigInteger("27742317777372353535851937790883648493"));

  private final BigInteger value;
  private final byte[] digits;

  private Scalar(BigInteger value) {
    this.value = value;
    this.digits = radix16(toLittleEndian(value));
  }

  /** value mod l. */
  public static Scalar of(BigInteger value) {
    return new Scalar(value.mod(ORDER));
  }

  /** A uniformly random non-zero scalar (64 random bytes reduced mod l, retried on zero). */
  public static Scalar random(SecureRandom random) {
    byte[] wide = new byte[64];
    while (true) {
      random.nextBytes(wide);
      Scalar s = fromBytesModOrderWide(wide);
      Arrays.fill(wide, (byte) 0);
      if (!s.isZero()) {
        return s;
      }
    }
  }

  /** Little-endian bytes of any length, reduced mod l. */
  public static Scalar fromBytesModOrderWide(byte[] littleEndian) {
    byte[] be = new byte[littleEndian.length];
    for (int i = 0; i < be.length; i++) {
      be[i] = littleEndian[littleEndian.length - 1 - i];
    }
    return of(new BigInteger(1, be));
  }

  /**
   * Exactly 32 little-endian bytes of a value below l.
   *
   * @throws IllegalArgumentException if the value is not canonical
   */
  public static Scalar fromCanonicalBytes(byte[] littleEndian) {
    if (littleEndian.length != 32) {
      throw new IllegalArgumentException("a scalar is exactly 32 bytes");
    }
    byte[] be = new byte[32];
    for (int i = 0; i < 32; i++) {
      be[i] = littleEndian[31 - i];
    }
    BigInteger v = new BigInteger(1, be);
    if (v.compareTo(ORDER) >= 0) {
      throw new IllegalArgumentException("scalar is not reduced modulo the group order");
    }
    return new Scalar(v);
  }

  public boolean isZero() {
    return value.signum() == 0;
  }

  public Scalar multiply(Scalar other) {
    return of(value.multiply(other.value));
  }

  public Scalar add(Scalar other) {
    return of(value.add(other.value));
  }

  /** The multiplicative inverse mod l. */
  public Scalar invert() {
    if (isZero()) {
      throw new ArithmeticException("zero has no inverse");
    }
    return new Scalar(value.modInverse(ORDER));
  }

  /** Canonical 32-byte little-endian encoding. */
  public byte[] toBytes() {
    return toLittleEndian(value);
  }

  BigInteger value() {
    return value;
  }

  byte[] radix16() {
    return digits;
  }

  private static byte[] toLittleEndian(BigInteger v) {
    byte[] be = v.toByteArray();
    byte[] le = new byte[32];
    for (int i = 0; i < be.length && i < 32; i++) {
      le[i] = be[be.length - 1 - i];
    }
    return le;
  }

  /** Signed digits e_i in [-8, 8) (the last in [-8, 8]) with value = sum e_i 16^i; needs a < 2^255. */
  private static byte[] radix16(byte[] a) {
    byte[] e = new byte[64];
    for (int i = 0; i < 32; i++) {
      e[2 * i] = (byte) (a[i] & 15);
      e[2 * i + 1] = (byte) ((a[i] >>> 4) & 15);
    }
    for (int i = 0; i < 63; i++) {
      int carry = (e[i] + 8) >> 4;
      e[i] -= (byte) (carry << 4);
      e[i + 1] += (byte) carry;
    }
    return e;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Scalar && ((Scalar) o).value.equals(value);
  }

  @Override
  public int hashCode() {
    return value.hashCode();
  }

  /** Never prints the value: scalars in this package are secrets. */
  @Override
  public String toString() {
    return "Scalar[redacted]";
  }
}
