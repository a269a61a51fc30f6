package io.fedge.systest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.fedge.federation.wire.DeviceEvent;
import io.fedge.federation.wire.Kinds;
import io.fedge.federation.wire.Topics;
import io.fedge.federation.wire.WireCodec;
import io.fedge.hub.broker.external.BrokerConfigCli;
import io.fedge.provisioning.DeviceCredentials;
import io.fedge.systest.support.AgentProcess;
import io.fedge.systest.support.DeviceClients;
import io.fedge.systest.support.HubProcess;
import io.fedge.systest.support.OpsClient;
import io.fedge.systest.support.Ports;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The hub in {@code broker.mode=external} with a real Mosquitto 2.0 configured by {@code fedge hub
 * broker-config} (its own process on an ephemeral port, never the machine's 1883).
 */
class ExternalBrokerIT {
  static final Path MOSQUITTO = Path.of("/usr/sbin/mosquitto");

  @TempDir Path dir;
  private Process mosquitto;
  private HubProcess hub;
  private AgentProcess agent;
  private int port;

  @BeforeEach
  void startMosquittoFromGeneratedConfiguration() throws Exception {
    Assumptions.assumeTrue(
        Files.isExecutable(MOSQUITTO), "Mosquitto is not installed at " + MOSQUITTO + " (apt-get install mosquitto)");
    port = Ports.free();
    Path props = dir.resolve("hub.properties");
    Files.writeString(props, "broker.mode=external\nbroker.external.url=ssl://127.0.0.1:" + port + "\n");
    BrokerConfigCli.run(new String[] {
        "--config", props.toString(), "--data", dir.resolve("hub").toString(), "--out", dir.resolve("mq").toString(),
        "--bind", "127.0.0.1", "--run-as", System.getProperty("user.name")});
    String conf = Files.readString(dir.resolve("mq/mosquitto.conf"));
    assertThat(conf).contains("require_certificate true", "use_identity_as_username true", "crlfile ");
    mosquitto =
        new ProcessBuilder(MOSQUITTO.toString(), "-c", dir.resolve("mq/mosquitto.conf").toString())
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("mosquitto.log").toFile())
            .start();
    await("mosquitto listening").atMost(Duration.ofSeconds(15)).until(() -> {
      assertThat(mosquitto.isAlive()).as(log()).isTrue();
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", port), 500);
        return true;
      } catch (IOException e) {
        return false;
      }
    });
    hub = HubProcess.start("ext-hub", dir.resolve("hub"), Map.of(
        "broker.mode", "external",
        "broker.external.url", "ssl://127.0.0.1:" + port,
        "broker.external.reload.command", "kill -HUP " + mosquitto.pid()));
  }

  @AfterEach
  void stopAll() throws Exception {
    if (agent != null) {
      agent.stop();
    }
    if (hub != null) {
      System.out.println("hub log tail:\n" + hub.logTail() + "\nmosquitto log:\n" + log());
      hub.stop();
    }
    if (mosquitto != null) {
      mosquitto.destroy();
      mosquitto.waitFor();
    }
  }

  @Test
  void agentEnrollsThroughTheHubReachesItOverMosquittoIsConfinedToItsTopicsAndIsKickedAndKeptOutWhenRevoked()
      throws Exception {
    OpsClient ops = hub.ops();
    agent = AgentProcess.start("ext-agent", dir.resolve("agent"), ops.mintClaimBundle("ext-dealers", 3600), Map.of());
    await("agent connected").atMost(Duration.ofSeconds(60)).until(() -> "CONNECTED".equals(agent.connection()));
    String id = agent.deviceId();
    // The enrollment response told it the external broker's address: Mosquitto has it, by its certificate's id.
    assertThat(log()).contains("as " + id + " (p5");
    // Heartbeats (every 2 s) travel agent -> Mosquitto -> hub: the device is online and its last-seen time moves.
    await().atMost(Duration.ofSeconds(60)).until(() -> ops.device(id).path("online").asBoolean());
    String seen = ops.device(id).path("lastSeen").asText();
    await().atMost(Duration.ofSeconds(60)).until(() -> !ops.device(id).path("lastSeen").asText().equals(seen));

    // Another device: its own event reaches the hub; its event forged on the agent's topic is refused.
    DeviceCredentials other = DeviceClients.enroll(ops, "ext-dealers");
    DeviceCredentials victim = DeviceClients.enroll(ops, "ext-dealers");
    List<String> toOther = new CopyOnWriteArrayList<>();
    List<String> toVictim = new CopyOnWriteArrayList<>();
    MqttAsyncClient c = DeviceClients.connect(port, other);
    MqttAsyncClient v = DeviceClients.connect(port, victim);
    try {
      c.setCallback(collecting(toOther));
      v.setCallback(collecting(toVictim));
      assertThat(publishReason(c, Topics.up(other.deviceId(), Kinds.EVENT), event(other.deviceId(), "ext.own")))
          .isLessThan(0x80);
      await().atMost(Duration.ofSeconds(30)).until(() -> eventNames(ops, other.deviceId()).contains("ext.own"));
      assertThat(publishReason(c, Topics.up(id, Kinds.EVENT), event(id, "ext.forged"))).isGreaterThanOrEqualTo(0x80);
      // Mosquitto grants SUBSCRIBE to any filter and applies the read rules to each delivered message:
      // the hub's answer on the victim's downlink reaches the victim only.
      c.subscribe(Topics.downFilter(victim.deviceId()), 1).waitForCompletion(5_000);
      c.subscribe("fedge/v1/dev/+/down/#", 1).waitForCompletion(5_000);
      v.subscribe(Topics.downFilter(victim.deviceId()), 1).waitForCompletion(5_000);
      v.publish(Topics.up(victim.deviceId(), Kinds.EVENT), "not an envelope".getBytes(), 1, false)
          .waitForCompletion(5_000);
      await("hub's error reply to the victim").atMost(Duration.ofSeconds(30))
          .until(() -> toVictim.contains(Topics.down(victim.deviceId(), Kinds.ERROR)));
      Thread.sleep(1_000);
      // Through "+", it still receives its own downlink (its event's ledger receipt), nothing else.
      assertThat(toOther).allMatch(t -> t.startsWith(Topics.DEVICE_ROOT + other.deviceId() + "/down/"));
    } finally {
      c.disconnectForcibly(1_000);
      c.close();
      v.disconnectForcibly(1_000);
      v.close();
    }
    // Posing as the agent by client id does not take over its session: Mosquitto uses the certificate's id.
    MqttAsyncClient poser = DeviceClients.connect(port, id, other.privateKey(), other.chain(), other.root());
    poser.disconnectForcibly(1_000);
    poser.close();
    assertThat(agent.connection()).isEqualTo("CONNECTED");
    Thread.sleep(2_000);
    assertThat(eventNames(ops, id)).doesNotContain("ext.forged");

    // Revocation: the hub rewrites the CRL, has Mosquitto reread it and kicks the device through dynamic security.
    OpsClient.Response r = ops.post("/api/v1/devices/" + id + "/revoke", Map.of("reason", "appliance stolen"));
    assertThat(r.status()).as(r.toString()).isEqualTo(200);
    await("agent disconnected").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
        .until(() -> !"CONNECTED".equals(agent.connection()));
    long until = System.currentTimeMillis() + 8_000;
    while (System.currentTimeMillis() < until) {
      assertThat(agent.connection()).as(log()).isNotEqualTo("CONNECTED");
      Thread.sleep(250);
    }
    DeviceCredentials revoked = DeviceCredentials.load(agent.dataDir().resolve("identity")).orElseThrow();
    assertThatThrownBy(() -> DeviceClients.connect(port, revoked)).isInstanceOf(MqttException.class);
    // The other device still gets in.
    MqttAsyncClient still = DeviceClients.connect(port, other);
    still.disconnect().waitForCompletion(5_000);
    still.close();
  }

  private String log() {
    try {
      return Files.readString(dir.resolve("mosquitto.log"));
    } catch (IOException e) {
      return "(no mosquitto log: " + e + ")";
    }
  }

  private static int publishReason(MqttAsyncClient c, String topic, byte[] payload) throws MqttException {
    IMqttToken t = c.publish(topic, payload, 1, false);
    t.waitForCompletion(5_000);
    int[] codes = t.getReasonCodes();
    return codes == null || codes.length == 0 ? 0 : codes[0];
  }

  /** Records the topic of every message the client receives. */
  private static MqttCallback collecting(List<String> topics) {
    return new MqttCallback() {
      @Override
      public void messageArrived(String topic, MqttMessage message) {
        topics.add(topic);
      }

      @Override
      public void disconnected(MqttDisconnectResponse r) {}

      @Override
      public void mqttErrorOccurred(MqttException e) {}

      @Override
      public void deliveryComplete(IMqttToken token) {}

      @Override
      public void connectComplete(boolean reconnect, String serverUri) {}

      @Override
      public void authPacketArrived(int reasonCode, MqttProperties properties) {}
    };
  }

  private static byte[] event(String sender, String name) {
    return WireCodec.encode(WireCodec.envelope(Kinds.EVENT, sender, Instant.now(), new DeviceEvent(name, Map.of())));
  }

  private static List<String> eventNames(OpsClient ops, String deviceId) {
    return ops.get("/api/v1/devices/" + deviceId + "/events").body().path("events").findValuesAsText("name");
  }
}
