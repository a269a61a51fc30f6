package io.fedge.agent.mqtt;

import java.time.Duration;
import java.util.Objects;
import java.util.function.Supplier;
import javax.net.SocketFactory;

/**
 * How the {@link MqttLink} connects.
 *
 * @param serverUri {@code ssl://host:port} or {@code tcp://host:port}
 * @param clientId the MQTT client id (the device id); the broker keeps the session under it
 * @param socketFactory called at every connect, so a renewed certificate takes effect on the next
 *     connection; null (or returning null) for the JDK default. Wrapped to set TCP_NODELAY.
 * @param keepAliveSeconds MQTT keep-alive
 * @param sessionExpirySeconds how long the broker keeps our session (subscriptions and queued QoS 1
 *     messages) while we are offline
 * @param willTopic optional last-will topic (null for none)
 * @param willPayload the last-will payload (required with a will topic)
 * @param backoffBase first reconnect delay ceiling
 * @param backoffCap largest reconnect delay; also the retry delay after a refusal
 * @param maxInflight most outbox rows sent and not yet acknowledged (further limited by the
 *     broker's Receive Maximum)
 */
public record MqttLinkSettings(
    String serverUri,
    String clientId,
    Supplier<SocketFactory> socketFactory,
    int keepAliveSeconds,
    long sessionExpirySeconds,
    String willTopic,
    byte[] willPayload,
    Duration backoffBase,
    Duration backoffCap,
    int maxInflight) {

  public MqttLinkSettings {
    Objects.requireNonNull(serverUri, "serverUri");
    Objects.requireNonNull(clientId, "clientId");
    Objects.requireNonNull(backoffBase, "backoffBase");
    Objects.requireNonNull(backoffCap, "backoffCap");
    if (!serverUri.startsWith("tcp://") && !serverUri.startsWith("ssl://")) {
      throw new IllegalArgumentException("serverUri must be tcp://host:port or ssl://host:port");
    }
    if (clientId.isBlank()) {
      throw new IllegalArgumentException("clientId must not be blank");
    }
    if (keepAliveSeconds < 1 || keepAliveSeconds > 65535) {
      throw new IllegalArgumentException("keepAliveSeconds out of range: " + keepAliveSeconds);
    }
    if (sessionExpirySeconds < 0 || sessionExpirySeconds > 0xFFFF_FFFFL) {
      throw new IllegalArgumentException("sessionExpirySeconds out of range: " + sessionExpirySeconds);
    }
    if (willTopic != null && willPayload == null) {
      throw new IllegalArgumentException("willPayload is required with a willTopic");
    }
    if (maxInflight < 1 || maxInflight > 65535) {
      throw new IllegalArgumentException("maxInflight out of range: " + maxInflight);
    }
    new Backoff(backoffBase, backoffCap, java.util.random.RandomGenerator.getDefault()); // validates
  }

  /**
   * Reasonable defaults for an appliance: keep-alive 30 s, session kept one week, backoff 1 s to 2
   * min, 32 in flight, no will, JDK default socket factory.
   */
  public static MqttLinkSettings defaults(String serverUri, String clientId) {
    return new MqttLinkSettings(
        serverUri,
        clientId,
        null,
        30,
        7 * 24 * 3600L,
        null,
        null,
        Duration.ofSeconds(1),
        Duration.ofMinutes(2),
        32);
  }

  public MqttLinkSettings withSocketFactory(Supplier<SocketFactory> factory) {
    return new MqttLinkSettings(
        serverUri, clientId, factory, keepAliveSeconds, sessionExpirySeconds, willTopic,
        willPayload, backoffBase, backoffCap, maxInflight);
  }

  public MqttLinkSettings withKeepAlive(int seconds) {
    return new MqttLinkSettings(
        serverUri, clientId, socketFactory, seconds, sessionExpirySeconds, willTopic, willPayload,
        backoffBase, backoffCap, maxInflight);
  }

  public MqttLinkSettings withBackoff(Duration base, Duration cap) {
    return new MqttLinkSettings(
        serverUri, clientId, socketFactory, keepAliveSeconds, sessionExpirySeconds, willTopic,
        willPayload, base, cap, maxInflight);
  }

  public MqttLinkSettings withWill(String topic, byte[] payload) {
    return new MqttLinkSettings(
        serverUri, clientId, socketFactory, keepAliveSeconds, sessionExpirySeconds, topic, payload,
        backoffBase, backoffCap, maxInflight);
  }

  public MqttLinkSettings withMaxInflight(int max) {
    return new MqttLinkSettings(
        serverUri, clientId, socketFactory, keepAliveSeconds, sessionExpirySeconds, willTopic,
        willPayload, backoffBase, backoffCap, max);
  }

  @Override
  public String toString() {
    return "MqttLinkSettings[serverUri=" + serverUri + ", clientId=" + clientId
        + ", keepAliveSeconds=" + keepAliveSeconds + ", sessionExpirySeconds="
        + sessionExpirySeconds + ", willTopic=" + willTopic + ", backoffBase=" + backoffBase
        + ", backoffCap=" + backoffCap + ", maxInflight=" + maxInflight + "]";
  }
}
