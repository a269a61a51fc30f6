package io.fedge.provisioning;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RevocationListSigningTest {
  @TempDir Path dir;

  @Test
  void crlIsSignedByTheDeviceCaAndRevokesExactlyTheListedCertificates() throws Exception {
    CertificateAuthority ca = CertificateAuthority.loadOrCreate(dir.resolve("ca"), Clock.systemUTC());
    X509Certificate revoked = ca.issueDevice(EnrollmentClient.newDeviceKey().getPublic(), "d-revoked", "group-1", Duration.ofDays(1));
    X509Certificate kept = ca.issueDevice(EnrollmentClient.newDeviceKey().getPublic(), "d-kept", "group-1", Duration.ofDays(1));

    String pem = Pem.crl(ca.issueCrl(List.of(revoked.getSerialNumber()), Duration.ofHours(2)));
    X509CRL crl = (X509CRL) CertificateFactory.getInstance("X.509")
        .generateCRL(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));

    assertThat(pem).startsWith("-----BEGIN X509 CRL-----");
    crl.verify(ca.intermediate().getPublicKey());
    assertThat(crl.getIssuerX500Principal()).isEqualTo(revoked.getIssuerX500Principal());
    assertThat(crl.isRevoked(revoked)).isTrue();
    assertThat(crl.isRevoked(kept)).isFalse();
    assertThat(crl.getNextUpdate().getTime() - crl.getThisUpdate().getTime()).isEqualTo(Duration.ofHours(2).toMillis());
  }
}
