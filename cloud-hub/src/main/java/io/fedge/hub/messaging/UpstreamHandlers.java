package io.fedge.hub.messaging;

import io.fedge.federation.wire.Kinds;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** The hub's table of message kind -> handler, filled while the hub assembles its services. */
public final class UpstreamHandlers {
  private final Map<String, UpstreamHandler> byKind = new ConcurrentHashMap<>();

  /** Registers the handler of {@code kind}; each kind has exactly one. */
  public void register(String kind, UpstreamHandler handler) {
    if (!Kinds.isValid(kind)) {
      throw new IllegalArgumentException("not a valid message kind: " + kind);
    }
    if (byKind.putIfAbsent(kind, handler) != null) {
      throw new IllegalStateException("a handler for '" + kind + "' is already registered");
    }
  }

  public Optional<UpstreamHandler> find(String kind) {
    return Optional.ofNullable(byKind.get(kind));
  }
}
