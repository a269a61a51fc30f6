package io.fedge.federation.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.spec.ECGenParameterSpec;
import java.util.Arrays;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class SealedEnvelopeTest {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final KeyPair DEVICE = ecKey();
  private static final KeyPair OTHER_DEVICE = ecKey();
  private static final RoundKeyPair ROUND = RoundKeyPair.generate(RANDOM);
  private static final RoundKeyPair OTHER_ROUND = RoundKeyPair.generate(RANDOM);

  @Property(tries = 60)
  void whatIsSealedOpensToTheSameBytesAfterSerialisation(
      @ForAll @Size(max = 64) byte[] header, @ForAll @Size(max = 5000) byte[] payload) {
    SealedEnvelope e = SealedEnvelope.seal(header, payload, ROUND.publicKey(), DEVICE.getPrivate(), RANDOM);
    SealedEnvelope parsed = SealedEnvelope.parse(e.toBytes());
    assertThat(parsed.open(ROUND, DEVICE.getPublic())).isEqualTo(payload);
    assertThat(parsed.header()).isEqualTo(header);
    assertThat(parsed.commitment()).isEqualTo(e.commitment());
  }

  @Property(tries = 200)
  void anySingleFlippedBitIsDetected(
      @ForAll @Size(min = 1, max = 300) byte[] payload, @ForAll @IntRange(min = 0, max = 100_000) int where,
      @ForAll @IntRange(min = 0, max = 7) int bit) {
    byte[] bytes =
        SealedEnvelope.seal("h|1".getBytes(), payload, ROUND.publicKey(), DEVICE.getPrivate(), RANDOM).toBytes();
    int i = where % bytes.length;
    bytes[i] ^= (byte) (1 << bit);
    assertThatThrownBy(() -> SealedEnvelope.parse(bytes).open(ROUND, DEVICE.getPublic()))
        .isInstanceOf(CryptoException.class);
  }

  @Property(tries = 30)
  void anEnvelopeSealedToAnotherRoundDoesNotOpen(@ForAll @Size(max = 500) byte[] payload) {
    SealedEnvelope e = SealedEnvelope.seal(new byte[0], payload, OTHER_ROUND.publicKey(), DEVICE.getPrivate(), RANDOM);
    assertThat(e.verify(DEVICE.getPublic())).isTrue();
    assertThatThrownBy(() -> e.open(ROUND, DEVICE.getPublic()))
        .isInstanceOf(CryptoException.class)
        .hasMessageContaining("does not decrypt");
  }

  @Test
  void anEnvelopeSignedByAnotherDeviceIsNotAttributedToThisOne() {
    SealedEnvelope e = SealedEnvelope.seal(new byte[] {1}, new byte[] {2}, ROUND.publicKey(), OTHER_DEVICE.getPrivate(), RANDOM);
    assertThat(e.verify(DEVICE.getPublic())).isFalse();
    assertThatThrownBy(() -> e.open(ROUND, DEVICE.getPublic())).hasMessageContaining("signature");
  }

  @Test
  void theCiphertextDoesNotContainThePlaintext() {
    byte[] payload = new byte[4096];
    Arrays.fill(payload, (byte) 'A');
    byte[] wire = SealedEnvelope.seal(new byte[0], payload, ROUND.publicKey(), DEVICE.getPrivate(), RANDOM).toBytes();
    int longestRun = 0;
    int run = 0;
    for (byte b : wire) {
      run = b == 'A' ? run + 1 : 0;
      longestRun = Math.max(longestRun, run);
    }
    assertThat(longestRun).isLessThan(8);
  }

  @Test
  void aRestoredRoundKeyOpensWhatWasSealedBeforeARestart() {
    SealedEnvelope e = SealedEnvelope.seal(new byte[0], new byte[] {9, 9}, ROUND.publicKey(), DEVICE.getPrivate(), RANDOM);
    RoundKeyPair restored = RoundKeyPair.fromPrivate(ROUND.privateKey());
    assertThat(restored.publicKey()).isEqualTo(ROUND.publicKey());
    assertThat(e.open(restored, DEVICE.getPublic())).containsExactly(9, 9);
  }

  @Property(tries = 100)
  void truncatedOrExtendedBytesAreRefusedWhenParsing(
      @ForAll @Size(max = 200) byte[] payload, @ForAll @IntRange(min = 1, max = 50) int cut) {
    byte[] bytes = SealedEnvelope.seal(new byte[0], payload, ROUND.publicKey(), DEVICE.getPrivate(), RANDOM).toBytes();
    byte[] shorter = Arrays.copyOf(bytes, Math.max(0, bytes.length - cut));
    byte[] longer = Arrays.copyOf(bytes, bytes.length + cut);
    assertThatThrownBy(() -> SealedEnvelope.parse(shorter)).isInstanceOf(CryptoException.class);
    assertThatThrownBy(() -> SealedEnvelope.parse(longer)).isInstanceOf(CryptoException.class);
  }

  private static KeyPair ecKey() {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
      g.initialize(new ECGenParameterSpec("secp256r1"));
      return g.generateKeyPair();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
