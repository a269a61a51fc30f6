package io.fedge.federation.secagg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fedge.federation.secagg.KeyAgreement.Purpose;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.spec.NamedParameterSpec;
import java.security.spec.XECPrivateKeySpec;
import java.security.spec.XECPublicKeySpec;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.generators.HKDFBytesGenerator;
import org.bouncycastle.crypto.params.HKDFParameters;
import org.junit.jupiter.api.Test;

class KeyAgreementTest {
  private static final SecureRandom RANDOM = new SecureRandom();

  @Test
  void bothPartiesDeriveTheSameKeyAndItMatchesJdkXdhWithBouncyCastleHkdf() throws Exception {
    KeyAgreement.KeyPair a = KeyAgreement.generate(RANDOM);
    KeyAgreement.KeyPair b = KeyAgreement.generate(RANDOM);
    byte[] ab = KeyAgreement.pairwiseKey(a.privateKey(), b.publicKey(), Purpose.PAIRWISE_MASK, 42, 3, 9);
    byte[] ba = KeyAgreement.pairwiseKey(b.privateKey(), a.publicKey(), Purpose.PAIRWISE_MASK, 42, 9, 3);
    assertThat(ab).hasSize(32).isEqualTo(ba);

    // independent computation: the JDK's XDH for the shared secret, Bouncy Castle's HKDF
    KeyFactory kf = KeyFactory.getInstance("XDH");
    PrivateKey sk = kf.generatePrivate(new XECPrivateKeySpec(NamedParameterSpec.X25519, a.privateKey()));
    byte[] bLe = b.publicKey();
    byte[] bBe = new byte[32];
    for (int i = 0; i < 32; i++) {
      bBe[i] = bLe[31 - i];
    }
    PublicKey pk = kf.generatePublic(new XECPublicKeySpec(NamedParameterSpec.X25519, new BigInteger(1, bBe)));
    javax.crypto.KeyAgreement xdh = javax.crypto.KeyAgreement.getInstance("XDH");
    xdh.init(sk);
    xdh.doPhase(pk, true);
    byte[] shared = xdh.generateSecret();
    byte[] label = "fedge/secagg/v1/pairwise-mask".getBytes(StandardCharsets.US_ASCII);
    byte[] info = ByteBuffer.allocate(label.length + 17).put(label).put((byte) 0).putLong(42)
        .putInt(3).putInt(9).array();
    HKDFBytesGenerator hkdf = new HKDFBytesGenerator(new SHA256Digest());
    hkdf.init(new HKDFParameters(shared, "fedge/secagg/v1".getBytes(StandardCharsets.US_ASCII), info));
    byte[] expected = new byte[32];
    hkdf.generateBytes(expected, 0, 32);
    assertThat(ab).isEqualTo(expected);
  }

  @Test
  void keysAreSeparatedByRoundPurposeAndPair() {
    KeyAgreement.KeyPair a = KeyAgreement.generate(RANDOM);
    KeyAgreement.KeyPair b = KeyAgreement.generate(RANDOM);
    byte[] base = KeyAgreement.pairwiseKey(a.privateKey(), b.publicKey(), Purpose.PAIRWISE_MASK, 1, 1, 2);
    assertThat(KeyAgreement.pairwiseKey(a.privateKey(), b.publicKey(), Purpose.PAIRWISE_MASK, 2, 1, 2))
        .isNotEqualTo(base);
    assertThat(KeyAgreement.pairwiseKey(a.privateKey(), b.publicKey(), Purpose.SHARE_ENCRYPTION, 1, 1, 2))
        .isNotEqualTo(base);
    assertThat(KeyAgreement.pairwiseKey(a.privateKey(), b.publicKey(), Purpose.PAIRWISE_MASK, 1, 1, 3))
        .isNotEqualTo(base);
    // canonical order: the ids' roles do not matter, only the pair
    assertThat(KeyAgreement.pairwiseKey(a.privateKey(), b.publicKey(), Purpose.PAIRWISE_MASK, 1, 2, 1))
        .isEqualTo(base);
  }

  @Test
  void rejectsLowOrderPointsSelfPairsAndBadLengths() {
    KeyAgreement.KeyPair a = KeyAgreement.generate(RANDOM);
    byte[] zeroPoint = new byte[32];
    assertThatThrownBy(
            () -> KeyAgreement.pairwiseKey(a.privateKey(), zeroPoint, Purpose.PAIRWISE_MASK, 1, 1, 2))
        .isInstanceOf(SecAggException.class)
        .hasMessageContaining("low-order");
    assertThatThrownBy(
            () -> KeyAgreement.pairwiseKey(a.privateKey(), a.publicKey(), Purpose.PAIRWISE_MASK, 1, 4, 4))
        .hasMessageContaining("itself");
    assertThatThrownBy(
            () -> KeyAgreement.pairwiseKey(a.privateKey(), new byte[31], Purpose.PAIRWISE_MASK, 1, 1, 2))
        .hasMessageContaining("32 bytes");
  }

  @Test
  void publicKeyIsDerivedFromThePrivateKey() {
    KeyAgreement.KeyPair a = KeyAgreement.generate(RANDOM);
    assertThat(KeyAgreement.publicKeyOf(a.privateKey())).isEqualTo(a.publicKey());
    assertThat(a.toString()).doesNotContain(java.util.HexFormat.of().formatHex(a.privateKey()));
  }
}
