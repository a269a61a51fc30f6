package io.fedge.hub.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;
import java.time.Duration;
import javax.net.ssl.SSLSocket;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The broker takes a new server certificate without a restart: Fedge replaces the key store file
 * and HiveMQ CE re-reads it (it checks the content every 10 s).
 */
class BrokerCertificateRenewalTest {
  @TempDir Path dataDir;
  private EmbeddedBroker broker;
  private MqttClient client;

  @AfterEach
  void stop() {
    BrokerTestSupport.closeQuietly(client);
    if (broker != null) {
      broker.stop();
    }
  }

  @Test
  void newConnectionsGetTheReplacedCertificateWhileOpenOnesStayConnected() throws Exception {
    TestPki pki = TestPki.create("renewal-test");
    BrokerSettings settings = BrokerTestSupport.settings(dataDir, pki);
    broker = new EmbeddedBroker(settings, new BrokerTestSupport.AllowList().allow("dev-1", "dev-2"),
        new BrokerTestSupport.RecordingListener());
    broker.start();
    TestPki.Credential device = pki.device("dev-1");
    client = BrokerTestSupport.newClient(broker, "dev-1");
    client.connect(BrokerTestSupport.options(device.socketFactory(pki.root())));
    assertThat(serverSerial(pki, device)).isEqualTo(settings.serverChain().get(0).getSerialNumber());

    TestPki.Credential fresh = pki.server();
    broker.replaceServerCertificate(fresh.key(), fresh.chain());

    Path keystore = dataDir.resolve(EmbeddedBroker.CONF_DIR).resolve(BrokerConfigWriter.KEYSTORE_FILE);
    assertThat(Files.getPosixFilePermissions(keystore)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
    assertThat(keystore.resolveSibling(BrokerConfigWriter.KEYSTORE_FILE + ".new")).doesNotExist();
    await().atMost(Duration.ofSeconds(25)).pollInterval(Duration.ofMillis(500))
        .until(() -> serverSerial(pki, device).equals(fresh.certificate().getSerialNumber()));
    assertThat(client.isConnected()).isTrue();

    MqttClient second = BrokerTestSupport.newClient(broker, "dev-2");
    try {
      second.connect(BrokerTestSupport.options(pki.device("dev-2").socketFactory(pki.root())));
      assertThat(second.isConnected()).isTrue();
    } finally {
      BrokerTestSupport.closeQuietly(second);
    }
  }

  /** Serial of the certificate the broker presents to a new TLS connection. */
  private BigInteger serverSerial(TestPki pki, TestPki.Credential device) throws Exception {
    try (SSLSocket s = (SSLSocket) device.socketFactory(pki.root()).createSocket("127.0.0.1", broker.port())) {
      s.startHandshake();
      return ((X509Certificate) s.getSession().getPeerCertificates()[0]).getSerialNumber();
    }
  }
}
