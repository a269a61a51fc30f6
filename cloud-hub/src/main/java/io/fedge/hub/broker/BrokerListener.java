package io.fedge.hub.broker;

/**
 * Connection events from the broker. Implementations must return quickly and never block: they
 * may be called on broker worker threads. A client that reconnects (taking over its own session)
 * while its old connection is still open produces no extra events: {@code onConnected} is called
 * when a client id goes from no authenticated connection to one, {@code onDisconnected} when it
 * goes back to none.
 */
public interface BrokerListener {

  void onConnected(String clientId);

  void onDisconnected(String clientId);

  /** A listener that ignores every event. */
  BrokerListener NONE =
      new BrokerListener() {
        @Override
        public void onConnected(String clientId) {}

        @Override
        public void onDisconnected(String clientId) {}
      };
}
