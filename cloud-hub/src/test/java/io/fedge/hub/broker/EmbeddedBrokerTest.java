package io.fedge.hub.broker;

import static io.fedge.hub.broker.BrokerTestSupport.closeQuietly;
import static io.fedge.hub.broker.BrokerTestSupport.newClient;
import static io.fedge.hub.broker.BrokerTestSupport.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import io.fedge.federation.wire.Topics;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One broker for the whole class; real TLS, real Paho MQTT 5 clients. */
class EmbeddedBrokerTest {

  private static final int NOT_AUTHORIZED = 0x87;

  @TempDir static Path dataDir;

  private static TestPki pki;
  private static BrokerTestSupport.AllowList access;
  private static BrokerTestSupport.RecordingListener listener;
  private static EmbeddedBroker broker;
  private static long startupMillis;

  private final List<MqttClient> clients = new ArrayList<>();

  @BeforeAll
  static void startBroker() {
    pki = TestPki.create("broker-test");
    access = new BrokerTestSupport.AllowList().allow("hub-1");
    listener = new BrokerTestSupport.RecordingListener();
    broker = new EmbeddedBroker(BrokerTestSupport.settings(dataDir, pki), access, listener);
    long begin = System.nanoTime();
    broker.start();
    startupMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - begin);
    System.out.println("embedded broker startup ms: " + startupMillis);
  }

  @AfterAll
  static void stopBroker() {
    if (broker != null) {
      broker.stop();
    }
  }

  @AfterEach
  void closeClients() {
    clients.forEach(BrokerTestSupport::closeQuietly);
  }

  private MqttClient connect(TestPki.Credential credential, String clientId) throws MqttException {
    return connect(credential, clientId, options(credential.socketFactory(pki.root())));
  }

  private MqttClient connect(TestPki.Credential credential, String clientId, MqttConnectionOptions options)
      throws MqttException {
    MqttClient client = newClient(broker, clientId);
    clients.add(client);
    client.connect(options);
    return client;
  }

  /** A hub replica on the shared up subscription; received messages land in the queue. */
  private BlockingQueue<MqttMessageWithTopic> hubSubscriber() throws MqttException {
    BlockingQueue<MqttMessageWithTopic> received = new LinkedBlockingQueue<>();
    MqttClient hub = newClient(broker, "hub-1");
    clients.add(hub);
    // A client-wide callback: Paho 1.2.5 does not route shared-subscription messages to
    // per-subscription listeners (it matches the topic against the "$share/..." filter).
    hub.setCallback(new RecordingCallback(new CountDownLatch(1), received));
    hub.connect(options(pki.service("hub-1").socketFactory(pki.root())));
    assertThat(subscribe(hub, Topics.HUB_SHARED_UP)).isEqualTo(1);
    return received;
  }

  record MqttMessageWithTopic(String topic, MqttMessage message) {
    String payload() {
      return new String(message.getPayload(), StandardCharsets.UTF_8);
    }
  }

  @Test
  void deviceWithValidCertificateConnectsAndPublishesToItsOwnUpTopic() throws Exception {
    access.allow("dev-0001");
    BlockingQueue<MqttMessageWithTopic> hub = hubSubscriber();

    MqttClient device = connect(pki.device("dev-0001"), "dev-0001");
    device.publish(Topics.up("dev-0001", "heartbeat"), "hello".getBytes(StandardCharsets.UTF_8), 1, false);

    MqttMessageWithTopic got = hub.poll(10, TimeUnit.SECONDS);
    assertThat(got).isNotNull();
    assertThat(got.topic()).isEqualTo("fedge/v1/dev/dev-0001/up/heartbeat");
    assertThat(got.payload()).isEqualTo("hello");
    await().atMost(Duration.ofSeconds(5)).until(() -> listener.events.contains("connected:dev-0001"));
  }

  @Test
  void clientIdThatDiffersFromCertificateIsRefused() {
    access.allow("dev-0002", "dev-9999");
    TestPki.Credential cert = pki.device("dev-0002");

    MqttException refused = catchThrowableOfType(MqttException.class, () -> connect(cert, "dev-9999"));

    assertThat(refused).isNotNull();
    assertThat(refused.getReasonCode()).isEqualTo(NOT_AUTHORIZED);
    assertThat(access.asked).doesNotContain("dev-0002", "dev-9999");
  }

  @Test
  void certificateFromAnUnknownCaIsRefused() {
    TestPki stranger = TestPki.create("stranger");
    access.allow("dev-0003");
    TestPki.Credential foreign = stranger.device("dev-0003");
    MqttConnectionOptions options = options(foreign.socketFactory(pki.root()));

    MqttException refused = catchThrowableOfType(MqttException.class, () -> connect(foreign, "dev-0003", options));

    assertThat(refused).isNotNull();
    assertThat(refused.getReasonCode()).isNotEqualTo(0);
    // Refused in the TLS handshake: the authenticator never saw it.
    assertThat(access.asked).doesNotContain("dev-0003");
    assertThat(listener.events).doesNotContain("connected:dev-0003");
  }

  @Test
  void clientWithoutCertificateIsRefused() {
    access.allow("dev-0004");
    MqttConnectionOptions options = options(TestPki.anonymousSocketFactory(pki.root()));

    MqttException refused =
        catchThrowableOfType(MqttException.class, () -> connect(pki.device("dev-0004"), "dev-0004", options));

    assertThat(refused).isNotNull();
    assertThat(access.asked).doesNotContain("dev-0004");
    assertThat(listener.events).doesNotContain("connected:dev-0004");
  }

  @Test
  void unknownDeviceWithAValidCertificateIsRefused() {
    MqttException refused =
        catchThrowableOfType(MqttException.class, () -> connect(pki.device("dev-0005"), "dev-0005"));

    assertThat(refused).isNotNull();
    assertThat(refused.getReasonCode()).isEqualTo(NOT_AUTHORIZED);
    assertThat(access.asked).contains("dev-0005");
  }

  @Test
  void certificateWithAnUnknownRoleIsRefused() {
    access.allow("adm-0001");
    TestPki.Credential admin = pki.leaf("CN=adm-0001, OU=admin, O=Fedge", false);

    MqttException refused = catchThrowableOfType(MqttException.class, () -> connect(admin, "adm-0001"));

    assertThat(refused).isNotNull();
    assertThat(refused.getReasonCode()).isEqualTo(NOT_AUTHORIZED);
  }

  @Test
  void deviceCannotSubscribeToAnotherDevicesDownTopic() throws Exception {
    access.allow("dev-0006");
    MqttClient device = connect(pki.device("dev-0006"), "dev-0006");

    assertThat(subscribe(device, Topics.downFilter("dev-other"))).isGreaterThanOrEqualTo(0x80);
    assertThat(subscribe(device, "fedge/v1/dev/+/down/#")).isGreaterThanOrEqualTo(0x80);
    assertThat(subscribe(device, "$share/x/" + Topics.downFilter("dev-0006"))).isGreaterThanOrEqualTo(0x80);
    // Its own subtree and the broadcasts are fine, on the same connection.
    assertThat(subscribe(device, Topics.downFilter("dev-0006"))).isEqualTo(1);
    assertThat(subscribe(device, Topics.broadcastFilter())).isEqualTo(1);
  }

  @Test
  void deviceCannotSubscribeToWildcardRoot() throws Exception {
    access.allow("dev-0007");
    MqttClient device = connect(pki.device("dev-0007"), "dev-0007");

    assertThat(subscribe(device, "#")).isGreaterThanOrEqualTo(0x80);
    assertThat(subscribe(device, "$SYS/#")).isGreaterThanOrEqualTo(0x80);
    assertThat(subscribe(device, Topics.HUB_SHARED_UP)).isGreaterThanOrEqualTo(0x80);
  }

  @Test
  void deviceCannotPublishIntoAnotherDevicesUpTopic() throws Exception {
    access.allow("dev-0008", "dev-0009");
    BlockingQueue<MqttMessageWithTopic> hub = hubSubscriber();
    TestPki.Credential cert = pki.device("dev-0008");
    MqttClient device = newClient(broker, "dev-0008");
    clients.add(device);
    RecordingCallback callback = new RecordingCallback(new CountDownLatch(1));
    device.setCallback(callback);
    device.connect(options(cert.socketFactory(pki.root())));

    device.publish(Topics.up("dev-0009", "event"), "forged".getBytes(StandardCharsets.UTF_8), 1, false);

    // HiveMQ answers an unauthorized publish with PUBACK 0x87 and then DISCONNECT 0x87.
    assertThat(callback.lost.await(5, TimeUnit.SECONDS)).isTrue();
    assertThat(callback.disconnectReason).isEqualTo(NOT_AUTHORIZED);
    // The same device, publishing where it may, is delivered; the forged message never was.
    MqttClient again = connect(cert, "dev-0008");
    again.publish(Topics.up("dev-0008", "event"), "genuine".getBytes(StandardCharsets.UTF_8), 1, false);
    MqttMessageWithTopic first = hub.poll(10, TimeUnit.SECONDS);
    assertThat(first).isNotNull();
    assertThat(first.topic()).isEqualTo(Topics.up("dev-0008", "event"));
    assertThat(first.payload()).isEqualTo("genuine");
    assertThat(hub.poll(200, TimeUnit.MILLISECONDS)).isNull();
  }

  @Test
  void deviceWhoseWillTargetsAnotherDevicesTopicIsRefused() {
    access.allow("dev-0013");
    TestPki.Credential cert = pki.device("dev-0013");
    MqttConnectionOptions options = options(cert.socketFactory(pki.root()));
    options.setWill(Topics.up("dev-0014", "status"), new MqttMessage("offline".getBytes(StandardCharsets.UTF_8), 1, false, null));

    MqttException refused = catchThrowableOfType(MqttException.class, () -> connect(cert, "dev-0013", options));

    assertThat(refused).isNotNull();
    assertThat(refused.getReasonCode()).isEqualTo(NOT_AUTHORIZED);
  }

  @Test
  void deviceWillOnItsOwnStatusTopicReachesTheHubWhenTheHubDisconnectsIt() throws Exception {
    access.allow("dev-0015");
    BlockingQueue<MqttMessageWithTopic> hub = hubSubscriber();
    TestPki.Credential cert = pki.device("dev-0015");
    MqttConnectionOptions options = options(cert.socketFactory(pki.root()));
    options.setWill(Topics.up("dev-0015", "status"), new MqttMessage("offline".getBytes(StandardCharsets.UTF_8), 1, false, null));
    connect(cert, "dev-0015", options);

    assertThat(broker.disconnect("dev-0015")).isTrue();

    MqttMessageWithTopic will = hub.poll(10, TimeUnit.SECONDS);
    assertThat(will).isNotNull();
    assertThat(will.topic()).isEqualTo(Topics.up("dev-0015", "status"));
    assertThat(will.payload()).isEqualTo("offline");
  }

  @Test
  void deviceAccessFailureRefusesTheConnection() {
    access.allow("dev-0016");
    access.failing.add("dev-0016");

    MqttException refused =
        catchThrowableOfType(MqttException.class, () -> connect(pki.device("dev-0016"), "dev-0016"));

    assertThat(refused).isNotNull();
    assertThat(refused.getReasonCode()).isEqualTo(NOT_AUTHORIZED);
    assertThat(access.asked).contains("dev-0016");
  }

  @Test
  void packetsAboveTheConfiguredMaximumNeverReachTheHub() throws Exception {
    access.allow("dev-0017");
    BlockingQueue<MqttMessageWithTopic> hub = hubSubscriber();
    MqttClient device = connect(pki.device("dev-0017"), "dev-0017");

    byte[] tooBig = new byte[300 * 1024]; // the test broker allows 256 KiB
    catchThrowableOfType(
        MqttException.class, () -> device.publish(Topics.up("dev-0017", "event"), tooBig, 1, false));
    assertThat(hub.poll(1, TimeUnit.SECONDS)).isNull();

    MqttClient again = device.isConnected() ? device : connect(pki.device("dev-0017"), "dev-0017");
    again.publish(Topics.up("dev-0017", "event"), new byte[200 * 1024], 1, false);
    MqttMessageWithTopic fits = hub.poll(10, TimeUnit.SECONDS);
    assertThat(fits).isNotNull();
    assertThat(fits.message().getPayload()).hasSize(200 * 1024);
  }

  @Test
  void revokedDeviceIsDisconnectedWithinFiveSecondsAndCannotReconnect() throws Exception {
    access.allow("dev-0010");
    TestPki.Credential cert = pki.device("dev-0010");
    MqttClient device = connect(cert, "dev-0010");
    RecordingCallback callback = new RecordingCallback(new CountDownLatch(1));
    device.setCallback(callback);
    assertThat(device.isConnected()).isTrue();

    access.allowed.remove("dev-0010");
    long begin = System.nanoTime();
    assertThat(broker.disconnect("dev-0010")).isTrue();
    assertThat(callback.lost.await(5, TimeUnit.SECONDS)).isTrue();
    long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - begin);
    System.out.println("revocation disconnect ms: " + tookMs);
    assertThat(tookMs).isLessThan(5000);
    assertThat(callback.disconnectReason).isEqualTo(0x98); // ADMINISTRATIVE_ACTION

    MqttException refused = catchThrowableOfType(MqttException.class, () -> connect(cert, "dev-0010"));
    assertThat(refused).isNotNull();
    assertThat(refused.getReasonCode()).isEqualTo(NOT_AUTHORIZED);
    await().atMost(Duration.ofSeconds(5)).until(() -> listener.events.contains("disconnected:dev-0010"));
    assertThat(broker.disconnect("dev-0010")).isFalse();
  }

  @Test
  void reconnectingWithTheSameIdReportsOneConnectionUntilTheLastOneCloses() throws Exception {
    access.allow("dev-0011");
    TestPki.Credential cert = pki.device("dev-0011");
    MqttClient first = connect(cert, "dev-0011");
    MqttClient second = connect(cert, "dev-0011"); // takes the session over

    await().atMost(Duration.ofSeconds(5)).until(() -> !first.isConnected());
    assertThat(second.isConnected()).isTrue();
    Thread.sleep(300); // let any stray lifecycle event arrive
    assertThat(eventsFor("dev-0011")).containsExactly("connected:dev-0011");

    second.disconnect();
    await().atMost(Duration.ofSeconds(5))
        .until(() -> eventsFor("dev-0011").equals(List.of("connected:dev-0011", "disconnected:dev-0011")));
  }

  @Test
  void persistentSessionReceivesQos1MessagesPublishedWhileOffline() throws Exception {
    access.allow("dev-0012");
    TestPki.Credential cert = pki.device("dev-0012");
    MqttConnectionOptions persistent = options(cert.socketFactory(pki.root()));
    persistent.setCleanStart(false);
    persistent.setSessionExpiryInterval(3600L);

    MqttClient device = connect(cert, "dev-0012", persistent);
    assertThat(subscribe(device, Topics.downFilter("dev-0012"))).isEqualTo(1);
    device.disconnect();
    closeQuietly(device);

    MqttClient hub = connect(pki.service("hub-1"), "hub-1");
    hub.publish(Topics.down("dev-0012", "command"), "while-you-were-out".getBytes(StandardCharsets.UTF_8), 1, false);

    BlockingQueue<MqttMessageWithTopic> received = new LinkedBlockingQueue<>();
    MqttClient again = newClient(broker, "dev-0012");
    clients.add(again);
    again.setCallback(new RecordingCallback(new CountDownLatch(1), received));
    again.connect(persistent);

    MqttMessageWithTopic got = received.poll(10, TimeUnit.SECONDS);
    assertThat(got).isNotNull();
    assertThat(got.topic()).isEqualTo(Topics.down("dev-0012", "command"));
    assertThat(got.payload()).isEqualTo("while-you-were-out");
  }

  @Test
  void generatedConfigurationAndKeyStoresAreOwnerOnly() throws Exception {
    Path conf = dataDir.resolve(EmbeddedBroker.CONF_DIR);
    for (String file :
        List.of(BrokerConfigWriter.CONFIG_FILE, BrokerConfigWriter.KEYSTORE_FILE, BrokerConfigWriter.TRUSTSTORE_FILE)) {
      assertThat(java.nio.file.Files.getPosixFilePermissions(conf.resolve(file)))
          .as(file)
          .containsExactlyInAnyOrder(
              java.nio.file.attribute.PosixFilePermission.OWNER_READ,
              java.nio.file.attribute.PosixFilePermission.OWNER_WRITE);
    }
    assertThat(java.nio.file.Files.getPosixFilePermissions(conf))
        .containsExactlyInAnyOrder(
            java.nio.file.attribute.PosixFilePermission.OWNER_READ,
            java.nio.file.attribute.PosixFilePermission.OWNER_WRITE,
            java.nio.file.attribute.PosixFilePermission.OWNER_EXECUTE);
    String xml = java.nio.file.Files.readString(conf.resolve(BrokerConfigWriter.CONFIG_FILE));
    assertThat(xml)
        .contains("<client-authentication-mode>REQUIRED</client-authentication-mode>")
        .contains("<port>" + broker.port() + "</port>")
        .doesNotContain("<protocol>TLSv1.1</protocol>");
    assertThat(broker.port()).isNotIn(1883, 8883);
  }

  private List<String> eventsFor(String id) {
    return listener.events.stream().filter(e -> e.endsWith(":" + id)).toList();
  }

  /** Subscribes with QoS 1 and returns the SUBACK reason code. */
  private static int subscribe(MqttClient client, String filter) throws MqttException {
    try {
      IMqttToken token = client.subscribe(filter, 1);
      return token.getReasonCodes()[0];
    } catch (MqttException e) {
      System.out.println("subscribe " + filter + " threw " + e + " code " + e.getReasonCode());
      return e.getReasonCode();
    }
  }

  /** Notes a connection loss or server DISCONNECT and collects arriving messages. */
  static final class RecordingCallback implements org.eclipse.paho.mqttv5.client.MqttCallback {
    final CountDownLatch lost;
    volatile int disconnectReason = -1;
    private final BlockingQueue<MqttMessageWithTopic> messages;

    RecordingCallback(CountDownLatch lost) {
      this(lost, new LinkedBlockingQueue<>());
    }

    RecordingCallback(CountDownLatch lost, BlockingQueue<MqttMessageWithTopic> messages) {
      this.lost = lost;
      this.messages = messages;
    }

    @Override
    public void disconnected(org.eclipse.paho.mqttv5.client.MqttDisconnectResponse response) {
      disconnectReason = response.getReturnCode();
      lost.countDown();
    }

    @Override
    public void mqttErrorOccurred(MqttException exception) {}

    @Override
    public void messageArrived(String topic, MqttMessage message) {
      messages.add(new MqttMessageWithTopic(topic, message));
    }

    @Override
    public void deliveryComplete(org.eclipse.paho.mqttv5.client.IMqttToken token) {}

    @Override
    public void connectComplete(boolean reconnect, String serverURI) {}

    @Override
    public void authPacketArrived(int reasonCode, org.eclipse.paho.mqttv5.common.packet.MqttProperties properties) {}
  }
}
