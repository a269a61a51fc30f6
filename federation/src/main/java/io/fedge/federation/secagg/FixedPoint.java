package io.fedge.federation.secagg;

import java.math.BigInteger;

/**
 * Fixed-point encoding of real vectors into the ring Z_R with R = 2^32 or 2^64, in which the
 * masked sums are computed.
 *
 * <p>A value x is clipped to [-clipBound, clipBound], multiplied by 2^fractionalBits, rounded to
 * the nearest integer and reduced mod R (negative values wrap, two's complement). Ring elements are
 * held in a {@code long}; for R = 2^32 only the low 32 bits are used and the high bits are zero.
 *
 * <p>A sum of {@code count} encodings decodes correctly as long as its true value lies in (-R/2,
 * R/2). {@link #requireCapacity(int)} checks that for {@code count} clients at configuration time:
 * count * round(clipBound * 2^fractionalBits) &lt; R/2. Each coordinate of a decoded sum of
 * unclipped inputs is within count * 2^-(fractionalBits+1) of the real sum.
 */
public final class FixedPoint {
  private final int ringBits;
  private final int fractionalBits;
  private final double clipBound;
  private final double scale;
  private final long maxEncoded;
  private final long ringMask;

  /**
   * @param ringBits 32 or 64
   * @param fractionalBits number of fractional bits, the scale is 2^fractionalBits
   * @param clipBound inputs are clipped to [-clipBound, clipBound]; positive and finite
   */
  public FixedPoint(int ringBits, int fractionalBits, double clipBound) {
    if (ringBits != 32 && ringBits != 64) {
      throw new SecAggException("ring must be 2^32 or 2^64, got 2^" + ringBits);
    }
    if (fractionalBits < 0 || fractionalBits > 62) {
      throw new SecAggException("fractionalBits must be in [0, 62], got " + fractionalBits);
    }
    if (!(clipBound > 0) || Double.isInfinite(clipBound)) {
      throw new SecAggException("clipBound must be positive and finite, got " + clipBound);
    }
    this.ringBits = ringBits;
    this.fractionalBits = fractionalBits;
    this.clipBound = clipBound;
    this.scale = Math.scalb(1.0, fractionalBits);
    double max = Math.rint(clipBound * scale);
    if (max >= Math.scalb(1.0, ringBits - 1)) {
      throw new SecAggException(
          "clipBound " + clipBound + " at 2^" + fractionalBits + " does not fit in the ring 2^"
              + ringBits + " even for one client");
    }
    this.maxEncoded = (long) max;
    this.ringMask = ringBits == 64 ? -1L : 0xFFFF_FFFFL;
  }

  public int ringBits() {
    return ringBits;
  }

  public int fractionalBits() {
    return fractionalBits;
  }

  public double clipBound() {
    return clipBound;
  }

  /** Largest absolute value of one encoded coordinate, round(clipBound * 2^fractionalBits). */
  public long maxEncoded() {
    return maxEncoded;
  }

  /** All-ones in the low ringBits bits: x &amp; ringMask() reduces a long mod R. */
  public long ringMask() {
    return ringMask;
  }

  /** Largest number of clients whose sum cannot overflow: count * maxEncoded &lt; R/2. */
  public long maxClients() {
    if (maxEncoded == 0) {
      return Long.MAX_VALUE;
    }
    BigInteger half = BigInteger.ONE.shiftLeft(ringBits - 1);
    BigInteger m = BigInteger.valueOf(maxEncoded);
    // largest c with c * m < half, i.e. c = floor((half - 1) / m)
    BigInteger c = half.subtract(BigInteger.ONE).divide(m);
    return c.bitLength() >= 63 ? Long.MAX_VALUE : c.longValueExact();
  }

  /** Throws unless the sum of {@code count} clipped encodings is guaranteed not to wrap. */
  public void requireCapacity(long count) {
    if (count < 1) {
      throw new SecAggException("client count must be positive, got " + count);
    }
    if (count > maxClients()) {
      throw new SecAggException(
          "fixed-point overflow: "
              + count
              + " clients * clip bound "
              + clipBound
              + " * scale 2^"
              + fractionalBits
              + " must be below R/2 = 2^"
              + (ringBits - 1)
              + "; at most "
              + maxClients()
              + " clients fit. Lower the clip bound or fractional bits, or use a 64-bit ring");
    }
  }

  /** Encodes {@code values} into a new array of ring elements. Rejects NaN and infinities. */
  public long[] encode(double[] values) {
    long[] out = new long[values.length];
    encodeInto(values, out);
    return out;
  }

  /** Encodes {@code values} into {@code out}, which must have the same length. */
  public void encodeInto(double[] values, long[] out) {
    if (out.length != values.length) {
      throw new SecAggException(
          "output length " + out.length + " != input length " + values.length);
    }
    double lo = -clipBound;
    double hi = clipBound;
    for (int i = 0; i < values.length; i++) {
      double v = values[i];
      if (!Double.isFinite(v)) {
        throw new SecAggException("input[" + i + "] is " + v + "; only finite values can be encoded");
      }
      double c = v < lo ? lo : (v > hi ? hi : v);
      out[i] = ((long) Math.rint(c * scale)) & ringMask;
    }
  }

  /**
   * Decodes a sum of {@code count} encodings (mod R) into real numbers. Throws if any coordinate
   * lies outside what {@code count} clipped inputs can produce, which means the sum is corrupt.
   */
  public double[] decodeSum(long[] sum, int count) {
    requireCapacity(count);
    long limit = maxEncoded * count; // cannot overflow: requireCapacity bounds it below 2^63
    double inv = 1.0 / scale;
    double[] out = new double[sum.length];
    for (int i = 0; i < sum.length; i++) {
      long s = toSigned(sum[i]);
      if (s > limit || s < -limit) {
        throw new SecAggException(
            "sum[" + i + "] = " + s + " exceeds what " + count + " clipped inputs can produce");
      }
      out[i] = s * inv;
    }
    return out;
  }

  /** The ring element as a signed value in [-R/2, R/2). */
  public long toSigned(long ringElement) {
    if (ringBits == 64) {
      return ringElement;
    }
    if ((ringElement & ~ringMask) != 0) {
      throw new SecAggException("value " + ringElement + " is not an element of Z_2^32");
    }
    return (int) ringElement;
  }

  @Override
  public String toString() {
    return "FixedPoint[ring=2^" + ringBits + ", fractionalBits=" + fractionalBits
        + ", clipBound=" + clipBound + "]";
  }
}
