package io.fedge.federation.crypto.paillier;

import java.math.BigInteger;

/** {@link ModArith} on {@link BigInteger#modPow} (Montgomery multiplication, JIT intrinsics). */
final class JdkArith implements ModArith {
  static final JdkArith INSTANCE = new JdkArith();

  private JdkArith() {}

  @Override
  public BigInteger modPow(BigInteger base, BigInteger exponent, BigInteger modulus) {
    return base.modPow(exponent, modulus);
  }

  @Override
  public String name() {
    return "biginteger";
  }
}
