package io.fedge.agent.messaging;

import io.fedge.federation.wire.Kinds;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** The agent's table of message kind -> handler. */
public final class DownstreamHandlers {
  private final Map<String, DownstreamHandler> byKind = new ConcurrentHashMap<>();

  /** Registers the handler of {@code kind}; each kind has exactly one. */
  public void register(String kind, DownstreamHandler handler) {
    if (!Kinds.isValid(kind)) {
      throw new IllegalArgumentException("not a valid message kind: " + kind);
    }
    if (byKind.putIfAbsent(kind, handler) != null) {
      throw new IllegalStateException("a handler for '" + kind + "' is already registered");
    }
  }

  public Optional<DownstreamHandler> find(String kind) {
    return Optional.ofNullable(byKind.get(kind));
  }
}
