package io.fedge.federation.crypto.paillier;

import java.math.BigInteger;
import java.security.SecureRandom;

/**
 * Key generation: two random primes of half the modulus size, both 3 mod 4 with gcd(p-1, q-1) = 2,
 * whose product has exactly that size.
 */
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
      BigInteger p = blumPrime(bits / 2, random);
      BigInteger q = blumPrime(bits / 2, random);
      if (p.equals(q) || p.multiply(q).bitLength() != bits) {
        continue;
      }
      // As DJN 2010 and HEU: with p = q = 3 (mod 4) and gcd(p-1, q-1) = 2 the units of Jacobi
      // symbol 1 form a cyclic group, which -x^2 (the base of FixedBaseNoise) generates for most x.
      if (!p.subtract(BigInteger.ONE).gcd(q.subtract(BigInteger.ONE)).equals(BigInteger.TWO)) {
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

  /** A random prime of {@code bits} bits that is 3 mod 4. */
  private static BigInteger blumPrime(int bits, SecureRandom random) {
    while (true) {
      BigInteger p = BigInteger.probablePrime(bits, random);
      if (p.testBit(1)) {
        return p;
      }
    }
  }
}
