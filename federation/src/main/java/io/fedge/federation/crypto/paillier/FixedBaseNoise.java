package io.fedge.federation.crypto.paillier;

import java.math.BigInteger;
import java.security.SecureRandom;

/**
 * Encryption noise in the manner of Damgård, Jurik and Nielsen ("A generalization of Paillier's
 * public-key system with applications to electronic voting", Int. J. Inf. Secur. 9, 2010, the
 * s = 1 case of their faster encryption), as SecretFlow HEU's {@code paillier_zahlen} also does.
 *
 * <p>Once per key: a random unit x, h = −x² mod n and h_s = h^n mod n². Each noise value is then
 * {@code h_s^a mod n²} for a fresh uniformly random a of ⌈k/2⌉ bits (k = bits of n: 1,024 bits for
 * a 2048-bit key), computed with a {@link FixedBasePowers} table instead of a full exponentiation.
 * Every h_s^a = (h^a)^n is an n-th residue, so the ciphertext (1 + m·n)·h_s^a is an ordinary
 * Paillier ciphertext: decryption and homomorphic operations do not change, and nobody else needs
 * h_s (each encrypting party can make its own).
 *
 * <p>Security: semantic security under the DCR assumption plus the assumption that h^a for a short
 * random a is indistinguishable from a uniform element of the group h generates (DJN 2010). See
 * docs/vertical.md ("Paillier") for why it is accepted and {@link NoiseMode#CLASSIC} for the path
 * that does without it.
 *
 * <p>The key holder keeps two tables, mod p² and mod q² (half-size numbers, about a quarter of the
 * cost per multiplication), and recombines the residues; with GMP ({@link ModArith#best()}) the
 * tables live in GMP integers ({@link GmpFixedBasePowers}), else in Java; a party with the public key only keeps one
 * table mod n². Thread-safe: the tables are immutable and {@link SecureRandom} is thread-safe.
 */
public final class FixedBaseNoise {
  /**
   * Digit width of the tables: 128 multiplications per 1,024-bit exponent; 128 × 255 powers per
   * table, about 9 MB for each of the key holder's two tables at 2048 bits (native memory with GMP).
   */
  public static final int DEFAULT_WINDOW_BITS = 8;

  private final PaillierPrivateKey privateKey;
  private final BigInteger hs;
  private final int exponentBits;
  private final FixedBase modNSquared;
  private final FixedBase modPSquared;
  private final FixedBase modQSquared;

  private FixedBaseNoise(PaillierPublicKey publicKey, PaillierPrivateKey privateKey, SecureRandom random,
      ModArith arith, int windowBits) {
    this.privateKey = privateKey;
    this.exponentBits = (publicKey.bits() + 1) / 2;
    BigInteger n = publicKey.n();
    BigInteger x = publicKey.randomUnit(random);
    BigInteger h = n.subtract(x.multiply(x).mod(n)); // −x² mod n, a unit with Jacobi symbol 1
    if (privateKey != null) {
      this.hs = privateKey.nthPower(h, arith);
      this.modNSquared = null;
      this.modPSquared = FixedBase.table(hs.mod(privateKey.pSquared()), privateKey.pSquared(), exponentBits,
          windowBits, arith);
      this.modQSquared = FixedBase.table(hs.mod(privateKey.qSquared()), privateKey.qSquared(), exponentBits,
          windowBits, arith);
    } else {
      this.hs = arith.modPow(h, n, publicKey.nSquared());
      this.modNSquared = FixedBase.table(hs, publicKey.nSquared(), exponentBits, windowBits, arith);
      this.modPSquared = null;
      this.modQSquared = null;
    }
  }

  /** Noise for the key holder: tables mod p² and q². */
  public static FixedBaseNoise forKeyHolder(PaillierPrivateKey key, SecureRandom random, ModArith arith) {
    return new FixedBaseNoise(key.publicKey(), key, random, arith, DEFAULT_WINDOW_BITS);
  }

  /** Noise for a party holding only the public key: one table mod n². */
  public static FixedBaseNoise forPublicKey(PaillierPublicKey key, SecureRandom random, ModArith arith) {
    return new FixedBaseNoise(key, null, random, arith, DEFAULT_WINDOW_BITS);
  }

  static FixedBaseNoise withWindow(PaillierPublicKey publicKey, PaillierPrivateKey privateKey, int windowBits,
      ModArith arith) {
    return new FixedBaseNoise(publicKey, privateKey, new SecureRandom(), arith, windowBits);
  }

  /** A fresh noise value h_s^a mod n² for a uniformly random a of {@link #exponentBits()} bits. */
  public BigInteger next(SecureRandom random) {
    return power(new BigInteger(exponentBits, random));
  }

  /** h_s^a mod n² through the tables. */
  BigInteger power(BigInteger a) {
    if (privateKey != null) {
      return privateKey.fromResidues(modPSquared.pow(a), modQSquared.pow(a));
    }
    return modNSquared.pow(a);
  }

  /** h_s, the fixed base (for tests). */
  BigInteger base() {
    return hs;
  }

  /** Bits of the random exponent: ⌈k/2⌉ for a k-bit modulus, the choice of DJN 2010 and of HEU. */
  public int exponentBits() {
    return exponentBits;
  }
}
