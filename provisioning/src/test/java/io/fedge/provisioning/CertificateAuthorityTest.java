package io.fedge.provisioning;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.cert.CertPathValidator;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.Date;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CertificateAuthorityTest {
  @TempDir Path dir;

  @Test
  void is_created_once_and_reloaded_identical() throws Exception {
    CertificateAuthority first = CertificateAuthority.loadOrCreate(dir, Clock.systemUTC());
    CertificateAuthority second = CertificateAuthority.loadOrCreate(dir, Clock.systemUTC());
    assertThat(second.root()).isEqualTo(first.root());
    assertThat(second.intermediate()).isEqualTo(first.intermediate());
    assertThat(second.rootFingerprint()).isEqualTo(first.rootFingerprint()).matches("[0-9a-f]{64}");
    // the reloaded intermediate key signs certificates that verify under the original intermediate
    X509Certificate leaf = second.issueDevice(TestKeys.ec("secp256r1").getPublic(), "d-abc", "plant-1", Duration.ofDays(1));
    leaf.verify(first.intermediate().getPublicKey());
  }

  @Test
  void root_and_intermediate_have_the_required_shape() throws Exception {
    CertificateAuthority ca = CertificateAuthority.loadOrCreate(dir, Clock.systemUTC());
    X509Certificate root = ca.root();
    assertThat(root.getSubjectX500Principal().getName()).isEqualTo("CN=Fedge Root CA,O=Fedge");
    assertThat(root.getBasicConstraints()).isEqualTo(1);
    assertThat(root.getKeyUsage()[5]).as("keyCertSign").isTrue();
    assertThat(root.getKeyUsage()[6]).as("cRLSign").isTrue();
    assertThat(Duration.between(root.getNotBefore().toInstant(), root.getNotAfter().toInstant()).toDays()).isGreaterThanOrEqualTo(3652);
    assertThat(ca.intermediate().getBasicConstraints()).isEqualTo(0);
    assertThat(Duration.between(ca.intermediate().getNotBefore().toInstant(), ca.intermediate().getNotAfter().toInstant()).toDays())
        .isBetween(1825L, 1827L);
    assertThat(ca.rootFingerprint()).isEqualTo(Hashes.sha256Hex(root.getEncoded()));
  }

  @Test
  void key_files_are_readable_by_the_owner_only() throws Exception {
    CertificateAuthority.loadOrCreate(dir, Clock.systemUTC());
    for (String f : List.of(CertificateAuthority.ROOT_KEY, CertificateAuthority.INTERMEDIATE_KEY)) {
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve(f)))).isEqualTo("rw-------");
      assertThat(Files.readString(dir.resolve(f))).startsWith("-----BEGIN PRIVATE KEY-----");
    }
  }

  @Test
  void refuses_to_start_from_an_incomplete_directory() throws Exception {
    CertificateAuthority.loadOrCreate(dir, Clock.systemUTC());
    Files.delete(dir.resolve(CertificateAuthority.ROOT_KEY));
    assertThatThrownBy(() -> CertificateAuthority.loadOrCreate(dir, Clock.systemUTC()))
        .hasMessageContaining("incomplete");
  }

  @Test
  void device_certificate_chains_to_the_root_under_pkix() throws Exception {
    CertificateAuthority ca = CertificateAuthority.loadOrCreate(dir, Clock.systemUTC());
    KeyPair kp = TestKeys.ec("secp256r1");
    X509Certificate leaf = ca.issueDevice(kp.getPublic(), "d-device1", "plant-1", Duration.ofDays(30));
    validate(List.of(leaf, ca.intermediate()), ca.root());

    assertThat(leaf.getSubjectX500Principal().getName()).isEqualTo("CN=d-device1,OU=device,O=Fedge");
    assertThat(leaf.getSerialNumber().signum()).isPositive();
    assertThat(leaf.getSerialNumber().bitLength()).isLessThanOrEqualTo(128);
    assertThat(leaf.getKeyUsage()[0]).as("digitalSignature").isTrue();
    assertThat(leaf.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.2");
    assertThat(leaf.getExtensionValue("2.5.29.14")).as("SKI").isNotNull();
    assertThat(leaf.getExtensionValue("2.5.29.35")).as("AKI").isNotNull();
    assertThat(leaf.getNotBefore()).isBefore(new Date(System.currentTimeMillis() - Duration.ofMinutes(4).toMillis()));
    assertThat(CertificateAuthority.groupOf(leaf)).contains("plant-1");
    assertThat(ca.chainFor(leaf)).containsExactly(leaf, ca.intermediate(), ca.root());
  }

  @Test
  void a_certificate_from_another_ca_does_not_validate_against_this_root() throws Exception {
    CertificateAuthority ours = CertificateAuthority.loadOrCreate(dir.resolve("a"), Clock.systemUTC());
    CertificateAuthority theirs = CertificateAuthority.loadOrCreate(dir.resolve("b"), Clock.systemUTC());
    X509Certificate leaf = theirs.issueDevice(TestKeys.ec("secp256r1").getPublic(), "d-x1", "g-1", Duration.ofDays(1));
    assertThatThrownBy(() -> validate(List.of(leaf, theirs.intermediate()), ours.root()))
        .isInstanceOf(CertPathValidatorException.class);
  }

  @Test
  void identity_of_round_trips_for_devices_and_services() throws Exception {
    CertificateAuthority ca = CertificateAuthority.loadOrCreate(dir, Clock.systemUTC());
    KeyPair kp = TestKeys.ec("secp256r1");
    assertThat(CertificateAuthority.identityOf(ca.issueDevice(kp.getPublic(), "d-abc123", "g-1", Duration.ofDays(1))))
        .isEqualTo(new Identity("d-abc123", Identity.Role.DEVICE));
    assertThat(CertificateAuthority.identityOf(ca.issueService(kp.getPublic(), "hub-mqtt", Duration.ofDays(1))))
        .isEqualTo(new Identity("hub-mqtt", Identity.Role.SERVICE));
  }

  @Test
  void identity_of_refuses_certificates_without_a_fedge_role() throws Exception {
    CertificateAuthority ca = CertificateAuthority.loadOrCreate(dir, Clock.systemUTC());
    X509Certificate server = ca.issueServer(TestKeys.ec("secp256r1").getPublic(), List.of("hub.local"), List.of(), Duration.ofDays(1));
    assertThatThrownBy(() -> CertificateAuthority.identityOf(server)).hasMessageContaining("OU 'server'");
    assertThatThrownBy(() -> CertificateAuthority.identityOf(ca.root())).hasMessageContaining("exactly one OU");
  }

  @Test
  void issue_device_refuses_ids_outside_the_alphabet() throws Exception {
    CertificateAuthority ca = CertificateAuthority.loadOrCreate(dir, Clock.systemUTC());
    KeyPair kp = TestKeys.ec("secp256r1");
    assertThatThrownBy(() -> ca.issueDevice(kp.getPublic(), "D,OU=service", "g-1", Duration.ofDays(1)))
        .hasMessageContaining("deviceId");
  }

  @Test
  void a_pinned_client_refuses_a_server_whose_chain_lacks_the_pinned_root() throws Exception {
    CertificateAuthority ca = CertificateAuthority.loadOrCreate(dir, Clock.systemUTC());
    KeyPair kp = TestKeys.ec("secp256r1");
    X509Certificate server = ca.issueServer(kp.getPublic(), List.of("localhost"), List.of("127.0.0.1"), Duration.ofDays(1));
    TlsContexts.PinnedTrustManager tm =
        new TlsContexts.PinnedTrustManager(java.util.HexFormat.of().parseHex(ca.rootFingerprint()));
    tm.validate(new X509Certificate[] {server, ca.intermediate(), ca.root()});
    assertThatThrownBy(() -> tm.validate(new X509Certificate[] {server, ca.intermediate()}))
        .hasMessageContaining("pinned CA");
    // a device certificate from the same CA is not a server certificate
    X509Certificate device = ca.issueDevice(kp.getPublic(), "d-abc", "g-1", Duration.ofDays(1));
    assertThatThrownBy(() -> tm.validate(new X509Certificate[] {device, ca.intermediate(), ca.root()}))
        .hasMessageContaining("server authentication");
    assertThat(TlsContexts.PinnedTrustManager.hostMatches(server, "127.0.0.1")).isTrue();
    assertThat(TlsContexts.PinnedTrustManager.hostMatches(server, "LOCALHOST")).isTrue();
    assertThat(TlsContexts.PinnedTrustManager.hostMatches(server, "127.0.0.2")).isFalse();
    assertThat(TlsContexts.PinnedTrustManager.hostMatches(server, "evil.example")).isFalse();
  }

  @Test
  void issued_server_certificate_completes_a_real_tls_handshake_with_a_pinned_client() throws Exception {
    CertificateAuthority ca = CertificateAuthority.loadOrCreate(dir, Clock.systemUTC());
    KeyPair kp = TestKeys.ec("secp256r1");
    X509Certificate server = ca.issueServer(kp.getPublic(), List.of("localhost"), List.of("127.0.0.1"), Duration.ofDays(1));
    assertThat(server.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.1");
    SSLContext serverCtx = TlsContexts.server(kp.getPrivate(), ca.chainFor(server), ca.root());
    try (SSLServerSocket ss = (SSLServerSocket) serverCtx.getServerSocketFactory().createServerSocket(0)) {
      assertThat(ss.getEnabledProtocols()).containsOnly("TLSv1.3", "TLSv1.2");
      CompletableFuture<Integer> served =
          CompletableFuture.supplyAsync(
              () -> {
                try (SSLSocket s = (SSLSocket) ss.accept()) {
                  int b = s.getInputStream().read();
                  s.getOutputStream().write(b + 1);
                  s.getOutputStream().flush();
                  return b;
                } catch (Exception e) {
                  throw new IllegalStateException(e);
                }
              });
      SSLContext clientCtx = TlsContexts.pinnedClient(ca.rootFingerprint());
      try (SSLSocket c = (SSLSocket) clientCtx.getSocketFactory().createSocket("127.0.0.1", ss.getLocalPort())) {
        SSLParameters p = c.getSSLParameters();
        p.setEndpointIdentificationAlgorithm("HTTPS");
        c.setSSLParameters(p);
        OutputStream out = c.getOutputStream();
        out.write(41);
        out.flush();
        InputStream in = c.getInputStream();
        assertThat(in.read()).isEqualTo(42);
        assertThat(c.getSession().getProtocol()).isIn("TLSv1.3", "TLSv1.2");
        assertThat(c.getSession().getPeerCertificates()[0]).isEqualTo(server);
      }
      assertThat(served.get(10, TimeUnit.SECONDS)).isEqualTo(41);
    }
  }

  static void validate(List<X509Certificate> path, X509Certificate root) throws Exception {
    PKIXParameters params = new PKIXParameters(Set.of(new TrustAnchor(root, null)));
    params.setRevocationEnabled(false);
    CertPathValidator.getInstance("PKIX").validate(CertificateFactory.getInstance("X.509").generateCertPath(path), params);
  }
}
