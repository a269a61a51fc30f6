package io.fedge.agent.messaging;

/**
 * Sends device -> hub messages through the agent's SQLite outbox: once {@link #send} returns the
 * message is on disk and will be delivered at least once, across restarts and outages.
 */
public interface Uplink {
  /**
   * This device's id.
   *
   * @throws IllegalStateException when the agent has not enrolled yet
   */
  String deviceId();

  /**
   * Queues {@code body} as a {@code kind} message to the hub.
   *
   * @return the message id (the hub applies each id once)
   * @throws IllegalStateException when the agent has not enrolled yet
   */
  String send(String kind, Object body);
}
