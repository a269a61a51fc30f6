package io.fedge.systest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fedge.federation.wire.DeviceEvent;
import io.fedge.federation.wire.Kinds;
import io.fedge.federation.wire.Topics;
import io.fedge.federation.wire.WireCodec;
import io.fedge.provisioning.DeviceCredentials;
import io.fedge.systest.support.DeviceClients;
import io.fedge.systest.support.HubProcess;
import io.fedge.systest.support.OpsClient;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Device A cannot read or write device B's topics on the hub's broker (proven with real clients). */
class TopicIsolationIT {
  @TempDir static Path dir;
  static HubProcess hub;
  static OpsClient ops;
  static DeviceCredentials a;
  static DeviceCredentials b;

  @BeforeAll
  static void start() throws Exception {
    hub = HubProcess.start("acl-hub", dir.resolve("hub"), Map.of());
    ops = hub.ops();
    a = DeviceClients.enroll(ops, "acl-group");
    b = DeviceClients.enroll(ops, "acl-group");
  }

  @AfterAll
  static void stop() {
    hub.stop();
  }

  @Test
  void aDeviceCannotSubscribeToAnotherDevicesTopicsOrToWildcards() throws Exception {
    MqttAsyncClient c = DeviceClients.connect(hub.mqttPort(), a);
    try {
      assertThat(subscribeReason(c, Topics.downFilter(a.deviceId()))).isLessThan(0x80);
      assertThat(subscribeReason(c, Topics.downFilter(b.deviceId()))).isGreaterThanOrEqualTo(0x80);
      assertThat(subscribeReason(c, "fedge/v1/dev/" + b.deviceId() + "/up/#")).isGreaterThanOrEqualTo(0x80);
      assertThat(subscribeReason(c, "fedge/v1/dev/+/down/#")).isGreaterThanOrEqualTo(0x80);
      assertThat(subscribeReason(c, "#")).isGreaterThanOrEqualTo(0x80);
      assertThat(subscribeReason(c, Topics.HUB_SHARED_UP)).isGreaterThanOrEqualTo(0x80);
    } finally {
      c.disconnectForcibly(1_000);
      c.close();
    }
  }

  @Test
  void aDeviceCannotPublishAsAnotherDevice() throws Exception {
    // Control: A's own event reaches the hub, so the channel we watch works.
    MqttAsyncClient own = DeviceClients.connect(hub.mqttPort(), a);
    own.publish(Topics.up(a.deviceId(), Kinds.EVENT), event(a.deviceId(), "acl.own"), 1, false).waitForCompletion(5_000);
    own.disconnect().waitForCompletion(5_000);
    own.close();
    await().atMost(Duration.ofSeconds(30)).until(() -> eventNames(a.deviceId()).contains("acl.own"));

    // A forges B's event on B's topic: the broker refuses it and the hub never records it.
    MqttAsyncClient forger = DeviceClients.connect(hub.mqttPort(), a);
    try {
      IMqttToken t = forger.publish(Topics.up(b.deviceId(), Kinds.EVENT), event(b.deviceId(), "acl.forged"), 1, false);
      t.waitForCompletion(5_000);
    } catch (org.eclipse.paho.mqttv5.common.MqttException refusedOrDisconnected) {
      // HiveMQ answers PUBACK 0x87 and closes the connection; either outcome is a refusal.
    } finally {
      forger.disconnectForcibly(1_000);
      forger.close();
    }
    // And A cannot spoof B's identity by client id either: the broker binds it to the certificate.
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> DeviceClients.connect(hub.mqttPort(), b.deviceId(), a.privateKey(), a.chain(), a.root()))
        .isInstanceOf(org.eclipse.paho.mqttv5.common.MqttException.class);

    Thread.sleep(2_000);
    assertThat(eventNames(b.deviceId())).doesNotContain("acl.forged");
  }

  private static int subscribeReason(MqttAsyncClient c, String filter) throws Exception {
    IMqttToken t = c.subscribe(filter, 1);
    t.waitForCompletion(5_000);
    int[] codes = t.getReasonCodes();
    assertThat(codes).as("SUBACK for %s", filter).hasSize(1);
    return codes[0];
  }

  private static byte[] event(String sender, String name) {
    return WireCodec.encode(WireCodec.envelope(Kinds.EVENT, sender, Instant.now(), new DeviceEvent(name, Map.of())));
  }

  private static java.util.List<String> eventNames(String deviceId) {
    return ops.get("/api/v1/devices/" + deviceId + "/events").body().path("events").findValuesAsText("name");
  }
}
