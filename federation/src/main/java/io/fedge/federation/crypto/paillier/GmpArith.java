package io.fedge.federation.crypto.paillier;

import com.squareup.jnagmp.Gmp;
import java.math.BigInteger;

/**
 * {@link ModArith} on GMP's {@code mpz_powm_sec} through jnagmp. JNA unpacks the bundled libgmp
 * into {@code jna.tmpdir} (defaults to the JVM's temporary directory).
 */
final class GmpArith implements ModArith {
  private static volatile GmpArith instance;

  private GmpArith() {}

  static GmpArith load() {
    GmpArith loaded = instance;
    if (loaded != null) {
      return loaded;
    }
    try {
      Gmp.checkLoaded();
      // One known answer, so a broken native library is refused rather than trusted.
      BigInteger r = Gmp.modPowSecure(BigInteger.valueOf(3), BigInteger.valueOf(5), BigInteger.valueOf(7));
      if (r.intValue() != 5) {
        throw new IllegalStateException("GMP returned 3^5 mod 7 = " + r);
      }
    } catch (RuntimeException | LinkageError e) {
      throw new IllegalStateException("jnagmp could not load GMP: " + e, e);
    }
    instance = new GmpArith();
    return instance;
  }

  @Override
  public BigInteger modPow(BigInteger base, BigInteger exponent, BigInteger modulus) {
    return Gmp.modPowSecure(base, exponent, modulus);
  }

  @Override
  public String name() {
    return "gmp";
  }
}
