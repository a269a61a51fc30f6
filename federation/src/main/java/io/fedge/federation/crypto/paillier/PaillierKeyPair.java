package io.fedge.federation.crypto.paillier;

import java.math.BigInteger;
import java.security.SecureRandom;

/** Key generation: two random primes of half the modulus size whose product has exactly that size. */
public final class PaillierKeyPair {
  /** Smallest modulus accepted for production use (NIST SP 800-57: 112-bit security). */
  public static final int MIN_SECURE_BITS = 2048;

  private PaillierKeyPair() {}

  /**
   * Generates a private key with an n of {@code bits} bits. Values below {@link #MIN_SECURE_BITS}
   * are accepted (down to 512) only so tests can run the same code faster; never use them with data.
   */
  public static PaillierPrivateKey generate(int bits, SecureRandom random) {
    if (bits < 512 || bits % 2 != 0) {
      throw new IllegalArgumentException("Paillier modulus size must be even and at least 512 bits, got " + bits);
    }
    while (true) {
      BigInteger p = BigInteger.probablePrime(bits / 2, random);
      BigInteger q = BigInteger.probablePrime(bits / 2, random);
      if (p.equals(q) || p.multiply(q).bitLength() != bits) {
        continue;
      }
      // gcd(pq, (p-1)(q-1)) = 1 holds for equal-size primes; check it anyway.
      BigInteger phi = p.subtract(BigInteger.ONE).multiply(q.subtract(BigInteger.ONE));
      if (!p.multiply(q).gcd(phi).equals(BigInteger.ONE)) {
        continue;
      }
      return new PaillierPrivateKey(p, q);
    }
  }
}
