package io.fedge.federation.rounds;

/** How a participant sends to the hub: the agent's durable uplink, or an in-memory transport. */
public interface ParticipantLink {
  /** Sends {@code body} (a wire record) as message kind {@code kind}; delivered at least once. */
  void send(String kind, Object body);
}
