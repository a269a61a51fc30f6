package io.fedge.federation.crypto.paillier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.math.BigInteger;
import java.security.SecureRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

/** Homomorphic identities of Paillier over both arithmetic back ends and the codecs on top of it. */
class PaillierPropertiesTest {
  // 1024-bit test key: the same code as 2048-bit, about 6x faster; production refuses nothing here,
  // the bit length is a parameter (PaillierKeyPair.MIN_SECURE_BITS documents the floor for data).
  private static final PaillierPrivateKey KEY = PaillierKeyPair.generate(1024, new SecureRandom());
  private static final PaillierPublicKey PK = KEY.publicKey();
  private static final SecureRandom RNG = new SecureRandom();
  private static final ModArith JDK = ModArith.bigInteger();
  private static final ModArith BEST = ModArith.best();

  private static Ciphertext enc(BigInteger m) {
    return PK.encrypt(m, PK.freshNoise(RNG, JDK));
  }

  @Property(tries = 40)
  void decryptionOfSumIsSumOfPlaintexts(@ForAll @LongRange(min = 0) long a, @ForAll @LongRange(min = 0) long b) {
    Ciphertext sum = PK.add(enc(BigInteger.valueOf(a)), enc(BigInteger.valueOf(b)));
    assertThat(KEY.decrypt(sum, JDK)).isEqualTo(BigInteger.valueOf(a).add(BigInteger.valueOf(b)));
    assertThat(KEY.decrypt(sum, BEST)).isEqualTo(BigInteger.valueOf(a).add(BigInteger.valueOf(b)));
  }

  @Property(tries = 40)
  void scalarMultiplicationMultipliesPlaintext(@ForAll @LongRange(min = -1_000_000_000L, max = 1_000_000_000L) long a,
      @ForAll @LongRange(min = -1_000_000, max = 1_000_000) long k) {
    FixedPointCodec codec = new FixedPointCodec(PK, 0);
    Ciphertext c = PK.multiply(enc(codec.encodeInteger(BigInteger.valueOf(a))), BigInteger.valueOf(k), BEST);
    BigInteger expected = BigInteger.valueOf(a).multiply(BigInteger.valueOf(k));
    if (expected.signum() == 0) {
      assertThat(codec.decodeInteger(KEY.decrypt(c, JDK))).isZero();
    } else {
      assertThat(codec.decodeInteger(KEY.decrypt(c, JDK))).isEqualTo(expected);
    }
  }

  @Property(tries = 40)
  void negativeFixedPointValuesSurviveHomomorphicSums(@ForAll @DoubleRange(min = -1e6, max = 1e6) double a,
      @ForAll @DoubleRange(min = -1e6, max = 1e6) double b) {
    FixedPointCodec codec = new FixedPointCodec(PK, 40);
    Ciphertext sum = PK.add(enc(codec.encode(a)), enc(codec.encode(b)));
    assertThat(codec.decode(KEY.decrypt(sum, BEST))).isCloseTo(a + b, within(1e-9));
  }

  @Property(tries = 30)
  void keyHolderNoiseAndPublicNoiseBothDecrypt(@ForAll @LongRange(min = 0) long m) {
    Ciphertext viaCrt = PK.encrypt(BigInteger.valueOf(m), KEY.freshNoise(RNG, BEST));
    Ciphertext viaPublic = PK.encrypt(BigInteger.valueOf(m), PK.freshNoise(RNG, BEST));
    assertThat(KEY.decrypt(viaCrt, JDK)).isEqualTo(BigInteger.valueOf(m));
    assertThat(KEY.decrypt(viaPublic, JDK)).isEqualTo(BigInteger.valueOf(m));
    assertThat(viaCrt).isNotEqualTo(viaPublic);
  }

  @Property(tries = 30)
  void packedSlotsRoundTripThroughEncryptedSums(@ForAll @IntRange(min = 1, max = 6) int slots,
      @ForAll @LongRange(min = 0, max = (1L << 40) - 1) long seedValue) {
    SlotPacking packing = new SlotPacking(48, slots, PK);
    BigInteger[] a = new BigInteger[slots];
    BigInteger[] b = new BigInteger[slots];
    for (int i = 0; i < slots; i++) {
      a[i] = BigInteger.valueOf((seedValue >>> i) ^ (i * 7919L));
      b[i] = BigInteger.valueOf(seedValue % (i + 3));
    }
    Ciphertext sum = PK.add(enc(packing.pack(a)), enc(packing.pack(b)));
    BigInteger[] out = packing.unpack(KEY.decrypt(sum, BEST));
    for (int i = 0; i < slots; i++) {
      assertThat(out[i]).isEqualTo(a[i].add(b[i]));
    }
  }

  @Property(tries = 20)
  void subtractionUndoesAddition(@ForAll @LongRange(min = 0) long a, @ForAll @LongRange(min = 0) long b) {
    Ciphertext ca = enc(BigInteger.valueOf(a));
    Ciphertext back = PK.subtract(PK.add(ca, enc(BigInteger.valueOf(b))), enc(BigInteger.valueOf(b)));
    assertThat(KEY.decrypt(back, JDK)).isEqualTo(BigInteger.valueOf(a));
  }

  @Property(tries = 10)
  void ciphertextBytesRoundTrip(@ForAll @LongRange(min = 0) long m) {
    Ciphertext c = enc(BigInteger.valueOf(m));
    assertThat(Ciphertext.fromBytes(c.toBytes())).isEqualTo(c);
  }
}
