package io.fedge.federation.crypto.paillier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.security.SecureRandom;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

/** Fixed-base (DJN) noise gives ordinary Paillier ciphertexts, interchangeable with classic ones. */
class FixedBaseNoiseTest {
  private static final PaillierPrivateKey KEY = PaillierKeyPair.generate(1024, new SecureRandom());
  private static final PaillierPublicKey PK = KEY.publicKey();
  private static final SecureRandom RNG = new SecureRandom();
  private static final ModArith JDK = ModArith.bigInteger();
  private static final FixedBaseNoise HOLDER = FixedBaseNoise.forKeyHolder(KEY, RNG, ModArith.best());
  private static final FixedBaseNoise PUBLIC = FixedBaseNoise.forPublicKey(PK, RNG, JDK);

  private static Ciphertext fast(BigInteger m) {
    return PK.encrypt(m, HOLDER.next(RNG));
  }

  private static Ciphertext classic(BigInteger m) {
    return PK.encrypt(m, KEY.freshNoise(RNG, JDK));
  }

  @Property(tries = 60)
  void tablePowerEqualsModPow(@ForAll @IntRange(min = 1, max = 9) int window,
      @ForAll @IntRange(min = 1, max = 300) int exponentBits, @ForAll long seed) {
    Random r = new Random(seed);
    BigInteger modulus = new BigInteger(256, r).setBit(255).setBit(0); // odd, like n^2, p^2, q^2
    BigInteger base = new BigInteger(300, r); // larger than the modulus on purpose
    FixedBasePowers table = new FixedBasePowers(base, modulus, exponentBits, window);
    for (int i = 0; i < 5; i++) {
      BigInteger e = new BigInteger(r.nextInt(exponentBits + 1), r);
      assertThat(table.pow(e)).isEqualTo(base.modPow(e, modulus));
    }
    assertThat(table.pow(BigInteger.ZERO)).isEqualTo(BigInteger.ONE);
    BigInteger allOnes = BigInteger.ONE.shiftLeft(exponentBits).subtract(BigInteger.ONE);
    assertThat(table.pow(allOnes)).isEqualTo(base.modPow(allOnes, modulus));
  }

  @Property(tries = 15)
  void gmpTablePowerEqualsModPow(@ForAll @IntRange(min = 1, max = 8) int window,
      @ForAll @IntRange(min = 1, max = 300) int exponentBits, @ForAll long seed) {
    Random r = new Random(seed);
    BigInteger modulus = new BigInteger(512, r).setBit(511).setBit(0);
    BigInteger base = new BigInteger(500, r);
    FixedBase table = FixedBase.table(base, modulus, exponentBits, window, ModArith.gmp());
    assertThat(table).isInstanceOf(GmpFixedBasePowers.class);
    for (int i = 0; i < 5; i++) {
      BigInteger e = new BigInteger(r.nextInt(exponentBits + 1), r);
      assertThat(table.pow(e)).isEqualTo(base.modPow(e, modulus));
    }
    assertThat(table.pow(BigInteger.ZERO)).isEqualTo(BigInteger.ONE);
  }

  @Test
  void gmpTablesStayValidUnderConcurrentUseAndGarbageCollection() {
    // The native integers are freed by a cleaner: powers computed on several threads while the
    // collector runs (and while earlier tables are collected) must still be right.
    BigInteger modulus = PK.nSquared();
    for (int round = 0; round < 3; round++) {
      FixedBase table = FixedBase.table(BigInteger.valueOf(7), modulus, 256, 8, ModArith.gmp());
      java.util.stream.IntStream.range(0, 400).parallel().forEach(i -> {
        BigInteger e = new BigInteger(256, new Random(i));
        if (i % 50 == 0) {
          System.gc();
        }
        assertThat(table.pow(e)).isEqualTo(BigInteger.valueOf(7).modPow(e, modulus));
      });
    }
  }

  @Property(tries = 20)
  void barrettProductEqualsModOfProduct(@ForAll long seed) {
    Random r = new Random(seed);
    BigInteger modulus = PK.nSquared();
    FixedBasePowers table = new FixedBasePowers(BigInteger.TWO, modulus, 8, 4);
    BigInteger x = new BigInteger(modulus.bitLength(), r).mod(modulus);
    BigInteger y = modulus.subtract(BigInteger.ONE).subtract(new BigInteger(64, r)); // near the top
    assertThat(table.multiplyMod(x, y)).isEqualTo(x.multiply(y).mod(modulus));
  }

  @Test
  void exponentsLargerThanTheTableAreRefused() {
    FixedBasePowers table = new FixedBasePowers(BigInteger.TWO, BigInteger.valueOf(101), 10, 3);
    assertThatThrownBy(() -> table.pow(BigInteger.ONE.shiftLeft(10))).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> table.pow(BigInteger.valueOf(-1))).isInstanceOf(IllegalArgumentException.class);
  }

  @Property(tries = 20)
  void keyHolderTablesGiveTheBaseToTheExponent(@ForAll long seed) {
    BigInteger a = new BigInteger(HOLDER.exponentBits(), new Random(seed));
    assertThat(HOLDER.power(a)).isEqualTo(HOLDER.base().modPow(a, PK.nSquared()));
    assertThat(PUBLIC.power(a)).isEqualTo(PUBLIC.base().modPow(a, PK.nSquared()));
  }

  @Test
  void exponentsHaveHalfTheModulusBits() {
    assertThat(HOLDER.exponentBits()).isEqualTo(512);
    assertThat(PUBLIC.exponentBits()).isEqualTo(512);
  }

  @Property(tries = 40)
  void fastNoiseCiphertextsDecrypt(@ForAll @LongRange(min = 0) long m) {
    BigInteger plain = BigInteger.valueOf(m);
    assertThat(KEY.decrypt(fast(plain), JDK)).isEqualTo(plain);
    assertThat(KEY.decrypt(PK.encrypt(plain, PUBLIC.next(RNG)), ModArith.best())).isEqualTo(plain);
  }

  @Property(tries = 30)
  void homomorphicAdditionAndScalarMultiplicationHoldForFastNoise(
      @ForAll @LongRange(min = -1_000_000_000L, max = 1_000_000_000L) long a,
      @ForAll @LongRange(min = -1_000_000_000L, max = 1_000_000_000L) long b,
      @ForAll @LongRange(min = -1_000_000, max = 1_000_000) long k) {
    FixedPointCodec codec = new FixedPointCodec(PK, 0);
    Ciphertext ca = fast(codec.encodeInteger(BigInteger.valueOf(a)));
    Ciphertext cb = fast(codec.encodeInteger(BigInteger.valueOf(b)));
    assertThat(codec.decodeInteger(KEY.decrypt(PK.add(ca, cb), JDK))).isEqualTo(BigInteger.valueOf(a + b));
    Ciphertext scaled = PK.multiply(ca, BigInteger.valueOf(k), ModArith.best());
    assertThat(codec.decodeInteger(KEY.decrypt(scaled, JDK)))
        .isEqualTo(BigInteger.valueOf(a).multiply(BigInteger.valueOf(k)));
  }

  @Property(tries = 30)
  void fastAndClassicCiphertextsInteroperate(@ForAll @LongRange(min = 0, max = 1L << 60) long a,
      @ForAll @LongRange(min = 0, max = 1L << 60) long b) {
    BigInteger x = BigInteger.valueOf(a);
    BigInteger y = BigInteger.valueOf(b);
    Ciphertext mixedSum = PK.add(fast(x), classic(y));
    assertThat(KEY.decrypt(mixedSum, JDK)).isEqualTo(x.add(y));
    Ciphertext back = PK.subtract(mixedSum, fast(y));
    assertThat(KEY.decrypt(back, JDK)).isEqualTo(x);
    Ciphertext rerandomized = PK.rerandomize(classic(x), HOLDER.next(RNG));
    assertThat(KEY.decrypt(rerandomized, JDK)).isEqualTo(x);
  }

  @Property(tries = 20)
  void classicKeyHolderNoiseIsAnNthResidueLikePublicNoise(@ForAll @LongRange(min = 0) long m) {
    // Enc(0) with the noise decrypts to 0 exactly when the noise is an n-th residue mod n^2.
    assertThat(KEY.decrypt(new Ciphertext(KEY.freshNoise(RNG, JDK)), JDK)).isZero();
    assertThat(KEY.decrypt(new Ciphertext(HOLDER.next(RNG)), JDK)).isZero();
    BigInteger r = PK.randomUnit(RNG);
    assertThat(KEY.nthPower(r, JDK)).isEqualTo(r.modPow(PK.n(), PK.nSquared()));
    assertThat(KEY.decrypt(classic(BigInteger.valueOf(m)), ModArith.best())).isEqualTo(BigInteger.valueOf(m));
  }

  @Test
  void fixedBasePoolHandsOutDistinctNoiseThatEncrypts() {
    try (NoisePool pool = NoisePool.forKeyHolder(KEY, ModArith.best(), 16, 0, NoiseMode.FIXED_BASE)) {
      pool.precompute(8);
      Set<BigInteger> seen = new HashSet<>();
      for (int i = 0; i < 24; i++) {
        BigInteger noise = pool.take();
        assertThat(seen.add(noise)).isTrue();
        assertThat(KEY.decrypt(PK.encrypt(BigInteger.valueOf(i), noise), JDK)).isEqualTo(BigInteger.valueOf(i));
      }
    }
  }

  @Test
  void generatedKeysUseBlumPrimesWithSmallCommonFactor() {
    // p = q = 3 (mod 4) and gcd(p-1, q-1) = 2: then -1 is a non-residue mod p and q, as DJN's base needs.
    PaillierPrivateKey key = PaillierKeyPair.generate(768, new SecureRandom());
    BigInteger n = key.publicKey().n();
    BigInteger p = key.pSquared().sqrt();
    BigInteger q = key.qSquared().sqrt();
    assertThat(p.multiply(q)).isEqualTo(n);
    assertThat(p.testBit(1) && q.testBit(1)).isTrue();
    assertThat(p.subtract(BigInteger.ONE).gcd(q.subtract(BigInteger.ONE))).isEqualTo(BigInteger.TWO);
  }
}
