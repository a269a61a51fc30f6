package io.fedge.federation.vertical;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Delivers messages between party objects in one JVM, one at a time and in send order, so that a
 * run is deterministic. Records every delivery so tests can check what each party received (and so
 * learned). Not thread-safe: drive it from one thread with {@link #runUntilIdle()}.
 */
public final class InMemoryTransport {
  /** One delivered message. */
  public record Delivery(String from, String to, VerticalMessage message) {}

  private final Map<String, VerticalEndpoint> endpoints = new HashMap<>();
  private final Deque<Delivery> queue = new ArrayDeque<>();
  private final List<Delivery> log = new ArrayList<>();
  private boolean recording = true;

  /** The outbox through which {@code partyId} sends. */
  public Outbox outbox(String partyId) {
    return (to, message) -> queue.add(new Delivery(partyId, to, message));
  }

  public void register(VerticalEndpoint endpoint) {
    if (endpoints.putIfAbsent(endpoint.partyId(), endpoint) != null) {
      throw new VerticalException("party " + endpoint.partyId() + " is already registered");
    }
  }

  /** Turns the delivery log off (benchmarks: the log would hold every masked matrix). */
  public void recordDeliveries(boolean on) {
    this.recording = on;
  }

  /** Delivers queued messages (and the ones they cause) until none is left; returns how many. */
  public int runUntilIdle() {
    int delivered = 0;
    Delivery d;
    while ((d = queue.poll()) != null) {
      VerticalEndpoint to = endpoints.get(d.to());
      if (to == null) {
        throw new VerticalException("no party " + d.to() + " for a message from " + d.from());
      }
      if (recording) {
        log.add(d);
      }
      to.receive(d.from(), d.message());
      delivered++;
    }
    return delivered;
  }

  /** Everything delivered to {@code partyId} so far, in order. */
  public List<Delivery> deliveredTo(String partyId) {
    return log.stream().filter(d -> d.to().equals(partyId)).toList();
  }
}
