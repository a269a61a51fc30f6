package io.fedge.federation.crypto.paillier;

import java.math.BigInteger;

/** Powers of one fixed base modulo one modulus, for exponents of at most {@link #maxBits()} bits. */
public interface FixedBase {
  /** {@code base^e mod modulus} for 0 <= e < 2^maxBits. */
  BigInteger pow(BigInteger e);

  int maxBits();

  /**
   * A table for {@code base} mod {@code modulus}: kept in GMP when {@code arith} is GMP (its
   * multiplication does not depend on the JIT), else in Java ({@link FixedBasePowers}).
   */
  static FixedBase table(BigInteger base, BigInteger modulus, int maxBits, int windowBits, ModArith arith) {
    if (arith instanceof GmpArith) {
      return new GmpFixedBasePowers(base, modulus, maxBits, windowBits);
    }
    return new FixedBasePowers(base, modulus, maxBits, windowBits);
  }
}
