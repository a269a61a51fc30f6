package io.fedge.systest.support;

import com.fasterxml.jackson.databind.JsonNode;
import io.fedge.federation.net.TcpNoDelaySocketFactory;
import io.fedge.federation.wire.WireCodec;
import io.fedge.provisioning.ClaimBundle;
import io.fedge.provisioning.DeviceCredentials;
import io.fedge.provisioning.EnrollmentClient;
import io.fedge.provisioning.TlsContexts;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;

/** Real devices made by the test itself: enrolled through the hub's API, connected with plain Paho. */
public final class DeviceClients {
  private DeviceClients() {}

  public static ClaimBundle bundle(JsonNode json) {
    try {
      return WireCodec.mapper().treeToValue(json, ClaimBundle.class);
    } catch (Exception e) {
      throw new IllegalStateException("the hub's claim bundle does not parse: " + json, e);
    }
  }

  public static DeviceCredentials enroll(OpsClient ops, String group) throws Exception {
    return new EnrollmentClient(bundle(ops.mintClaimBundle(group, 600))).enroll(EnrollmentClient.newDeviceKey());
  }

  /** Connects as {@code clientId} presenting {@code chain}; throws if the broker refuses. */
  public static MqttAsyncClient connect(
      int port, String clientId, PrivateKey key, List<X509Certificate> chain, X509Certificate trustedRoot)
      throws MqttException {
    MqttAsyncClient c = new MqttAsyncClient("ssl://127.0.0.1:" + port, clientId, new MemoryPersistence());
    MqttConnectionOptions o = new MqttConnectionOptions();
    o.setSocketFactory(TcpNoDelaySocketFactory.wrap(TlsContexts.mutual(key, chain, trustedRoot).getSocketFactory()));
    o.setCleanStart(true);
    o.setConnectionTimeout(10);
    c.connect(o).waitForCompletion(15_000);
    return c;
  }

  public static MqttAsyncClient connect(int port, DeviceCredentials d) throws MqttException {
    return connect(port, d.deviceId(), d.privateKey(), d.chain(), d.root());
  }
}
