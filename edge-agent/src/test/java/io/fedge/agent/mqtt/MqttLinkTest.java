package io.fedge.agent.mqtt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The link against the real Mosquitto on 127.0.0.1:1883 (shared: every run uses its own topics). */
class MqttLinkTest {
  private static final Logger log = LoggerFactory.getLogger(MqttLinkTest.class);
  private static final String BROKER = "tcp://127.0.0.1:1883";

  @TempDir Path dir;

  private final String run = UUID.randomUUID().toString();
  private final String prefix = "fedge-test/" + run + "/";
  private final List<AutoCloseable> cleanup = new ArrayList<>();
  private TcpProxy proxy;

  @BeforeEach
  void setUp() throws Exception {
    proxy = new TcpProxy("127.0.0.1", 1883);
    cleanup.add(proxy);
  }

  @AfterEach
  void tearDown() {
    for (int i = cleanup.size() - 1; i >= 0; i--) {
      try {
        cleanup.get(i).close();
      } catch (Exception e) {
        log.warn("cleanup failed", e);
      }
    }
  }

  // ------------------------------------------------------------------ helpers

  private MqttLinkSettings settings(String uri) {
    return new MqttLinkSettings(
        uri,
        "fedge-test-" + UUID.randomUUID(),
        null,
        10,
        120, // sessions of test clients expire soon on the shared broker
        null,
        null,
        Duration.ofMillis(100),
        Duration.ofMillis(800),
        32);
  }

  private Outbox outbox() {
    Outbox o = Outbox.open(dir.resolve("agent-" + UUID.randomUUID() + ".db"));
    cleanup.add(o);
    return o;
  }

  private MqttLink link(MqttLinkSettings s, Outbox o, List<StateChange> changes) {
    MqttLink link = new MqttLink(s, o);
    if (changes != null) {
      link.onStateChange(changes::add);
    }
    cleanup.add(link);
    return link;
  }

  /** A plain Paho client connected directly to Mosquitto (no proxy, no link). */
  private MqttAsyncClient plainClient(Consumer<MqttMessage> onMessage) throws MqttException {
    MqttAsyncClient c =
        new MqttAsyncClient(BROKER, "fedge-test-plain-" + UUID.randomUUID(), new MemoryPersistence());
    c.setCallback(
        new MqttCallback() {
          @Override
          public void disconnected(MqttDisconnectResponse r) {}

          @Override
          public void mqttErrorOccurred(MqttException e) {}

          @Override
          public void messageArrived(String topic, MqttMessage message) {
            onMessage.accept(message);
          }

          @Override
          public void deliveryComplete(IMqttToken token) {}

          @Override
          public void connectComplete(boolean reconnect, String uri) {}

          @Override
          public void authPacketArrived(int rc, MqttProperties p) {}
        });
    MqttConnectionOptions o = new MqttConnectionOptions();
    o.setCleanStart(true);
    c.connect(o).waitForCompletion(10_000);
    cleanup.add(
        () -> {
          if (c.isConnected()) {
            c.disconnect().waitForCompletion(5_000);
          }
          c.close(true);
        });
    return c;
  }

  private static byte[] payload(String id, int size) {
    byte[] head = ("{\"id\":\"" + id + "\",\"pad\":\"").getBytes(StandardCharsets.UTF_8);
    byte[] p = new byte[Math.max(size, head.length + 2)];
    Arrays.fill(p, (byte) 'x');
    System.arraycopy(head, 0, p, 0, head.length);
    p[p.length - 2] = '"';
    p[p.length - 1] = '}';
    return p;
  }

  private static String idOf(byte[] payload) {
    String s = new String(payload, StandardCharsets.UTF_8);
    int start = s.indexOf("\"id\":\"") + 6;
    return s.substring(start, s.indexOf('"', start));
  }

  private static void awaitState(MqttLink link, ConnectionState state, Duration within) {
    await().atMost(within).pollInterval(Duration.ofMillis(10)).until(() -> link.state() == state);
  }

  private static List<ConnectionState> states(List<StateChange> changes) {
    return changes.stream().map(StateChange::to).toList();
  }

  // ------------------------------------------------------------------ tests

  @Test
  void messagesQueuedWhileBrokerIsCutArriveExactlyOnceAfterReconnect() throws Exception {
    int n = 200;
    Queue<String> received = new ConcurrentLinkedQueue<>();
    MqttAsyncClient subscriber = plainClient(m -> received.add(idOf(m.getPayload())));
    subscriber.subscribe(prefix + "up/#", 1).waitForCompletion(5_000);

    Outbox outbox = outbox();
    List<StateChange> changes = new CopyOnWriteArrayList<>();
    MqttLink link = link(settings(proxy.uri()), outbox, changes);
    link.start();
    awaitState(link, ConnectionState.CONNECTED, Duration.ofSeconds(10));

    Set<String> sent = new HashSet<>();
    long restoredAt = 0;
    for (int i = 0; i < n; i++) {
      String id = UUID.randomUUID().toString();
      sent.add(id);
      outbox.enqueue(id, prefix + "up/data", payload(id, 1024));
      if (i == 60) {
        proxy.cut(); // mid-stream: some acknowledged, some in flight, the rest still to come
      }
    }
    awaitState(link, ConnectionState.DISCONNECTED, Duration.ofSeconds(5));
    long depthWhileCut = outbox.depth();
    Thread.sleep(2_000);
    proxy.restore();
    restoredAt = System.nanoTime();
    int changesBefore = changes.size();
    awaitState(link, ConnectionState.CONNECTED, Duration.ofSeconds(10));
    long reconnectMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - restoredAt);

    await().atMost(Duration.ofSeconds(20)).until(() -> outbox.depth() == 0);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> new HashSet<>(received).containsAll(sent));
    Thread.sleep(300); // let late duplicates, if any, arrive before counting

    List<String> all = new ArrayList<>(received);
    Set<String> distinct = new HashSet<>(all);
    int duplicates = all.size() - distinct.size();
    log.info(
        "cut test: {} sent, {} received, {} distinct, {} duplicates; depth while cut {}; reconnect"
            + " {} ms after restore; stats {}",
        n,
        all.size(),
        distinct.size(),
        duplicates,
        depthWhileCut,
        reconnectMs,
        link.stats());
    assertThat(distinct).isEqualTo(sent);
    assertThat(distinct).hasSize(n);
    // Only rows in flight when the link was cut can be sent twice.
    assertThat(duplicates).isBetween(0, 32);
    assertThat(depthWhileCut).isPositive();
    assertThat(outbox.depth()).isZero();
    LinkStats stats = link.stats();
    assertThat(stats.acked()).isGreaterThanOrEqualTo(n);
    // Re-sends are rows that were in flight at the cut: bounded by maxInflight.
    assertThat(stats.published() - stats.acked()).isBetween((long) duplicates, 32L);
    assertThat(stats.connects()).isGreaterThanOrEqualTo(2);
    assertThat(stats.disconnects()).isGreaterThanOrEqualTo(1);
    assertThat(states(changes.subList(changesBefore, changes.size())))
        .endsWith(ConnectionState.CONNECTED);
  }

  @Test
  void linkReconnectsByItselfWithBackoffAfterTheProxyRestores() throws Exception {
    List<StateChange> changes = new CopyOnWriteArrayList<>();
    MqttLink link = link(settings(proxy.uri()), outbox(), changes);
    link.start();
    awaitState(link, ConnectionState.CONNECTED, Duration.ofSeconds(10));
    assertThat(link.connectedSince()).isNotNull();

    proxy.cut();
    awaitState(link, ConnectionState.DISCONNECTED, Duration.ofSeconds(5));
    assertThat(link.connectedSince()).isNull();
    Thread.sleep(2_000);
    int refusedWhileCut = proxy.refused();
    proxy.restore();
    long restoredAt = System.nanoTime();
    awaitState(link, ConnectionState.CONNECTED, Duration.ofSeconds(10));
    long reconnectMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - restoredAt);
    log.info(
        "reconnect {} ms after restore; {} attempts while cut; stats {}",
        reconnectMs,
        refusedWhileCut,
        link.stats());

    List<ConnectionState> seen = states(changes);
    assertThat(seen)
        .containsSubsequence(
            ConnectionState.CONNECTING,
            ConnectionState.CONNECTED,
            ConnectionState.DISCONNECTED,
            ConnectionState.CONNECTING,
            ConnectionState.CONNECTED);
    assertThat(seen.get(seen.size() - 1)).isEqualTo(ConnectionState.CONNECTED);
    // The backoff spaces the attempts: 2 s cut, delays up to 800 ms. A loop without backoff would
    // try hundreds of times.
    assertThat(refusedWhileCut).isBetween(1, 20);
    // With an 800 ms cap, the next attempt comes at most 800 ms after the restore (plus the connect)
    assertThat(reconnectMs).isLessThan(5_000);
    assertThat(link.stats().connects()).isEqualTo(2);
    assertThat(link.stats().disconnects()).isEqualTo(1);
    assertThat(link.connectedSince()).isNotNull();
  }

  @Test
  void subscriptionsAreRestoredAfterReconnect() throws Exception {
    // Session expiry 0: the broker forgets our subscriptions at disconnect, so only our own
    // resubscription can make the second message arrive.
    MqttLinkSettings s = settings(proxy.uri());
    s =
        new MqttLinkSettings(
            s.serverUri(), s.clientId(), null, 10, 0, null, null, s.backoffBase(),
            s.backoffCap(), s.maxInflight());
    Queue<String> got = new ConcurrentLinkedQueue<>();
    MqttLink link = link(s, outbox(), null);
    link.subscribe(prefix + "down/#", 1, (topic, p) -> got.add(topic + "=" + idOf(p)));
    link.start();
    awaitState(link, ConnectionState.CONNECTED, Duration.ofSeconds(10));
    MqttAsyncClient publisher = plainClient(m -> {});
    await()
        .atMost(Duration.ofSeconds(5))
        .until(
            () -> {
              publisher.publish(prefix + "down/a", new MqttMessage(payload("first", 10), 1, false, null))
                  .waitForCompletion(5_000);
              return got.contains(prefix + "down/a=first");
            });

    proxy.cut();
    awaitState(link, ConnectionState.DISCONNECTED, Duration.ofSeconds(5));
    proxy.restore();
    awaitState(link, ConnectionState.CONNECTED, Duration.ofSeconds(10));
    await()
        .atMost(Duration.ofSeconds(5))
        .until(
            () -> {
              publisher.publish(prefix + "down/b", new MqttMessage(payload("second", 10), 1, false, null))
                  .waitForCompletion(5_000);
              return got.contains(prefix + "down/b=second");
            });
  }

  @Test
  void aMessagePublishedWhileTheLinkIsCutIsDeliveredAfterReconnectFromThePersistentSession()
      throws Exception {
    Queue<String> got = new ConcurrentLinkedQueue<>();
    MqttLink link = link(settings(proxy.uri()), outbox(), null);
    var subscribed = link.subscribe(prefix + "down/#", 1, (topic, p) -> got.add(idOf(p)));
    link.start();
    subscribed.get(10, TimeUnit.SECONDS);

    proxy.cut();
    awaitState(link, ConnectionState.DISCONNECTED, Duration.ofSeconds(5));
    MqttAsyncClient publisher = plainClient(m -> {});
    publisher
        .publish(prefix + "down/cmd", new MqttMessage(payload("while-cut", 100), 1, false, null))
        .waitForCompletion(5_000);
    Thread.sleep(300);
    assertThat(got).isEmpty();

    proxy.restore();
    await().atMost(Duration.ofSeconds(10)).until(() -> got.contains("while-cut"));
    assertThat(link.state()).isEqualTo(ConnectionState.CONNECTED);
    Thread.sleep(300);
    assertThat(got).containsExactly("while-cut");
  }

  @Test
  void slowHandlerDoesNotBreakKeepAlive() throws Exception {
    MqttLinkSettings s = settings(BROKER).withKeepAlive(2);
    Outbox outbox = outbox();
    List<StateChange> changes = new CopyOnWriteArrayList<>();
    MqttLink link = link(s, outbox, changes);
    AtomicInteger handled = new AtomicInteger();
    AtomicInteger started = new AtomicInteger();
    var subscribed =
        link.subscribe(
            prefix + "down/slow",
            1,
            (topic, p) -> {
              started.incrementAndGet();
              Thread.sleep(5_000); // more than 2 x keep-alive
              handled.incrementAndGet();
            });
    link.start();
    subscribed.get(10, TimeUnit.SECONDS);
    int changesAtStart = changes.size();

    MqttAsyncClient publisher = plainClient(m -> {});
    publisher
        .publish(prefix + "down/slow", new MqttMessage(payload("slow", 10), 1, false, null))
        .waitForCompletion(5_000);
    await().atMost(Duration.ofSeconds(5)).until(() -> started.get() == 1);

    // While the handler sleeps, the link still delivers and gets PUBACKs ...
    for (int i = 0; i < 20; i++) {
      outbox.enqueue("during-" + i, prefix + "up/data", payload("during-" + i, 100));
    }
    await().atMost(Duration.ofSeconds(2)).until(() -> outbox.depth() == 0);
    assertThat(handled).hasValue(0);
    // ... and, idle otherwise, keep-alive holds the connection for the rest of the sleep.
    await().atMost(Duration.ofSeconds(10)).until(() -> handled.get() == 1);
    Thread.sleep(3_000); // another keep-alive period, idle
    assertThat(link.state()).isEqualTo(ConnectionState.CONNECTED);
    assertThat(changes.subList(changesAtStart, changes.size())).isEmpty();
    assertThat(link.stats().connects()).isEqualTo(1);
    assertThat(link.stats().disconnects()).isZero();
    assertThat(link.stats().acked()).isEqualTo(20);
  }

  @Test
  void aRefusingBrokerIsReportedAndRetriedOnlyAtTheBackoffCap() throws Exception {
    try (PrivateBroker broker = PrivateBroker.start(dir, "allow_anonymous false")) {
      MqttLinkSettings s =
          settings(broker.uri()).withBackoff(Duration.ofMillis(20), Duration.ofSeconds(2));
      List<StateChange> changes = new CopyOnWriteArrayList<>();
      MqttLink link = link(s, outbox(), changes);
      link.start();
      awaitState(link, ConnectionState.REFUSED, Duration.ofSeconds(10));
      StateChange refusal =
          changes.stream().filter(c -> c.to() == ConnectionState.REFUSED).findFirst().orElseThrow();
      log.info("refusal reason: {}", refusal.reason());
      assertThat(refusal.reason()).containsAnyOf("not authorized", "bad user name or password");

      Thread.sleep(4_000);
      long attempts =
          changes.stream().filter(c -> c.to() == ConnectionState.CONNECTING).count();
      // At a 20 ms base without the cap rule this would be a hundred attempts; at the cap
      // (1 to 2 s each) it is at most 1 + 4.
      assertThat(attempts).isBetween(2L, 5L);
      assertThat(link.stats().connects()).isZero();
      link.stop();
      assertThat(link.state()).isEqualTo(ConnectionState.DISCONNECTED);
    }
  }

  @Test
  void aMessageTheBrokerKeepsRefusingIsDeadLetteredAndTheRestStillFlows() throws Exception {
    Path acl = dir.resolve("acl");
    java.nio.file.Files.writeString(acl, "topic readwrite allowed/#\n");
    try (PrivateBroker broker =
        PrivateBroker.start(dir, "allow_anonymous true\nacl_file " + acl)) {
      Outbox outbox = outbox();
      outbox.enqueue("denied-1", "denied/x", payload("denied-1", 50));
      outbox.enqueue("allowed-1", "allowed/x", payload("allowed-1", 50));
      MqttLink link =
          link(settings(broker.uri()).withBackoff(Duration.ofMillis(20), Duration.ofMillis(200)),
              outbox, null);
      link.start();
      await().atMost(Duration.ofSeconds(10)).until(() -> outbox.depth() == 0);
      assertThat(outbox.deadLetterDepth()).isEqualTo(1);
      Outbox.DeadLetter dead = outbox.deadLetters(10).get(0);
      log.info("dead letter: {} after {} attempts: {}", dead.messageId(), dead.attempts(), dead.reason());
      assertThat(dead.messageId()).isEqualTo("denied-1");
      assertThat(dead.attempts()).isEqualTo(MqttLink.MAX_DELIVERY_ATTEMPTS);
      assertThat(dead.reason()).contains("0x87");
      LinkStats stats = link.stats();
      assertThat(stats.rejected()).isEqualTo(MqttLink.MAX_DELIVERY_ATTEMPTS);
      assertThat(stats.deadLettered()).isEqualTo(1);
      assertThat(stats.acked()).isEqualTo(1);
      assertThat(link.state()).isEqualTo(ConnectionState.CONNECTED);
    }
  }

  @Test
  void publishNowSendsWithoutTheOutboxAndFailsFastWhenDisconnected() throws Exception {
    Queue<String> received = new ConcurrentLinkedQueue<>();
    MqttAsyncClient subscriber = plainClient(m -> received.add(idOf(m.getPayload())));
    subscriber.subscribe(prefix + "up/#", 1).waitForCompletion(5_000);
    Outbox outbox = outbox();
    MqttLink link = link(settings(proxy.uri()), outbox, null);
    assertThat(link.publishNow(prefix + "up/now", payload("early", 10), 1))
        .failsWithin(Duration.ofSeconds(1));
    link.start();
    awaitState(link, ConnectionState.CONNECTED, Duration.ofSeconds(10));
    link.publishNow(prefix + "up/now", payload("now", 10), 1).get(5, TimeUnit.SECONDS);
    await().atMost(Duration.ofSeconds(5)).until(() -> received.contains("now"));
    assertThat(outbox.depth()).isZero();
    assertThat(received).doesNotContain("early");
  }

  @Test
  void reconnectOnRequestCallsTheSocketFactoryAgain() throws Exception {
    AtomicInteger factoryCalls = new AtomicInteger();
    MqttLinkSettings s =
        settings(BROKER)
            .withSocketFactory(
                () -> {
                  factoryCalls.incrementAndGet();
                  return javax.net.SocketFactory.getDefault();
                });
    List<StateChange> changes = new CopyOnWriteArrayList<>();
    MqttLink link = link(s, outbox(), changes);
    link.start();
    awaitState(link, ConnectionState.CONNECTED, Duration.ofSeconds(10));
    assertThat(factoryCalls).hasValue(1);
    link.reconnect();
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> link.stats().connects() == 2 && link.state() == ConnectionState.CONNECTED);
    assertThat(factoryCalls).hasValue(2);
    assertThat(link.stats().disconnects()).isEqualTo(1);
  }

  @Test
  void throughputOfOneKilobyteMessagesIsLogged() throws Exception {
    int n = 3_000;
    Outbox outbox = outbox();
    long t0 = System.nanoTime();
    for (int i = 0; i < n; i++) {
      outbox.enqueue("tp-" + i, prefix + "up/tp", payload("tp-" + i, 1024));
    }
    long enqueueMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
    MqttLink link = link(settings(BROKER), outbox, null);
    link.start();
    awaitState(link, ConnectionState.CONNECTED, Duration.ofSeconds(10));
    long t1 = System.nanoTime();
    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(5))
        .until(() -> outbox.depth() == 0);
    long drainMs = Math.max(1, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t1));
    log.info(
        "throughput: {} x 1 KB; enqueue {} ms ({} msg/s, fsync per enqueue); drain through link to"
            + " Mosquitto {} ms ({} msg/s)",
        n,
        enqueueMs,
        n * 1000L / Math.max(1, enqueueMs),
        drainMs,
        n * 1000L / drainMs);
    assertThat(link.stats().acked()).isEqualTo(n);
  }
}
