package io.fedge.hub.mqtt;

import io.fedge.federation.wire.Topics;
import io.fedge.federation.wire.WireCodec;
import io.fedge.hub.fleet.FleetService;
import io.fedge.hub.messaging.Downlink;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import io.fedge.federation.net.TcpNoDelaySocketFactory;
import javax.net.ssl.SSLSocketFactory;
import org.eclipse.paho.mqttv5.client.DisconnectedBufferOptions;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The hub's own MQTT client: one member of the hub replicas' shared subscription to every device's
 * {@code up} subtree. Messages are acknowledged to the broker only after the fleet service has
 * stored them (manual acks), so a hub crash never loses an accepted message; they are processed on
 * a worker thread so Paho's threads never wait on the database. It is also the hub's {@link
 * Downlink}: hub -> device messages go out as QoS 1 on the device's {@code down} topics.
 */
public final class HubMqttClient implements Downlink, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(HubMqttClient.class);

  /** Downlink messages held while reconnecting; beyond it {@link #send} fails and the caller retries. */
  static final int DISCONNECTED_BUFFER = 10_000;

  private final MqttAsyncClient client;
  private final MqttConnectionOptions options;
  private final FleetService fleet;
  private final String hubId;
  private final Clock clock;
  private final ExecutorService worker = Executors.newSingleThreadExecutor(r -> new Thread(r, "hub-mqtt-worker"));
  private volatile boolean connected;
  private volatile Traffic traffic = Traffic.NONE;

  /**
   * Told of every message through this client (for metrics). {@code kind} is the kind named in the
   * topic, as the device sent it (not validated); {@code reason} is the refusal reason the device
   * was sent. Must return quickly and not throw.
   */
  public interface Traffic {
    Traffic NONE = new Traffic() {};

    default void received(String kind) {}

    default void refused(String kind, String reason) {}

    default void sent(String kind) {}
  }

  public HubMqttClient(String serverUri, String clientId, SSLSocketFactory tls, FleetService fleet) throws MqttException {
    this.fleet = fleet;
    this.hubId = clientId;
    this.clock = Clock.systemUTC();
    this.client = new MqttAsyncClient(serverUri, clientId, new MemoryPersistence());
    this.client.setManualAcks(true);
    this.options = new MqttConnectionOptions();
    options.setSocketFactory(TcpNoDelaySocketFactory.wrap(tls));
    options.setCleanStart(false);
    options.setSessionExpiryInterval(3600L);
    options.setKeepAliveInterval(30);
    options.setAutomaticReconnect(true);
    options.setAutomaticReconnectDelay(1, 10);
    options.setReceiveMaximum(1000);
    client.setCallback(new Callback());
    // While Paho reconnects on its own (after a broker restart, or after the hub renews this
    // client's certificate and has the broker close the old connection), QoS 1 downlink messages
    // wait in memory and go out after the reconnect instead of failing.
    DisconnectedBufferOptions buffer = new DisconnectedBufferOptions();
    buffer.setBufferEnabled(true);
    buffer.setBufferSize(DISCONNECTED_BUFFER);
    buffer.setPersistBuffer(false);
    buffer.setDeleteOldestMessages(false);
    client.setBufferOpts(buffer);
  }

  /** Connects and subscribes; returns once subscribed or throws. */
  public void start() throws MqttException {
    client.connect(options).waitForCompletion(15_000);
  }

  /** Where message counts go (the hub's metrics). */
  public void traffic(Traffic t) {
    this.traffic = t == null ? Traffic.NONE : t;
  }

  public boolean isConnected() {
    return connected && client.isConnected();
  }

  /**
   * {@inheritDoc}
   *
   * @throws IllegalStateException when the hub is not connected to its broker; the caller retries
   */
  @Override
  public void send(String deviceId, String kind, Object body) {
    publish(Topics.down(deviceId, kind), kind, body);
  }

  @Override
  public void broadcast(String kind, Object body) {
    publish(Topics.broadcast(kind), kind, body);
  }

  private void publish(String topic, String kind, Object body) {
    byte[] payload = WireCodec.encode(WireCodec.envelope(kind, hubId, clock.instant(), body));
    try {
      client.publish(topic, payload, 1, false);
      traffic.sent(kind);
    } catch (MqttException e) {
      throw new IllegalStateException("cannot send " + kind + " on " + topic + ": " + e.getMessage(), e);
    }
  }

  private void subscribe() {
    try {
      client.subscribe(Topics.HUB_SHARED_UP, 1).waitForCompletion(10_000);
      connected = true;
      LOG.info("hub subscribed to {}", Topics.HUB_SHARED_UP);
    } catch (MqttException e) {
      LOG.error("hub could not subscribe to device messages", e);
    }
  }

  private void handle(String topic, MqttMessage message) {
    Optional<Topics.Up> up = Topics.parseUp(topic);
    String kind = up.map(Topics.Up::kind).orElse(null);
    // The device id in every log line of this message (JSON logs carry the MDC; docs/observability.md).
    MDC.put("deviceId", up.map(Topics.Up::deviceId).orElse(null));
    MDC.put("kind", kind);
    try {
      traffic.received(kind);
      Optional<FleetService.Reply> reply = fleet.onUpMessage(topic, message.getPayload());
      if (reply.isPresent()) {
        client.publish(reply.get().topic(), reply.get().payload(), 1, false);
        traffic.refused(kind, refusalReason(reply.get()));
      }
      client.messageArrivedComplete(message.getId(), message.getQos());
    } catch (RuntimeException | MqttException e) {
      // Not acknowledged: the broker redelivers after the next reconnect, and processing is idempotent.
      LOG.error("could not process message on {}; it will be redelivered", topic, e);
    } finally {
      MDC.remove("deviceId");
      MDC.remove("kind");
    }
  }

  private static String refusalReason(FleetService.Reply reply) {
    try {
      return WireCodec.decode(reply.payload()).body().path("reason").asText("UNKNOWN");
    } catch (RuntimeException e) {
      return "UNKNOWN";
    }
  }

  @Override
  public void close() {
    connected = false;
    worker.shutdown();
    try {
      worker.awaitTermination(5, TimeUnit.SECONDS);
      if (client.isConnected()) {
        client.disconnect().waitForCompletion(3_000);
      }
      client.close();
    } catch (MqttException | InterruptedException e) {
      LOG.debug("while closing the hub MQTT client", e);
    }
  }

  private final class Callback implements MqttCallback {
    @Override
    public void disconnected(MqttDisconnectResponse r) {
      connected = false;
      LOG.warn("hub MQTT client disconnected: {}", r.getReasonString());
    }

    @Override
    public void mqttErrorOccurred(MqttException e) {
      LOG.warn("hub MQTT client error: {}", e.getMessage());
    }

    @Override
    public void messageArrived(String topic, MqttMessage message) {
      worker.execute(() -> handle(topic, message));
    }

    @Override
    public void deliveryComplete(IMqttToken token) {}

    @Override
    public void connectComplete(boolean reconnect, String serverUri) {
      // Subscribing from Paho's callback thread would deadlock on waitForCompletion; hand it off.
      worker.execute(HubMqttClient.this::subscribe);
    }

    @Override
    public void authPacketArrived(int reasonCode, MqttProperties properties) {}
  }
}
