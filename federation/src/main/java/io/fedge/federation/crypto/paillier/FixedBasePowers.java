package io.fedge.federation.crypto.paillier;

import java.math.BigInteger;

/**
 * {@code base^e mod m} for one fixed base and many exponents of at most {@code maxBits} bits.
 *
 * <p>The exponent is cut into digits of w bits, e = Σ d_i·2^(w·i). The table holds
 * {@code base^(d·2^(w·i)) mod m} for every digit position i and every digit d in [1, 2^w), so a
 * power is the product of one table entry per non-zero digit: at most ⌈maxBits/w⌉ multiplications
 * mod m and no squaring (fixed-base windowing in the manner of Brickell, Gordon, McCurley and
 * Wilson, EUROCRYPT '92, with the table spent on removing the squarings). A generic square-and-
 * multiply over the same exponent costs maxBits squarings plus about maxBits/(w+1) multiplications.
 * The table has ⌈maxBits/w⌉·(2^w − 1) entries.
 *
 * <p>Products are reduced with Barrett's method (Handbook of Applied Cryptography, algorithm 14.42):
 * three multiplications, which the JIT runs as intrinsics, cost about a third of one
 * {@link BigInteger#mod} of a double-length product (measured at 2048 bits).
 *
 * <p>Immutable once built, so one table serves every thread. Entries are picked by the exponent's
 * digits: the access pattern depends on the (secret) exponent, see docs/vertical.md on why that is
 * accepted for the guest's noise.
 */
public final class FixedBasePowers implements FixedBase {
  private final BigInteger modulus;
  private final int modulusBits;
  private final BigInteger barrett; // floor(2^(2·modulusBits) / modulus)
  private final int windowBits;
  private final int maxBits;
  private final BigInteger[][] table;

  /**
   * Builds the table for {@code base} mod {@code modulus} (any modulus above 1), exponents of at
   * most {@code maxBits} bits and digits of {@code windowBits} bits (1 to 12).
   */
  public FixedBasePowers(BigInteger base, BigInteger modulus, int maxBits, int windowBits) {
    if (modulus == null || modulus.compareTo(BigInteger.ONE) <= 0) {
      throw new IllegalArgumentException("modulus must be above 1");
    }
    if (base == null) {
      throw new IllegalArgumentException("base is required");
    }
    if (windowBits < 1 || windowBits > 12) {
      throw new IllegalArgumentException("window must be 1 to 12 bits, got " + windowBits);
    }
    if (maxBits < 1) {
      throw new IllegalArgumentException("exponent size must be positive, got " + maxBits);
    }
    this.modulus = modulus;
    this.modulusBits = modulus.bitLength();
    this.barrett = BigInteger.ONE.shiftLeft(2 * modulusBits).divide(modulus);
    this.windowBits = windowBits;
    this.maxBits = maxBits;
    int positions = (maxBits + windowBits - 1) / windowBits;
    int digits = (1 << windowBits) - 1;
    this.table = new BigInteger[positions][];
    BigInteger b = base.mod(modulus); // base^(2^(w·i)) at position i
    for (int i = 0; i < positions; i++) {
      BigInteger[] row = new BigInteger[digits];
      row[0] = b;
      for (int d = 1; d < digits; d++) {
        row[d] = multiplyMod(row[d - 1], b);
      }
      table[i] = row;
      b = multiplyMod(row[digits - 1], b);
    }
  }

  /** {@code base^e mod modulus} for 0 <= e < 2^maxBits. */
  @Override
  public BigInteger pow(BigInteger e) {
    if (e == null || e.signum() < 0 || e.bitLength() > maxBits) {
      throw new IllegalArgumentException("exponent must be in [0, 2^" + maxBits + ")");
    }
    BigInteger acc = null;
    int length = e.bitLength();
    for (int i = 0, pos = 0; pos < length; i++, pos += windowBits) {
      int d = 0;
      for (int j = Math.min(windowBits, length - pos) - 1; j >= 0; j--) {
        d = (d << 1) | (e.testBit(pos + j) ? 1 : 0);
      }
      if (d != 0) {
        BigInteger entry = table[i][d - 1];
        acc = acc == null ? entry : multiplyMod(acc, entry);
      }
    }
    return acc == null ? BigInteger.ONE.mod(modulus) : acc;
  }

  /** x·y mod modulus for 0 <= x, y < modulus, by Barrett reduction. */
  BigInteger multiplyMod(BigInteger x, BigInteger y) {
    BigInteger z = x.multiply(y); // < modulus^2 < 2^(2k)
    BigInteger q = z.shiftRight(modulusBits - 1).multiply(barrett).shiftRight(modulusBits + 1);
    BigInteger r = z.subtract(q.multiply(modulus)); // in [0, 3·modulus)
    while (r.compareTo(modulus) >= 0) {
      r = r.subtract(modulus);
    }
    return r;
  }

  @Override
  public int maxBits() {
    return maxBits;
  }

  public int windowBits() {
    return windowBits;
  }

  /** Visits every entry, row by row (position i, digit d at index i·(2^w − 1) + d − 1). */
  void forEachEntry(java.util.function.ObjIntConsumer<BigInteger> visitor) {
    int digits = (1 << windowBits) - 1;
    for (int i = 0; i < table.length; i++) {
      for (int d = 0; d < digits; d++) {
        visitor.accept(table[i][d], i * digits + d);
      }
    }
  }

  /** Number of precomputed powers (memory: entries × the modulus size). */
  public int entries() {
    return table.length * ((1 << windowBits) - 1);
  }
}
