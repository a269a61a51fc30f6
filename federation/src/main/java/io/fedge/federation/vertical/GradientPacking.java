package io.fedge.federation.vertical;

import io.fedge.federation.crypto.paillier.PaillierPublicKey;
import io.fedge.federation.crypto.paillier.SlotPacking;
import java.math.BigInteger;

/**
 * One plaintext per row holding (g + 1)·2^f, h·2^f and 1 in three slots, so a host's encrypted
 * histogram sum decrypts to (G + k, H, k) for the k rows it covers and one encryption serves both
 * statistics. Slot width leaves room for sums over 2^21 rows. For binary log loss g is in (-1, 1)
 * and h in (0, 1/4]; softmax the same; squared loss (regression) has h = 1 and g scaled into
 * [-1, 1] by the guest (docs/vertical.md, "Objectives").
 */
final class GradientPacking {
  static final int MAX_ROWS_BITS = 21;
  private final int fractionBits;
  private final SlotPacking slots;
  private final BigInteger one;

  GradientPacking(PaillierPublicKey key, int fractionBits) {
    this.fractionBits = fractionBits;
    this.slots = new SlotPacking(fractionBits + MAX_ROWS_BITS + 3, 3, key);
    this.one = BigInteger.ONE.shiftLeft(fractionBits);
  }

  /** Bits of one packed (g, h, count) value, the stride when several are packed per ciphertext. */
  int valueBits() {
    return 3 * slots.slotBits();
  }

  /** How many packed values fit one plaintext of a key of {@code keyBits} bits. */
  int valuesPerPlaintext(int keyBits) {
    return Math.max(1, (keyBits - 2) / valueBits());
  }

  BigInteger pack(double g, double h) {
    if (!(g > -1.0 - 1e-12 && g < 1.0 + 1e-12) || !(h >= 0 && h <= 1)) {
      throw new VerticalException("gradient " + g + " or hessian " + h + " out of the packed range");
    }
    long ge = Math.round((g + 1) * Math.scalb(1.0, fractionBits));
    long he = Math.round(h * Math.scalb(1.0, fractionBits));
    return slots.pack(BigInteger.valueOf(Math.max(0, ge)), BigInteger.valueOf(he), BigInteger.ONE);
  }

  /** (G, H, count) of a decrypted sum. */
  double[] unpack(BigInteger sum) {
    BigInteger[] s = slots.unpack(sum);
    BigInteger count = s[2];
    double g = new java.math.BigDecimal(s[0].subtract(one.multiply(count)))
        .divide(java.math.BigDecimal.valueOf(2).pow(fractionBits)).doubleValue();
    double h = new java.math.BigDecimal(s[1]).divide(java.math.BigDecimal.valueOf(2).pow(fractionBits)).doubleValue();
    return new double[] {g, h, count.doubleValue()};
  }
}
