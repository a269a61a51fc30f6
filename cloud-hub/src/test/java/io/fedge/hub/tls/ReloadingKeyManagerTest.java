package io.fedge.hub.tls;

import static org.assertj.core.api.Assertions.assertThat;

import io.fedge.provisioning.CertificateAuthority;
import io.fedge.provisioning.TlsContexts;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real TLS handshakes against a server that requires a client certificate. */
class ReloadingKeyManagerTest {
  @TempDir Path dir;

  @Test
  void theNextHandshakePresentsTheCertificateSetSinceTheLastOne() throws Exception {
    Clock clock = Clock.systemUTC();
    CertificateAuthority ca = CertificateAuthority.loadOrCreate(dir.resolve("ca"), clock);
    HubCredential server = HubCertificates.server(ca, List.of("localhost"), List.of("127.0.0.1"), Duration.ofDays(1), clock);
    HubCredential first = HubCertificates.service(ca, "hub-1", Duration.ofDays(1), clock);
    HubCredential second = HubCertificates.service(ca, "hub-1", Duration.ofDays(1), clock);
    ReloadingKeyManager keys = new ReloadingKeyManager(first);
    SSLContext client = TlsContexts.mutual(keys, ca.root());
    SSLContext serverTls = TlsContexts.server(server.key(), server.chain(), ca.root());

    ExecutorService ex = Executors.newSingleThreadExecutor();
    try (SSLServerSocket ss =
        (SSLServerSocket) serverTls.getServerSocketFactory().createServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
      ss.setNeedClientAuth(true);
      assertThat(handshake(ss, client, ex)).isEqualTo(first.leaf().getSerialNumber());
      assertThat(keys.lastPresentedSerial()).isEqualTo(first.serial());

      keys.set(second);
      ReloadingKeyManager.forgetSessions(client);
      assertThat(handshake(ss, client, ex)).isEqualTo(second.leaf().getSerialNumber());
      assertThat(keys.lastPresentedSerial()).isEqualTo(second.serial());
      assertThat(keys.current()).isEqualTo(second);
    } finally {
      ex.shutdownNow();
    }
  }

  /** One connection; returns the serial of the client certificate the server saw. */
  private static BigInteger handshake(SSLServerSocket ss, SSLContext client, ExecutorService ex) throws Exception {
    Future<BigInteger> seen = ex.submit(() -> {
      try (SSLSocket s = (SSLSocket) ss.accept()) {
        s.startHandshake();
        BigInteger serial = ((X509Certificate) s.getSession().getPeerCertificates()[0]).getSerialNumber();
        s.getOutputStream().write(1);
        s.getOutputStream().flush();
        return serial;
      }
    });
    try (SSLSocket c = (SSLSocket) client.getSocketFactory().createSocket(InetAddress.getLoopbackAddress(), ss.getLocalPort())) {
      c.startHandshake();
      assertThat(c.getInputStream().read()).isEqualTo(1);
    }
    return seen.get();
  }
}
