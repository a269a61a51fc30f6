package io.fedge.provisioning;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PemTest {
  @TempDir Path dir;

  @Test
  void write_secret_creates_and_replaces_an_owner_only_file_without_leaving_temporaries() throws Exception {
    Path f = dir.resolve("k.pem");
    Pem.writeSecret(f, "one");
    Pem.writeSecret(f, "two");
    assertThat(Files.readString(f)).isEqualTo("two");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(f))).isEqualTo("rw-------");
    try (var files = Files.list(dir)) {
      assertThat(files).containsExactly(f);
    }
  }

  @Test
  void keys_certificates_and_chains_round_trip() throws Exception {
    KeyPair kp = TestKeys.ec("secp256r1");
    assertThat(Pem.readPrivateKey(Pem.privateKey(kp.getPrivate())).getEncoded()).isEqualTo(kp.getPrivate().getEncoded());
    CertificateAuthority ca = CertificateAuthority.loadOrCreate(dir.resolve("ca"), Clock.systemUTC());
    var leaf = ca.issueDevice(kp.getPublic(), "d-abc", "g-1", Duration.ofDays(1));
    assertThat(Pem.readCertificates(Pem.certificates(ca.chainFor(leaf)))).isEqualTo(ca.chainFor(leaf));
    assertThatThrownBy(() -> Pem.readCertificate(Pem.certificates(ca.chainFor(leaf)))).hasMessageContaining("expected one");
    assertThatThrownBy(() -> Pem.readPrivateKey(Pem.certificate(leaf))).hasMessageContaining("no unencrypted");
    assertThatThrownBy(() -> Pem.readCertificates("nothing")).hasMessageContaining("no PEM certificate");
  }
}
