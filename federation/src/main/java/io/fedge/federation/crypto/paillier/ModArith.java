package io.fedge.federation.crypto.paillier;

import java.math.BigInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Modular exponentiation, the one operation whose speed decides Paillier's cost. Two
 * implementations: GMP through jnagmp (bundles its own libgmp for linux-x86-64, darwin and
 * sunos-x86-64) and the JDK's {@link BigInteger#modPow}. {@link #best()} picks GMP when its native
 * library loads and logs which one it chose.
 *
 * <p>Exponents and bases in Paillier are secret (the randomness r, the primes), so the GMP path uses
 * {@code mpz_powm_sec}, GMP's side-channel-silent exponentiation. It needs an odd modulus, which
 * every Paillier modulus (n^2, p^2, q^2) is.
 */
public interface ModArith {
  /** {@code base^exponent mod modulus}, for a positive odd modulus and non-negative exponent. */
  BigInteger modPow(BigInteger base, BigInteger exponent, BigInteger modulus);

  /** Short name for logs and benchmark tables: "gmp" or "biginteger". */
  String name();

  /** The pure-Java implementation. */
  static ModArith bigInteger() {
    return JdkArith.INSTANCE;
  }

  /** GMP if it loads on this platform, else the JDK; the choice is logged once. */
  static ModArith best() {
    return Holder.BEST;
  }

  /** GMP through jnagmp; throws {@link IllegalStateException} if the native library cannot load. */
  static ModArith gmp() {
    return GmpArith.load();
  }

  /** Lazily selected default. */
  final class Holder {
    private static final Logger LOG = LoggerFactory.getLogger(ModArith.class);
    static final ModArith BEST = select();

    private Holder() {}

    private static ModArith select() {
      try {
        ModArith gmp = GmpArith.load();
        LOG.info("Paillier arithmetic: GMP through jnagmp");
        return gmp;
      } catch (IllegalStateException | LinkageError e) {
        LOG.info("Paillier arithmetic: java.math.BigInteger (GMP unavailable: {})", e.getMessage());
        return JdkArith.INSTANCE;
      }
    }
  }
}
