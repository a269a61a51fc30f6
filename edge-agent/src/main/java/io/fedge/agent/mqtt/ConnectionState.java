package io.fedge.agent.mqtt;

/** Where the {@link MqttLink} stands with the broker. */
public enum ConnectionState {
  /** Not connected; a reconnect is scheduled (unless the link is stopped). */
  DISCONNECTED,
  /** A connection attempt is under way. */
  CONNECTING,
  /** Connected; the outbox drains and subscriptions deliver. */
  CONNECTED,
  /**
   * The broker refused us (not authorized, bad credentials, banned, or TLS handshake failure, e.g. a
   * revoked certificate). Retried at the backoff cap, never in a tight loop.
   */
  REFUSED
}
