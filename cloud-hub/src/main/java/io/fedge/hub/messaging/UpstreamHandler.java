package io.fedge.hub.messaging;

import io.fedge.federation.wire.Envelope;
import io.fedge.federation.wire.WireException;

/**
 * What the hub does with one kind of device -> hub message. Called on the hub's MQTT worker thread
 * after the envelope was decoded and its sender checked against the topic; the message is
 * acknowledged to the broker only after this returns, so the effect must be stored by then.
 * Delivery is at least once: handlers must be idempotent by {@link Envelope#id()}.
 */
@FunctionalInterface
public interface UpstreamHandler {
  /**
   * @param deviceId the authenticated sender (the topic's device id, equal to the envelope's sender)
   * @throws WireException to refuse the message: the device gets an error reply naming the reason
   */
  void handle(String deviceId, Envelope message) throws WireException;
}
