package io.fedge.federation.crypto.paillier;

import java.math.BigInteger;

/**
 * Several non-negative integers in one plaintext, slot i occupying bits [i·w, (i+1)·w). Homomorphic
 * addition adds slot-wise as long as no slot overflows its w bits, so callers give each slot enough
 * headroom for the largest sum they will form (value bits + log2 of the number of addends). Signed
 * quantities are made non-negative by an offset the caller removes after decryption (see
 * {@code GradientPacking} in the vertical package).
 */
public final class SlotPacking {
  private final int slotBits;
  private final int slots;

  public SlotPacking(int slotBits, int slots, PaillierPublicKey key) {
    if (slotBits < 1 || slots < 1) {
      throw new IllegalArgumentException("slot width and count must be positive");
    }
    if ((long) slotBits * slots >= key.bits() - 1) {
      throw new IllegalArgumentException(slots + " slots of " + slotBits + " bits do not fit a "
          + key.bits() + "-bit plaintext");
    }
    this.slotBits = slotBits;
    this.slots = slots;
  }

  public int slotBits() {
    return slotBits;
  }

  public int slots() {
    return slots;
  }

  /** Packs values, each in [0, 2^w). */
  public BigInteger pack(BigInteger... values) {
    if (values.length != slots) {
      throw new IllegalArgumentException("expected " + slots + " values, got " + values.length);
    }
    BigInteger packed = BigInteger.ZERO;
    for (int i = slots - 1; i >= 0; i--) {
      BigInteger v = values[i];
      if (v.signum() < 0 || v.bitLength() > slotBits) {
        throw new IllegalArgumentException("slot value " + i + " does not fit in " + slotBits + " bits");
      }
      packed = packed.shiftLeft(slotBits).or(v);
    }
    return packed;
  }

  /** The slot values of a (decrypted) packed plaintext. */
  public BigInteger[] unpack(BigInteger packed) {
    BigInteger mask = BigInteger.ONE.shiftLeft(slotBits).subtract(BigInteger.ONE);
    BigInteger[] out = new BigInteger[slots];
    for (int i = 0; i < slots; i++) {
      out[i] = packed.shiftRight(i * slotBits).and(mask);
    }
    return out;
  }
}
