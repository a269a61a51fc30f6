package io.fedge.federation.crypto.paillier;

import java.math.BigInteger;
import java.security.SecureRandom;

/**
 * Paillier public key with generator g = n + 1, so that g^m = 1 + m·n (mod n^2) and encryption is
 * {@code (1 + m·n) · r^n mod n^2}. Plaintexts live in Z_n; signed values are mapped by
 * {@link FixedPointCodec}.
 */
public final class PaillierPublicKey {
  private final BigInteger n;
  private final BigInteger nSquared;

  public PaillierPublicKey(BigInteger n) {
    if (n == null || n.signum() <= 0 || !n.testBit(0) || n.bitLength() < 512) {
      throw new IllegalArgumentException("Paillier modulus must be an odd positive number of at least 512 bits");
    }
    this.n = n;
    this.nSquared = n.multiply(n);
  }

  public BigInteger n() {
    return n;
  }

  public BigInteger nSquared() {
    return nSquared;
  }

  public int bits() {
    return n.bitLength();
  }

  /** A fresh r^n mod n^2 for a uniformly random r in Z_n^*. */
  public BigInteger freshNoise(SecureRandom random, ModArith arith) {
    return arith.modPow(randomUnit(random), n, nSquared);
  }

  BigInteger randomUnit(SecureRandom random) {
    while (true) {
      BigInteger r = new BigInteger(n.bitLength(), random);
      if (r.signum() > 0 && r.compareTo(n) < 0 && r.gcd(n).equals(BigInteger.ONE)) {
        return r;
      }
    }
  }

  /** Encrypts plaintext {@code m} (0 <= m < n) with precomputed noise r^n mod n^2. */
  public Ciphertext encrypt(BigInteger m, BigInteger noise) {
    checkPlaintext(m);
    BigInteger gm = m.multiply(n).add(BigInteger.ONE).mod(nSquared);
    return new Ciphertext(gm.multiply(noise).mod(nSquared));
  }

  /** Encrypts with noise drawn from {@code pool}. */
  public Ciphertext encrypt(BigInteger m, NoisePool pool) {
    return encrypt(m, pool.take());
  }

  /** Enc(a) · Enc(b) = Enc(a + b mod n). */
  public Ciphertext add(Ciphertext a, Ciphertext b) {
    return new Ciphertext(a.value().multiply(b.value()).mod(nSquared));
  }

  /** Enc(a) · Enc(b)^-1 = Enc(a - b mod n). */
  public Ciphertext subtract(Ciphertext a, Ciphertext b) {
    return new Ciphertext(a.value().multiply(b.value().modInverse(nSquared)).mod(nSquared));
  }

  /** Enc(a)^k = Enc(k·a mod n); k is reduced mod n, so negative k multiplies by n - |k|. */
  public Ciphertext multiply(Ciphertext a, BigInteger k, ModArith arith) {
    BigInteger e = k.mod(n);
    if (e.signum() == 0) {
      return new Ciphertext(BigInteger.ONE); // Enc(0) with r = 1: fine inside a sum, never sent alone
    }
    return new Ciphertext(arith.modPow(a.value(), e, nSquared));
  }

  /** Re-randomises a ciphertext (same plaintext, fresh noise): use before sending a derived value. */
  public Ciphertext rerandomize(Ciphertext a, BigInteger noise) {
    return new Ciphertext(a.value().multiply(noise).mod(nSquared));
  }

  /** Checks that a received value is a well-formed ciphertext for this key. */
  public Ciphertext validate(BigInteger c) {
    if (c == null || c.signum() <= 0 || c.compareTo(nSquared) >= 0) {
      throw new IllegalArgumentException("ciphertext is not in (0, n^2): refuse it");
    }
    return new Ciphertext(c);
  }

  private void checkPlaintext(BigInteger m) {
    if (m.signum() < 0 || m.compareTo(n) >= 0) {
      throw new IllegalArgumentException("plaintext must be in [0, n); encode signed values with FixedPointCodec");
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PaillierPublicKey k && k.n.equals(n);
  }

  @Override
  public int hashCode() {
    return n.hashCode();
  }
}
