package io.fedge.hub.tls;

import io.fedge.provisioning.CertificateAuthority;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

/** Issues the hub's own certificates from its CA, each with a fresh EC P-256 key. */
public final class HubCertificates {
  private HubCertificates() {}

  /** A TLS server certificate (HTTPS, broker) for the given names and addresses. */
  public static HubCredential server(
      CertificateAuthority ca, List<String> dnsNames, List<String> ipAddresses, Duration lifetime, Clock clock) {
    KeyPair k = newKey();
    var issuedAt = clock.instant();
    X509Certificate cert = ca.issueServer(k.getPublic(), dnsNames, ipAddresses, lifetime);
    return new HubCredential(k.getPrivate(), ca.chainFor(cert), issuedAt);
  }

  /** A service client certificate (the hub's own MQTT client). */
  public static HubCredential service(CertificateAuthority ca, String serviceId, Duration lifetime, Clock clock) {
    KeyPair k = newKey();
    var issuedAt = clock.instant();
    X509Certificate cert = ca.issueService(k.getPublic(), serviceId, lifetime);
    return new HubCredential(k.getPrivate(), ca.chainFor(cert), issuedAt);
  }

  private static KeyPair newKey() {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
      g.initialize(new ECGenParameterSpec("secp256r1"));
      return g.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("EC P-256 is not available", e);
    }
  }
}
