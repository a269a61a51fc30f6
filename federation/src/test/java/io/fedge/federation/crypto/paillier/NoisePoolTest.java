package io.fedge.federation.crypto.paillier;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.security.SecureRandom;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class NoisePoolTest {
  @Test
  void pooledNoiseIsNeverHandedOutTwiceAndEncryptsCorrectly() {
    PaillierPrivateKey key = PaillierKeyPair.generate(1024, new SecureRandom());
    try (NoisePool pool = NoisePool.forKeyHolder(key, ModArith.best(), 64, 0)) {
      pool.precompute(32);
      assertThat(pool.available()).isEqualTo(32);
      Set<BigInteger> seen = new HashSet<>();
      for (int i = 0; i < 48; i++) { // 32 from the pool, 16 computed inline
        BigInteger noise = pool.take();
        assertThat(seen.add(noise)).isTrue();
        Ciphertext c = key.publicKey().encrypt(BigInteger.valueOf(i), noise);
        assertThat(key.decrypt(c, ModArith.bigInteger())).isEqualTo(BigInteger.valueOf(i));
      }
      assertThat(pool.available()).isZero();
    }
  }

  @Test
  void gmpIsSelectedWhenItLoadsHere() {
    // This machine (linux-x86-64) is one jnagmp bundles GMP for; the fallback is for the others.
    assertThat(ModArith.best().name()).isEqualTo("gmp");
    BigInteger m = new BigInteger("123456789012345678901234567890");
    BigInteger mod = BigInteger.ONE.shiftLeft(521).subtract(BigInteger.ONE);
    assertThat(ModArith.gmp().modPow(m, BigInteger.valueOf(65537), mod))
        .isEqualTo(m.modPow(BigInteger.valueOf(65537), mod));
  }
}
