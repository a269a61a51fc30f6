package io.fedge.hub.broker;

import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;

/**
 * How to run the embedded broker.
 *
 * @param dataDir directory owned by the broker; {@code broker-conf/} (generated configuration and
 *     key stores) and {@code broker-data/} (sessions, queued messages) are created inside it
 * @param bindAddress address of the single TLS listener, for example {@code 0.0.0.0}
 * @param port TLS listener port; 0 picks a free port at start
 * @param serverKey private key of the TLS server certificate
 * @param serverChain server certificate first, then its issuers
 * @param clientTrustRoot the CA root every client certificate must chain to
 * @param maxPacketBytes largest MQTT packet accepted or sent
 */
public record BrokerSettings(
    Path dataDir,
    String bindAddress,
    int port,
    PrivateKey serverKey,
    List<X509Certificate> serverChain,
    X509Certificate clientTrustRoot,
    int maxPacketBytes) {

  /** Largest packet the MQTT protocol allows; HiveMQ's own ceiling. */
  public static final int MQTT_MAX_PACKET_BYTES = 268_435_460;

  public BrokerSettings {
    Objects.requireNonNull(dataDir, "dataDir");
    Objects.requireNonNull(bindAddress, "bindAddress");
    Objects.requireNonNull(serverKey, "serverKey");
    Objects.requireNonNull(clientTrustRoot, "clientTrustRoot");
    serverChain = List.copyOf(Objects.requireNonNull(serverChain, "serverChain"));
    if (serverChain.isEmpty()) {
      throw new IllegalArgumentException("serverChain must contain at least the server certificate");
    }
    if (bindAddress.isBlank()) {
      throw new IllegalArgumentException("bindAddress must not be blank");
    }
    if (port < 0 || port > 65_535) {
      throw new IllegalArgumentException("port must be 0..65535, was " + port);
    }
    if (maxPacketBytes < 1024 || maxPacketBytes > MQTT_MAX_PACKET_BYTES) {
      throw new IllegalArgumentException(
          "maxPacketBytes must be 1024.." + MQTT_MAX_PACKET_BYTES + ", was " + maxPacketBytes);
    }
  }

  /** The same settings with another port (used to pin the port chosen for 0). */
  public BrokerSettings withPort(int newPort) {
    return new BrokerSettings(
        dataDir, bindAddress, newPort, serverKey, serverChain, clientTrustRoot, maxPacketBytes);
  }

  @Override
  public String toString() {
    // Never print the key.
    return "BrokerSettings[dataDir=" + dataDir + ", bindAddress=" + bindAddress + ", port=" + port
        + ", serverSubject=" + serverChain.get(0).getSubjectX500Principal().getName()
        + ", clientTrustRoot=" + clientTrustRoot.getSubjectX500Principal().getName()
        + ", maxPacketBytes=" + maxPacketBytes + "]";
  }
}
