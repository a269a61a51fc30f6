package io.fedge.agent.mqtt;

import io.fedge.federation.net.TcpNoDelaySocketFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.random.RandomGenerator;
import javax.net.SocketFactory;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLSocketFactory;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttActionListener;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttClientException;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.MqttSubscription;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's one MQTT 5 connection: keeps itself connected, drains the {@link Outbox} and
 * delivers subscribed messages to handlers. Works with any standard MQTT 5 broker.
 *
 * <h2>Threads</h2>
 *
 * <ul>
 *   <li>Paho's own threads (sender, receiver, callback, ping timer) do network I/O and keep-alive.
 *       Our callbacks on them only hand work over to one of the two threads below and return, so
 *       no compute of ours ever runs there and keep-alive and acknowledgements are never starved.
 *   <li>The <em>control</em> thread ({@code fedge-mqtt-control}) owns the connection: connect and
 *       reconnect with {@link Backoff}, resubscribe, drain the outbox, process PUBACKs, send our
 *       PUBACKs for received messages. State listeners run on it and must not block.
 *   <li>The <em>handler</em> thread ({@code fedge-mqtt-handler}) runs {@link MessageHandler}s one
 *       message at a time; a slow handler delays only further messages.
 * </ul>
 *
 * <h2>Delivery contract: at least once, applied once</h2>
 *
 * Outbound: a message is durable once {@link Outbox#enqueue} returns. The link sends pending rows
 * in {@code seq} order with QoS 1, at most {@code maxInflight} unacknowledged, and deletes a row
 * only when the broker's PUBACK carries a success reason code ({@code < 0x80}). Rows unacknowledged
 * when the connection drops stay in the outbox and are sent again on the next connection, so the
 * receiver may see a message twice; every message carries a unique id inside its payload and
 * receivers de-duplicate by that id. A PUBACK with an error reason code (e.g. 0x87 not authorized)
 * counts an attempt; after {@link #MAX_DELIVERY_ATTEMPTS} the row moves to the dead-letter table
 * with the reason and is logged, never dropped silently. A row Paho cannot send at all (invalid
 * topic) goes to the dead-letter table at once.
 *
 * <p>Inbound: the session is persistent (clean start false, session expiry), so the broker keeps
 * subscriptions and QoS 1 messages while we are offline. A QoS 1 message is acknowledged only after
 * its handler returned, so it may arrive twice (after a crash or reconnect) and handlers must
 * de-duplicate by message id as well.
 *
 * <h2>Refusals</h2>
 *
 * A CONNACK with NOT_AUTHORIZED, BAD_USER_NAME_OR_PASSWORD or BANNED, a server DISCONNECT with one
 * of those, or a TLS handshake failure, moves the link to {@link ConnectionState#REFUSED} and is
 * retried at the backoff cap, so a revoked device does not spin.
 *
 * <p>Each connection uses a fresh Paho client with {@link MemoryPersistence}: Paho's own session
 * store would re-send in-flight messages by itself and duplicate what the outbox re-sends, and its
 * default file persistence writes into the working directory. A stopped link cannot be restarted.
 */
public final class MqttLink implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(MqttLink.class);

  /** Error PUBACKs a row may collect before it is dead-lettered. */
  public static final int MAX_DELIVERY_ATTEMPTS = 5;

  static final int CONNECT_TIMEOUT_SECONDS = 10;
  private static final long DISCONNECT_TIMEOUT_MS = 2_000;
  private static final int RC_BAD_USER_NAME_OR_PASSWORD = 0x86;
  private static final int RC_NOT_AUTHORIZED = 0x87;
  private static final int RC_BANNED = 0x8A;

  private record Subscription(String filter, int qos, MessageHandler handler, CompletableFuture<Void> acked) {}

  private final MqttLinkSettings settings;
  private final Outbox outbox;
  private final Backoff backoff;
  private final ScheduledThreadPoolExecutor control;
  private final ExecutorService handlers;
  private final Map<String, Subscription> subscriptions = new ConcurrentHashMap<>();
  private final List<Consumer<StateChange>> stateListeners = new CopyOnWriteArrayList<>();
  private final Runnable outboxListener = this::requestDrain;
  private final AtomicBoolean drainRequested = new AtomicBoolean();
  private final AtomicBoolean started = new AtomicBoolean();

  // Owned by the control thread; volatile where other threads read them.
  private volatile MqttAsyncClient client;
  private volatile long generation;
  private ScheduledFuture<?> pendingConnect;
  private final Set<Long> inflight = new HashSet<>();
  private final List<Long> ackedRows = new ArrayList<>();
  private long cursor;
  private int inflightLimit;
  private volatile int inflightCount;
  private volatile boolean running;
  private volatile ConnectionState state = ConnectionState.DISCONNECTED;
  private volatile String stateReason = "not started";
  private volatile Instant connectedSince;

  private final AtomicLong connects = new AtomicLong();
  private final AtomicLong disconnects = new AtomicLong();
  private final AtomicLong published = new AtomicLong();
  private final AtomicLong acked = new AtomicLong();
  private final AtomicLong rejected = new AtomicLong();
  private final AtomicLong deadLettered = new AtomicLong();

  public MqttLink(MqttLinkSettings settings, Outbox outbox) {
    this(settings, outbox, RandomGenerator.getDefault());
  }

  public MqttLink(MqttLinkSettings settings, Outbox outbox, RandomGenerator random) {
    this.settings = Objects.requireNonNull(settings, "settings");
    this.outbox = Objects.requireNonNull(outbox, "outbox");
    this.backoff = new Backoff(settings.backoffBase(), settings.backoffCap(), random);
    this.control = new ScheduledThreadPoolExecutor(1, daemon("fedge-mqtt-control"));
    this.control.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    this.control.setRemoveOnCancelPolicy(true);
    this.handlers = Executors.newSingleThreadExecutor(daemon("fedge-mqtt-handler"));
  }

  // ---------------------------------------------------------------- public API

  /** Starts connecting in the background; the link then stays connected until {@link #stop()}. */
  public void start() {
    if (!started.compareAndSet(false, true)) {
      throw new IllegalStateException("link already started");
    }
    running = true;
    outbox.addListener(outboxListener);
    log.info("mqtt link starting: {}", settings);
    submit(this::connectNow);
  }

  /** Disconnects cleanly (the broker keeps the session) and stops reconnecting. Idempotent. */
  public void stop() {
    if (!running) {
      return;
    }
    running = false;
    outbox.removeListener(outboxListener);
    try {
      Future<?> f =
          control.submit(
              () -> {
                dropClient("stopped");
              });
      f.get(DISCONNECT_TIMEOUT_MS + 5_000, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      log.warn("mqtt link did not stop cleanly", e);
    } finally {
      control.shutdown();
      handlers.shutdown();
      try {
        if (!control.awaitTermination(5, TimeUnit.SECONDS)) {
          control.shutdownNow();
        }
        if (!handlers.awaitTermination(5, TimeUnit.SECONDS)) {
          handlers.shutdownNow();
        }
      } catch (InterruptedException e) {
        control.shutdownNow();
        handlers.shutdownNow();
        Thread.currentThread().interrupt();
      }
    }
    log.info("mqtt link stopped");
  }

  @Override
  public void close() {
    stop();
  }

  /**
   * Drops the current connection (cleanly) and connects again at once, calling the socket factory
   * supplier anew: used after certificate renewal.
   */
  public void reconnect() {
    submit(
        () -> {
          if (!running) {
            return;
          }
          dropClient("reconnect requested");
          backoff.reset();
          connectNow();
        });
  }

  /**
   * Subscribes {@code handler} to {@code filter}; the subscription is renewed on every connection.
   * The future completes when the broker first grants it (it fails if the broker refuses it).
   * Subscribing again to the same filter replaces the handler.
   */
  public CompletableFuture<Void> subscribe(String filter, int qos, MessageHandler handler) {
    Objects.requireNonNull(filter, "filter");
    Objects.requireNonNull(handler, "handler");
    if (qos < 0 || qos > 2) {
      throw new IllegalArgumentException("qos must be 0, 1 or 2: " + qos);
    }
    Subscription s = new Subscription(filter, qos, handler, new CompletableFuture<>());
    subscriptions.put(filter, s);
    submit(
        () -> {
          MqttAsyncClient c = client;
          if (c != null && state == ConnectionState.CONNECTED) {
            sendSubscribe(c, generation, List.of(s));
          }
        });
    return s.acked();
  }

  /**
   * Publishes directly, bypassing the outbox (for messages that are worthless if late). Fails at
   * once when not connected. The future completes when the broker acknowledged (QoS 1/2) or the
   * message was written (QoS 0); it fails on an error reason code or connection loss.
   */
  public CompletableFuture<Void> publishNow(String topic, byte[] payload, int qos) {
    Objects.requireNonNull(topic, "topic");
    Objects.requireNonNull(payload, "payload");
    CompletableFuture<Void> result = new CompletableFuture<>();
    MqttAsyncClient c = client;
    if (c == null || state != ConnectionState.CONNECTED) {
      result.completeExceptionally(new IllegalStateException("not connected: " + stateReason));
      return result;
    }
    MqttMessage m = new MqttMessage(payload);
    m.setQos(qos);
    try {
      c.publish(
          topic,
          m,
          null,
          new MqttActionListener() {
            @Override
            public void onSuccess(IMqttToken token) {
              int rc = firstReasonCode(token);
              if (rc >= 0x80) {
                result.completeExceptionally(
                    new IllegalStateException("broker refused publish: " + reasonName(rc)));
              } else {
                result.complete(null);
              }
            }

            @Override
            public void onFailure(IMqttToken token, Throwable ex) {
              result.completeExceptionally(ex);
            }
          });
    } catch (MqttException | RuntimeException e) {
      result.completeExceptionally(e);
    }
    return result;
  }

  /** Registers a listener for state changes; it runs on the control thread and must not block. */
  public void onStateChange(Consumer<StateChange> listener) {
    stateListeners.add(Objects.requireNonNull(listener, "listener"));
  }

  public ConnectionState state() {
    return state;
  }

  /** Why the link is in its current state (e.g. the last connection error). */
  public String stateReason() {
    return stateReason;
  }

  /** When the current connection was established; null unless connected. */
  public Instant connectedSince() {
    return connectedSince;
  }

  public LinkStats stats() {
    return new LinkStats(
        state,
        connectedSince,
        connects.get(),
        disconnects.get(),
        published.get(),
        acked.get(),
        rejected.get(),
        deadLettered.get(),
        inflightCount,
        outbox.depth());
  }

  // ---------------------------------------------------------------- connection (control thread)

  private void connectNow() {
    if (!running) {
      return;
    }
    pendingConnect = null;
    MqttAsyncClient old = client;
    if (old != null) {
      client = null;
      discard(old);
    }
    long gen = ++generation;
    setState(ConnectionState.CONNECTING, "connecting to " + settings.serverUri());
    MqttAsyncClient c;
    try {
      c = new MqttAsyncClient(settings.serverUri(), settings.clientId(), new MemoryPersistence());
    } catch (MqttException | RuntimeException e) {
      onConnectFailed(gen, e, true);
      return;
    }
    client = c;
    try {
      c.setManualAcks(true);
      c.setCallback(new Callbacks(gen));
      c.connect(
          options(),
          null,
          new MqttActionListener() {
            @Override
            public void onSuccess(IMqttToken token) {
              submit(() -> onConnected(gen, token));
            }

            @Override
            public void onFailure(IMqttToken token, Throwable ex) {
              submit(() -> onConnectFailed(gen, ex, false));
            }
          });
    } catch (MqttException | RuntimeException e) {
      onConnectFailed(gen, e, false);
      return;
    }
    // Insurance against a broker that accepts TCP but never answers CONNECT.
    control.schedule(
        guarded(
            () -> {
              if (gen == generation && client != null && state == ConnectionState.CONNECTING) {
                onConnectFailed(gen, new IllegalStateException("no CONNACK in time"), false);
              }
            }),
        CONNECT_TIMEOUT_SECONDS + 5L,
        TimeUnit.SECONDS);
  }

  private MqttConnectionOptions options() {
    MqttConnectionOptions o = new MqttConnectionOptions();
    o.setCleanStart(false);
    o.setSessionExpiryInterval(settings.sessionExpirySeconds());
    o.setKeepAliveInterval(settings.keepAliveSeconds());
    o.setConnectionTimeout(CONNECT_TIMEOUT_SECONDS);
    o.setAutomaticReconnect(false);
    SocketFactory f = settings.socketFactory() == null ? null : settings.socketFactory().get();
    if (f == null) {
      f = settings.serverUri().startsWith("ssl://")
          ? SSLSocketFactory.getDefault()
          : SocketFactory.getDefault();
    }
    o.setSocketFactory(TcpNoDelaySocketFactory.wrap(f));
    if (settings.willTopic() != null) {
      o.setWill(settings.willTopic(), new MqttMessage(settings.willPayload(), 1, false, null));
    }
    return o;
  }

  private void onConnected(long gen, IMqttToken token) {
    MqttAsyncClient c = client;
    if (gen != generation || c == null || !running) {
      return;
    }
    connects.incrementAndGet();
    connectedSince = Instant.now();
    backoff.reset();
    MqttProperties props = token.getResponseProperties();
    Integer receiveMax = props == null ? null : props.getReceiveMaximum();
    inflightLimit =
        Math.min(settings.maxInflight(), receiveMax == null || receiveMax <= 0 ? 65535 : receiveMax);
    inflight.clear();
    inflightCount = 0;
    cursor = 0;
    boolean sessionPresent = token.getSessionPresent();
    log.info(
        "mqtt connected to {} as {} (session present: {}, broker receive maximum: {}, in flight"
            + " limit: {})",
        settings.serverUri(),
        settings.clientId(),
        sessionPresent,
        receiveMax,
        inflightLimit);
    if (!subscriptions.isEmpty()) {
      sendSubscribe(c, gen, List.copyOf(subscriptions.values()));
    }
    setState(ConnectionState.CONNECTED, "connected (session present: " + sessionPresent + ")");
    drain();
  }

  private void onConnectFailed(long gen, Throwable ex, boolean clientNotCreated) {
    if (gen != generation || !running || (client == null && !clientNotCreated)) {
      return;
    }
    MqttAsyncClient c = client;
    client = null;
    if (c != null) {
      discard(c);
    }
    String reason = describe(ex);
    Duration delay;
    if (isRefusal(ex)) {
      delay = backoff.atCap();
      log.warn("mqtt connection refused: {}; retrying in {} ms", reason, delay.toMillis());
      setState(ConnectionState.REFUSED, reason);
    } else {
      delay = backoff.next();
      log.info("mqtt connect failed: {}; retrying in {} ms", reason, delay.toMillis());
      setState(ConnectionState.DISCONNECTED, reason);
    }
    scheduleConnect(delay);
  }

  private void onConnectionLost(long gen, MqttDisconnectResponse response) {
    if (gen != generation || client == null || !running) {
      return;
    }
    MqttAsyncClient c = client;
    client = null;
    boolean wasConnected = state == ConnectionState.CONNECTED;
    discard(c);
    flushAcks();
    inflight.clear();
    inflightCount = 0;
    connectedSince = null;
    if (wasConnected) {
      disconnects.incrementAndGet();
    }
    String reason;
    boolean refused = false;
    if (response == null) {
      reason = "connection lost";
    } else if (response.getException() != null) {
      reason = "connection lost: " + describe(response.getException());
      refused = isRefusal(response.getException());
    } else {
      int rc = response.getReturnCode();
      reason = "broker disconnected us: " + reasonName(rc)
          + (response.getReasonString() == null ? "" : " (" + response.getReasonString() + ")");
      refused = isRefusalCode(rc);
    }
    Duration delay;
    if (refused) {
      delay = backoff.atCap();
      log.warn("mqtt {}; retrying in {} ms", reason, delay.toMillis());
      setState(ConnectionState.REFUSED, reason);
    } else {
      delay = backoff.next();
      log.info("mqtt {}; reconnecting in {} ms", reason, delay.toMillis());
      setState(ConnectionState.DISCONNECTED, reason);
    }
    scheduleConnect(delay);
  }

  private void scheduleConnect(Duration delay) {
    cancelPendingConnect();
    pendingConnect =
        control.schedule(guarded(this::connectNow), delay.toNanos(), TimeUnit.NANOSECONDS);
  }

  private void cancelPendingConnect() {
    if (pendingConnect != null) {
      pendingConnect.cancel(false);
      pendingConnect = null;
    }
  }

  /** Closes the current client (if any) and forgets its in-flight state; control thread only. */
  private void dropClient(String reason) {
    cancelPendingConnect();
    flushAcks();
    MqttAsyncClient c = client;
    client = null;
    generation++;
    inflight.clear();
    inflightCount = 0;
    if (c != null) {
      boolean wasConnected = state == ConnectionState.CONNECTED;
      disconnectGracefully(c);
      if (wasConnected) {
        disconnects.incrementAndGet();
      }
    }
    connectedSince = null;
    setState(ConnectionState.DISCONNECTED, reason);
  }

  private void disconnectGracefully(MqttAsyncClient c) {
    try {
      if (c.isConnected()) {
        c.disconnect(0, null, null, 0, new MqttProperties())
            .waitForCompletion(DISCONNECT_TIMEOUT_MS);
      }
    } catch (MqttException | RuntimeException e) {
      log.debug("mqtt disconnect did not complete: {}", describe(e));
    }
    discard(c);
  }

  /** Releases a client that is no longer current, whatever state it is in. */
  private static void discard(MqttAsyncClient c) {
    try {
      if (!c.isConnected()) {
        c.disconnectForcibly(0, 0, false);
      } else {
        c.disconnectForcibly(0, DISCONNECT_TIMEOUT_MS, true);
      }
    } catch (MqttException | RuntimeException e) {
      log.debug("mqtt forced disconnect: {}", describe(e));
    }
    try {
      c.close(true);
    } catch (MqttException | RuntimeException e) {
      log.debug("mqtt client close: {}", describe(e));
    }
  }

  private void sendSubscribe(MqttAsyncClient c, long gen, List<Subscription> subs) {
    MqttSubscription[] array = new MqttSubscription[subs.size()];
    for (int i = 0; i < array.length; i++) {
      array[i] = new MqttSubscription(subs.get(i).filter(), subs.get(i).qos());
    }
    try {
      c.subscribe(
          array,
          null,
          new MqttActionListener() {
            @Override
            public void onSuccess(IMqttToken token) {
              int[] rcs = token.getReasonCodes();
              for (int i = 0; i < subs.size(); i++) {
                Subscription s = subs.get(i);
                int rc = rcs != null && rcs.length > i ? rcs[i] : 0;
                if (rc >= 0x80) {
                  log.warn("mqtt subscription {} refused: {}", s.filter(), reasonName(rc));
                  s.acked().completeExceptionally(
                      new IllegalStateException(
                          "subscription " + s.filter() + " refused: " + reasonName(rc)));
                } else {
                  log.debug("mqtt subscribed {} (granted qos {})", s.filter(), rc);
                  s.acked().complete(null);
                }
              }
            }

            @Override
            public void onFailure(IMqttToken token, Throwable ex) {
              // Usually the connection dropped; the next connection subscribes again.
              log.info("mqtt subscribe failed: {}", describe(ex));
            }
          },
          new MqttProperties());
    } catch (MqttException | RuntimeException e) {
      log.info("mqtt subscribe could not be sent: {}", describe(e));
    }
  }

  // ---------------------------------------------------------------- outbox drain (control thread)

  private void requestDrain() {
    if (running && drainRequested.compareAndSet(false, true)) {
      submit(
          () -> {
            drainRequested.set(false);
            drain();
          });
    }
  }

  private void flushAcks() {
    if (!ackedRows.isEmpty()) {
      outbox.delivered(ackedRows);
      ackedRows.clear();
    }
  }

  private void drain() {
    flushAcks();
    MqttAsyncClient c = client;
    if (c == null || state != ConnectionState.CONNECTED || !running) {
      return;
    }
    while (inflight.size() < inflightLimit) {
      List<Outbox.Pending> rows = outbox.peekAfter(cursor, inflightLimit - inflight.size());
      if (rows.isEmpty()) {
        return;
      }
      for (Outbox.Pending row : rows) {
        if (!inflight.contains(row.seq())) {
          if (!send(c, row)) {
            return;
          }
        }
        cursor = row.seq();
      }
    }
  }

  /** Sends one row; false to stop draining for now (the row is not skipped). */
  private boolean send(MqttAsyncClient c, Outbox.Pending row) {
    long gen = generation;
    long seq = row.seq();
    MqttMessage m = new MqttMessage(row.payload());
    m.setQos(row.qos());
    try {
      c.publish(
          row.topic(),
          m,
          null,
          new MqttActionListener() {
            @Override
            public void onSuccess(IMqttToken token) {
              int rc = firstReasonCode(token);
              submit(() -> onPubAck(gen, seq, rc));
            }

            @Override
            public void onFailure(IMqttToken token, Throwable ex) {
              submit(() -> onPubFailed(gen, seq, ex));
            }
          });
      inflight.add(seq);
      inflightCount = inflight.size();
      published.incrementAndGet();
      return true;
    } catch (IllegalArgumentException e) {
      // Paho validates the topic before sending: this row can never be sent.
      String reason = "cannot be sent: " + e.getMessage();
      if (outbox.deadLetter(seq, reason)) {
        deadLettered.incrementAndGet();
        log.error(
            "outbox row {} (message {}, topic {}) dead-lettered: {}",
            seq,
            row.messageId(),
            row.topic(),
            reason);
      }
      return true;
    } catch (MqttException e) {
      switch (e.getReasonCode()) {
        case MqttClientException.REASON_CODE_MAX_INFLIGHT:
          // Paho has not yet released a slot whose PUBACK we already saw; try again shortly.
          scheduleDrain(Duration.ofMillis(5));
          return false;
        case MqttClientException.REASON_CODE_CLIENT_NOT_CONNECTED:
        case MqttClientException.REASON_CODE_CLIENT_DISCONNECTING:
        case MqttClientException.REASON_CODE_CLIENT_CLOSED:
        case MqttClientException.REASON_CODE_CONNECTION_LOST:
          return false; // the connection-lost callback follows
        default:
          String reason = "publish refused by client: " + describe(e);
          rejected.incrementAndGet();
          if (outbox.rejected(seq, reason, MAX_DELIVERY_ATTEMPTS)) {
            deadLettered.incrementAndGet();
            log.error(
                "outbox row {} (message {}) dead-lettered: {}", seq, row.messageId(), reason);
            return true;
          }
          log.warn("outbox row {} (message {}) not sent: {}", seq, row.messageId(), reason);
          scheduleDrain(settings.backoffBase());
          return false;
      }
    }
  }

  private void scheduleDrain(Duration delay) {
    control.schedule(guarded(this::drain), delay.toNanos(), TimeUnit.NANOSECONDS);
  }

  private void onPubAck(long gen, long seq, int rc) {
    boolean current = gen == generation;
    if (current) {
      inflight.remove(seq);
      inflightCount = inflight.size();
    }
    if (rc < 0x80) {
      acked.incrementAndGet();
      ackedRows.add(seq);
      requestDrain();
      return;
    }
    rejected.incrementAndGet();
    String reason = "broker answered PUBACK " + reasonName(rc);
    boolean dead = outbox.rejected(seq, reason, MAX_DELIVERY_ATTEMPTS);
    if (dead) {
      deadLettered.incrementAndGet();
      log.error(
          "outbox row {} dead-lettered after {} attempts: {}", seq, MAX_DELIVERY_ATTEMPTS, reason);
      requestDrain();
    } else {
      log.warn("outbox row {} refused: {}; will retry", seq, reason);
      if (current) {
        retryLater(gen, seq);
      }
    }
  }

  private void onPubFailed(long gen, long seq, Throwable ex) {
    if (gen != generation) {
      return; // that connection is gone; the row is sent again on the next one
    }
    inflight.remove(seq);
    inflightCount = inflight.size();
    log.debug("outbox row {} publish failed: {}", seq, describe(ex));
    retryLater(gen, seq);
  }

  /** Sends {@code seq} again after a pause, if the connection it failed on is still current. */
  private void retryLater(long gen, long seq) {
    control.schedule(
        guarded(
            () -> {
              if (gen == generation) {
                cursor = Math.min(cursor, seq - 1);
                drain();
              }
            }),
        settings.backoffBase().toNanos(),
        TimeUnit.NANOSECONDS);
  }

  // ---------------------------------------------------------------- inbound

  private void dispatch(String topic, byte[] payload) {
    for (Subscription s : subscriptions.values()) {
      if (TopicFilter.matches(s.filter(), topic)) {
        try {
          s.handler().onMessage(topic, payload);
        } catch (Exception | Error e) {
          if (e instanceof InterruptedException) {
            Thread.currentThread().interrupt();
          }
          log.warn("handler for {} failed on a message on {}", s.filter(), topic, e);
        }
      }
    }
  }

  private void ackInbound(long gen, int messageId, int qos) {
    MqttAsyncClient c = client;
    if (gen != generation || c == null) {
      return; // the broker re-sends it on the next connection
    }
    try {
      c.messageArrivedComplete(messageId, qos);
    } catch (MqttException | RuntimeException e) {
      log.debug("mqtt ack of inbound message {} failed: {}", messageId, describe(e));
    }
  }

  /** Paho callbacks: hand over and return at once. */
  private final class Callbacks implements MqttCallback {
    private final long gen;

    Callbacks(long gen) {
      this.gen = gen;
    }

    @Override
    public void disconnected(MqttDisconnectResponse response) {
      submit(() -> onConnectionLost(gen, response));
    }

    @Override
    public void mqttErrorOccurred(MqttException exception) {
      log.warn("mqtt protocol error: {}", describe(exception));
    }

    @Override
    public void messageArrived(String topic, MqttMessage message) {
      if (gen != generation) {
        return; // not acknowledged: the broker re-sends it on the current connection
      }
      byte[] payload = message.getPayload();
      int id = message.getId();
      int qos = message.getQos();
      try {
        handlers.execute(
            () -> {
              try {
                dispatch(topic, payload);
              } finally {
                if (qos > 0) {
                  submit(() -> ackInbound(gen, id, qos));
                }
              }
            });
      } catch (RejectedExecutionException e) {
        log.debug("mqtt link stopping; message on {} left unacknowledged", topic);
      }
    }

    @Override
    public void deliveryComplete(IMqttToken token) {
      // handled by the per-publish listeners
    }

    @Override
    public void connectComplete(boolean reconnect, String serverUri) {
      // handled by the connect listener
    }

    @Override
    public void authPacketArrived(int reasonCode, MqttProperties properties) {
      log.warn("mqtt AUTH packet received (reason {}); enhanced auth is not used", reasonCode);
    }
  }

  // ---------------------------------------------------------------- helpers

  private void setState(ConnectionState to, String reason) {
    ConnectionState from = state;
    if (from == to && Objects.equals(reason, stateReason)) {
      return;
    }
    state = to;
    stateReason = reason;
    StateChange change = new StateChange(from, to, reason, Instant.now());
    for (Consumer<StateChange> l : stateListeners) {
      try {
        l.accept(change);
      } catch (RuntimeException e) {
        log.warn("state listener failed", e);
      }
    }
  }

  private void submit(Runnable task) {
    try {
      control.execute(guarded(task));
    } catch (RejectedExecutionException e) {
      log.debug("mqtt link stopped; task dropped");
    }
  }

  private static Runnable guarded(Runnable task) {
    return () -> {
      try {
        task.run();
      } catch (RuntimeException | Error e) {
        log.error("mqtt link task failed", e);
      }
    };
  }

  private static int firstReasonCode(IMqttToken token) {
    int[] rcs = token.getReasonCodes();
    return rcs == null || rcs.length == 0 ? 0 : rcs[0];
  }

  static boolean isRefusalCode(int rc) {
    return rc == RC_NOT_AUTHORIZED || rc == RC_BAD_USER_NAME_OR_PASSWORD || rc == RC_BANNED;
  }

  static boolean isRefusal(Throwable ex) {
    if (ex instanceof MqttException me && isRefusalCode(me.getReasonCode())) {
      return true;
    }
    for (Throwable t = ex; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof SSLHandshakeException) {
        return true;
      }
    }
    return false;
  }

  static String reasonName(int rc) {
    String name =
        switch (rc) {
          case 0x10 -> "no matching subscribers";
          case 0x80 -> "unspecified error";
          case 0x83 -> "implementation specific error";
          case 0x86 -> "bad user name or password";
          case 0x87 -> "not authorized";
          case 0x8A -> "banned";
          case 0x8B -> "server shutting down";
          case 0x8D -> "keep alive timeout";
          case 0x8E -> "session taken over";
          case 0x90 -> "topic name invalid";
          case 0x91 -> "packet identifier in use";
          case 0x95 -> "packet too large";
          case 0x97 -> "quota exceeded";
          case 0x99 -> "payload format invalid";
          default -> "reason code";
        };
    return String.format("0x%02X %s", rc, name);
  }

  /** An exception as one line, with its cause; never payloads or key material. */
  static String describe(Throwable ex) {
    if (ex == null) {
      return "unknown";
    }
    StringBuilder sb = new StringBuilder();
    if (ex instanceof MqttException me) {
      int rc = me.getReasonCode();
      sb.append(rc < 256 ? reasonName(rc) : "client error " + rc);
      if (me.getMessage() != null) {
        sb.append(": ").append(me.getMessage());
      }
    } else {
      sb.append(ex.getClass().getSimpleName());
      if (ex.getMessage() != null) {
        sb.append(": ").append(ex.getMessage());
      }
    }
    Throwable cause = ex.getCause();
    if (cause != null && cause != ex) {
      sb.append(" (caused by ").append(cause.getClass().getSimpleName());
      if (cause.getMessage() != null) {
        sb.append(": ").append(cause.getMessage());
      }
      sb.append(')');
    }
    return sb.toString();
  }

  private static ThreadFactory daemon(String name) {
    return r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    };
  }
}
