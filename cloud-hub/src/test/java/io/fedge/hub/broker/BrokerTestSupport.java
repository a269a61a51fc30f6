package io.fedge.hub.broker;

import io.fedge.provisioning.Identity;

import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;

/** Shared pieces of the broker integration tests: PKI, access list, listener, Paho clients. */
final class BrokerTestSupport {

  private BrokerTestSupport() {}

  /** A {@link DeviceAccess} backed by a set of allowed ids that tests change at will. */
  static final class AllowList implements DeviceAccess {
    final Set<String> allowed = ConcurrentHashMap.newKeySet();
    final Set<String> failing = ConcurrentHashMap.newKeySet();
    final List<String> asked = new CopyOnWriteArrayList<>();

    AllowList allow(String... ids) {
      allowed.addAll(List.of(ids));
      return this;
    }

    @Override
    public boolean mayConnect(Identity identity, X509Certificate certificate) {
      asked.add(identity.id());
      if (failing.contains(identity.id())) {
        throw new IllegalStateException("database unavailable");
      }
      return allowed.contains(identity.id());
    }
  }

  /** Records listener events as {@code "connected:<id>"} / {@code "disconnected:<id>"}. */
  static final class RecordingListener implements BrokerListener {
    final List<String> events = new CopyOnWriteArrayList<>();

    @Override
    public void onConnected(String clientId) {
      events.add("connected:" + clientId);
    }

    @Override
    public void onDisconnected(String clientId) {
      events.add("disconnected:" + clientId);
    }
  }

  static BrokerSettings settings(Path dataDir, TestPki pki) {
    TestPki.Credential server = pki.server();
    return new BrokerSettings(
        dataDir, "127.0.0.1", 0, server.key(), server.chain(), pki.root(), 256 * 1024);
  }

  static MqttClient newClient(EmbeddedBroker broker, String clientId) throws MqttException {
    return new MqttClient("ssl://127.0.0.1:" + broker.port(), clientId, new MemoryPersistence());
  }

  static MqttConnectionOptions options(javax.net.SocketFactory sockets) {
    MqttConnectionOptions options = new MqttConnectionOptions();
    options.setSocketFactory(sockets);
    options.setCleanStart(true);
    options.setConnectionTimeout(10);
    options.setKeepAliveInterval(30);
    options.setAutomaticReconnect(false);
    return options;
  }

  static void closeQuietly(MqttClient client) {
    if (client == null) {
      return;
    }
    try {
      if (client.isConnected()) {
        client.disconnect(2000);
      }
    } catch (MqttException e) {
      // already gone
    }
    try {
      client.close(true);
    } catch (MqttException e) {
      // already closed
    }
  }
}
