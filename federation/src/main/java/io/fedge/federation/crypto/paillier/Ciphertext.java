package io.fedge.federation.crypto.paillier;

import java.math.BigInteger;

/** A Paillier ciphertext, an element of Z_{n^2}^*. */
public record Ciphertext(BigInteger value) {
  public Ciphertext {
    if (value == null || value.signum() <= 0) {
      throw new IllegalArgumentException("ciphertext must be a positive integer");
    }
  }

  /** Big-endian unsigned bytes, the wire form. */
  public byte[] toBytes() {
    byte[] b = value.toByteArray();
    if (b[0] == 0 && b.length > 1) {
      return java.util.Arrays.copyOfRange(b, 1, b.length);
    }
    return b;
  }

  public static Ciphertext fromBytes(byte[] bytes) {
    return new Ciphertext(new BigInteger(1, bytes));
  }
}
