package io.fedge.hub.rounds;

/**
 * How the coordinator reaches devices: the hub's MQTT downlink in the product, an in-memory
 * transport in tests. Delivery is at least once; receivers are idempotent.
 */
@FunctionalInterface
public interface RoundTransport {
  void send(String deviceId, String kind, Object body);
}
