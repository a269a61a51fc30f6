package io.fedge.provisioning.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.SecureRandom;
import org.junit.jupiter.api.Test;

class PasswordHasherTest {
  private final PasswordHasher h = new PasswordHasher(10_000, new SecureRandom());

  @Test
  void theRightPasswordVerifiesAndANearMissDoesNot() {
    String stored = h.hash("correct horse battery");
    assertThat(h.verify("correct horse battery", stored)).isTrue();
    assertThat(h.verify("correct horse batterY", stored)).isFalse();
    assertThat(h.verify("", stored)).isFalse();
  }

  @Test
  void eachHashIsSaltedAndRecordsItsIterations() {
    String a = h.hash("same password");
    String b = h.hash("same password");
    assertThat(a).isNotEqualTo(b).startsWith("pbkdf2-sha256$10000$");
  }

  @Test
  void aHashMadeWithOtherIterationsStillVerifies() {
    String old = new PasswordHasher(20_000, new SecureRandom()).hash("upgrade me please");
    assertThat(h.verify("upgrade me please", old)).isTrue();
  }

  @Test
  void malformedRecordsNeverVerify() {
    assertThat(h.verify("x", null)).isFalse();
    assertThat(h.verify("x", "plain")).isFalse();
    assertThat(h.verify("x", "pbkdf2-sha256$1$AAAA$AAAA")).isFalse();
    assertThat(h.verify("x", "pbkdf2-sha256$10000$!!$AAAA")).isFalse();
  }

  @Test
  void pbkdf2MatchesTheRfc7914TestVector() throws Exception {
    // RFC 7914 section 11: PBKDF2-HMAC-SHA256, P="passwd", S="salt", c=1, dkLen=64
    javax.crypto.SecretKeyFactory f = javax.crypto.SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256");
    byte[] dk = f.generateSecret(new javax.crypto.spec.PBEKeySpec("passwd".toCharArray(), "salt".getBytes(), 1, 512)).getEncoded();
    assertThat(java.util.HexFormat.of().formatHex(dk)).startsWith("55ac046e56e3089fec1691c22544b605");
  }
}
