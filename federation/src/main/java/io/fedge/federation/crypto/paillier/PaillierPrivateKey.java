package io.fedge.federation.crypto.paillier;

import java.math.BigInteger;
import java.security.SecureRandom;

/**
 * Paillier private key (the primes p, q) with the Chinese-remainder shortcuts: decryption works mod
 * p^2 and q^2 with half-size exponents (Paillier 1999, section 7), and the key holder computes the
 * encryption noise r^n mod n^2 as two half-size exponentiations mod p^2 and q^2.
 */
public final class PaillierPrivateKey {
  private final PaillierPublicKey publicKey;
  private final BigInteger p;
  private final BigInteger q;
  private final BigInteger pSquared;
  private final BigInteger qSquared;
  private final BigInteger pMinusOne;
  private final BigInteger qMinusOne;
  private final BigInteger hp;
  private final BigInteger hq;
  private final BigInteger qInverseModP;
  private final BigInteger qSquaredInverseModPSquared;
  private final BigInteger nModPhiPSquared;
  private final BigInteger nModPhiQSquared;

  public PaillierPrivateKey(BigInteger p, BigInteger q) {
    if (p.equals(q) || !p.isProbablePrime(64) || !q.isProbablePrime(64)) {
      throw new IllegalArgumentException("Paillier primes must be two distinct primes");
    }
    this.p = p;
    this.q = q;
    BigInteger n = p.multiply(q);
    this.publicKey = new PaillierPublicKey(n);
    this.pSquared = p.multiply(p);
    this.qSquared = q.multiply(q);
    this.pMinusOne = p.subtract(BigInteger.ONE);
    this.qMinusOne = q.subtract(BigInteger.ONE);
    BigInteger g = n.add(BigInteger.ONE);
    this.hp = lFunction(g.modPow(pMinusOne, pSquared), p).modInverse(p);
    this.hq = lFunction(g.modPow(qMinusOne, qSquared), q).modInverse(q);
    this.qInverseModP = q.modInverse(p);
    this.qSquaredInverseModPSquared = qSquared.modInverse(pSquared);
    // The group Z_{p^2}^* has order p(p-1); reducing the exponent n mod it is exact.
    this.nModPhiPSquared = n.mod(p.multiply(pMinusOne));
    this.nModPhiQSquared = n.mod(q.multiply(qMinusOne));
  }

  public PaillierPublicKey publicKey() {
    return publicKey;
  }

  /** Decrypts to the plaintext in [0, n). */
  public BigInteger decrypt(Ciphertext c, ModArith arith) {
    BigInteger mp = lFunction(arith.modPow(c.value().mod(pSquared), pMinusOne, pSquared), p)
        .multiply(hp).mod(p);
    BigInteger mq = lFunction(arith.modPow(c.value().mod(qSquared), qMinusOne, qSquared), q)
        .multiply(hq).mod(q);
    // Garner: m = mq + q·((mp - mq)·q^-1 mod p)
    return mp.subtract(mq).multiply(qInverseModP).mod(p).multiply(q).add(mq);
  }

  /**
   * A fresh uniformly random n-th residue mod n^2, distributed exactly as r^n for a uniform unit r,
   * computed as (r mod p)^p mod p^2 and (r mod q)^q mod q^2, recombined.
   *
   * <p>Why that is the same distribution: Z_{p^2}^* is cyclic of order p(p-1) and its n-th powers
   * are its unique subgroup of order p-1 (gcd(q, p-1) = 1). The map x -> x^p mod p^2 is well defined
   * on x mod p ((x + kp)^p = x^p mod p^2) and is a homomorphism of Z_p^* with trivial kernel
   * (x^p = 1 mod p^2 implies x = x^p = 1 mod p), so it maps the uniform r mod p onto that subgroup
   * uniformly; the same holds mod q^2, and r mod p and r mod q are independent and uniform. The
   * exponent p has half the bits of n mod p(p-1), so this is about twice as fast as r^n by CRT.
   */
  public BigInteger freshNoise(SecureRandom random, ModArith arith) {
    BigInteger r = publicKey.randomUnit(random);
    BigInteger xp = arith.modPow(r.mod(p), p, pSquared);
    BigInteger xq = arith.modPow(r.mod(q), q, qSquared);
    return fromResidues(xp, xq);
  }

  /** r^n mod n^2 for a given r, through the residues mod p^2 and q^2 (full-length exponents). */
  public BigInteger nthPower(BigInteger r, ModArith arith) {
    BigInteger xp = arith.modPow(r.mod(pSquared), nModPhiPSquared, pSquared);
    BigInteger xq = arith.modPow(r.mod(qSquared), nModPhiQSquared, qSquared);
    return fromResidues(xp, xq);
  }

  /** The x mod n^2 with x = xp mod p^2 and x = xq mod q^2 (Garner's recombination). */
  BigInteger fromResidues(BigInteger xp, BigInteger xq) {
    // x = xq + q^2·((xp - xq)·(q^2)^-1 mod p^2)
    return xp.subtract(xq).multiply(qSquaredInverseModPSquared).mod(pSquared)
        .multiply(qSquared).add(xq);
  }

  BigInteger pSquared() {
    return pSquared;
  }

  BigInteger qSquared() {
    return qSquared;
  }

  private static BigInteger lFunction(BigInteger u, BigInteger d) {
    return u.subtract(BigInteger.ONE).divide(d);
  }

  @Override
  public String toString() {
    return "PaillierPrivateKey(" + publicKey.bits() + " bits)"; // never the primes
  }
}
