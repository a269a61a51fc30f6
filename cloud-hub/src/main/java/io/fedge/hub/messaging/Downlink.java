package io.fedge.hub.messaging;

/**
 * Sends hub -> device messages (QoS 1, in an envelope signed by nothing but the broker's TLS and
 * ACLs: only the hub may publish on {@code down} topics). A device that is offline gets the message
 * when it reconnects, as long as its persistent session lives.
 */
public interface Downlink {
  /** Sends {@code body} as a {@code kind} message to one device. */
  void send(String deviceId, String kind, Object body);

  /** Sends {@code body} as a {@code kind} message to every device. */
  void broadcast(String kind, Object body);
}
