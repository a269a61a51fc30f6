package io.fedge.federation.crypto.paillier;

import java.math.BigInteger;

/**
 * Signed reals to Paillier plaintexts: x is rounded to x·2^f and negative values are represented as
 * n - |x|·2^f, so that homomorphic addition and scalar multiplication follow the ring Z_n. Decoding
 * reads values above n/2 as negative; results must stay within (-n/2, n/2) / 2^f, which callers
 * ensure by bounding their inputs (a 2048-bit n leaves more than 2,000 bits of headroom).
 */
public final class FixedPointCodec {
  private final BigInteger n;
  private final BigInteger halfN;
  private final int fractionBits;

  public FixedPointCodec(PaillierPublicKey key, int fractionBits) {
    if (fractionBits < 0 || fractionBits > 62) {
      throw new IllegalArgumentException("fraction bits must be in [0, 62], got " + fractionBits);
    }
    this.n = key.n();
    this.halfN = n.shiftRight(1);
    this.fractionBits = fractionBits;
  }

  public int fractionBits() {
    return fractionBits;
  }

  /** Encodes a finite double. */
  public BigInteger encode(double x) {
    if (!Double.isFinite(x)) {
      throw new IllegalArgumentException("cannot encode " + x);
    }
    BigInteger v = new java.math.BigDecimal(x).multiply(java.math.BigDecimal.valueOf(2).pow(fractionBits))
        .setScale(0, java.math.RoundingMode.HALF_EVEN).toBigIntegerExact();
    return encodeInteger(v);
  }

  /** Encodes an already scaled signed integer. */
  public BigInteger encodeInteger(BigInteger v) {
    if (v.abs().compareTo(halfN) >= 0) {
      throw new IllegalArgumentException("value does not fit in the plaintext space");
    }
    return v.mod(n);
  }

  /** The signed integer a plaintext stands for (still scaled by 2^f, or 2^2f after a product). */
  public BigInteger decodeInteger(BigInteger m) {
    return m.compareTo(halfN) > 0 ? m.subtract(n) : m;
  }

  /** Decodes a plaintext holding one value scaled by 2^f. */
  public double decode(BigInteger m) {
    return decodeScaled(m, fractionBits);
  }

  /** Decodes a plaintext scaled by 2^{scaleBits} (e.g. 2f after multiplying two encoded values). */
  public double decodeScaled(BigInteger m, int scaleBits) {
    return new java.math.BigDecimal(decodeInteger(m)).divide(java.math.BigDecimal.valueOf(2).pow(scaleBits))
        .doubleValue();
  }
}
