package io.fedge.hub.broker;

import static io.fedge.hub.broker.BrokerTestSupport.closeQuietly;
import static io.fedge.hub.broker.BrokerTestSupport.newClient;
import static io.fedge.hub.broker.BrokerTestSupport.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.fedge.federation.wire.Topics;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Broker lifecycle: stop/start with a reused data directory, and start failures. */
class BrokerRestartTest {

  private static TestPki pki;

  @TempDir Path dataDir;

  private EmbeddedBroker broker;

  @BeforeAll
  static void pki() {
    pki = TestPki.create("restart-test");
  }

  @AfterEach
  void stop() {
    if (broker != null) {
      broker.stop();
    }
  }

  @Test
  void persistentSessionReceivesQos1MessagesPublishedWhileOfflineAcrossABrokerRestart() throws Exception {
    BrokerTestSupport.AllowList access = new BrokerTestSupport.AllowList().allow("dev-r001", "hub-1");
    broker = new EmbeddedBroker(BrokerTestSupport.settings(dataDir, pki), access, BrokerListener.NONE);
    broker.start();

    TestPki.Credential cert = pki.device("dev-r001");
    MqttConnectionOptions persistent = options(cert.socketFactory(pki.root()));
    persistent.setCleanStart(false);
    persistent.setSessionExpiryInterval(3600L);
    MqttClient device = newClient(broker, "dev-r001");
    device.connect(persistent);
    assertThat(device.subscribe(Topics.downFilter("dev-r001"), 1).getReasonCodes()).containsExactly(1);
    device.disconnect();
    closeQuietly(device);

    MqttClient hub = newClient(broker, "hub-1");
    hub.connect(options(pki.service("hub-1").socketFactory(pki.root())));
    hub.publish(Topics.down("dev-r001", "command"), "survives".getBytes(StandardCharsets.UTF_8), 1, false);
    closeQuietly(hub);

    broker.stop();
    assertThat(broker.isRunning()).isFalse();
    long begin = System.nanoTime();
    broker.start(); // same instance, same data directory, a new free port
    System.out.println(
        "embedded broker restart ms: " + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - begin));

    BlockingQueue<EmbeddedBrokerTest.MqttMessageWithTopic> received = new LinkedBlockingQueue<>();
    MqttClient again = newClient(broker, "dev-r001");
    try {
      again.setCallback(new EmbeddedBrokerTest.RecordingCallback(new CountDownLatch(1), received));
      again.connect(persistent);
      EmbeddedBrokerTest.MqttMessageWithTopic got = received.poll(10, TimeUnit.SECONDS);
      assertThat(got).isNotNull();
      assertThat(got.topic()).isEqualTo(Topics.down("dev-r001", "command"));
      assertThat(got.payload()).isEqualTo("survives");
    } finally {
      closeQuietly(again);
    }
  }

  @Test
  void stoppingRemovesTheGeneratedKeyStoresAndPassword() {
    broker =
        new EmbeddedBroker(
            BrokerTestSupport.settings(dataDir, pki), new BrokerTestSupport.AllowList(), BrokerListener.NONE);
    broker.start();
    Path conf = dataDir.resolve(EmbeddedBroker.CONF_DIR);
    assertThat(conf.resolve(BrokerConfigWriter.KEYSTORE_FILE)).exists();

    broker.stop();

    assertThat(conf.resolve(BrokerConfigWriter.CONFIG_FILE)).doesNotExist();
    assertThat(conf.resolve(BrokerConfigWriter.KEYSTORE_FILE)).doesNotExist();
    assertThat(conf.resolve(BrokerConfigWriter.TRUSTSTORE_FILE)).doesNotExist();
    assertThat(Files.isDirectory(dataDir.resolve(EmbeddedBroker.DATA_DIR))).isTrue();
  }

  @Test
  void startFailsWithAClearCauseWhenThePortIsTaken() throws Exception {
    try (ServerSocket taken = new ServerSocket()) {
      taken.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      BrokerSettings settings = BrokerTestSupport.settings(dataDir, pki).withPort(taken.getLocalPort());
      broker = new EmbeddedBroker(settings, new BrokerTestSupport.AllowList(), BrokerListener.NONE);

      BrokerStartException failed = catchThrowableOfType(BrokerStartException.class, broker::start);

      assertThat(failed).isNotNull();
      assertThat(failed.getMessage()).contains(String.valueOf(taken.getLocalPort()));
      assertThat(failed.getCause()).isNotNull();
      assertThat(broker.isRunning()).isFalse();
    }
  }
}
