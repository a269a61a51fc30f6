package io.fedge.hub.broker;

import com.hivemq.extension.sdk.api.events.client.ClientLifecycleEventListener;
import com.hivemq.extension.sdk.api.events.client.parameters.AuthenticationFailedInput;
import com.hivemq.extension.sdk.api.events.client.parameters.AuthenticationSuccessfulInput;
import com.hivemq.extension.sdk.api.events.client.parameters.ConnectionStartInput;
import com.hivemq.extension.sdk.api.events.client.parameters.DisconnectEventInput;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns HiveMQ's per-connection lifecycle events into per-client-id online/offline events. A
 * client id is online while it has at least one authenticated connection; counting connections
 * keeps a session takeover (new connection authenticated before the old one is closed) from
 * reporting the client offline.
 */
final class ConnectionTracker {

  private static final Logger log = LoggerFactory.getLogger(ConnectionTracker.class);

  private final BrokerListener listener;
  private final Map<String, Integer> connections = new HashMap<>();

  ConnectionTracker(BrokerListener listener) {
    this.listener = listener;
  }

  /** A fresh listener for one connection; HiveMQ asks for one per connection. */
  ClientLifecycleEventListener newConnectionListener() {
    return new PerConnection();
  }

  /** Number of client ids currently online. */
  synchronized int online() {
    return connections.size();
  }

  private synchronized void up(String clientId) {
    int now = connections.merge(clientId, 1, Integer::sum);
    if (now == 1) {
      log.debug("event=client-online clientId={}", clientId);
      notify(true, clientId);
    }
  }

  private synchronized void down(String clientId) {
    Integer before = connections.get(clientId);
    if (before == null) {
      return;
    }
    if (before == 1) {
      connections.remove(clientId);
      log.debug("event=client-offline clientId={}", clientId);
      notify(false, clientId);
    } else {
      connections.put(clientId, before - 1);
    }
  }

  // Called under the lock so that events for one client id reach the listener in order; the
  // listener contract forbids blocking.
  private void notify(boolean connected, String clientId) {
    try {
      if (connected) {
        listener.onConnected(clientId);
      } else {
        listener.onDisconnected(clientId);
      }
    } catch (RuntimeException e) {
      log.warn("event=listener-failed connected={} clientId={}", connected, clientId, e);
    }
  }

  private final class PerConnection implements ClientLifecycleEventListener {
    private final AtomicBoolean authenticated = new AtomicBoolean();

    @Override
    public void onMqttConnectionStart(ConnectionStartInput input) {}

    @Override
    public void onAuthenticationSuccessful(AuthenticationSuccessfulInput input) {
      if (authenticated.compareAndSet(false, true)) {
        up(input.getClientInformation().getClientId());
      }
    }

    @Override
    public void onAuthenticationFailedDisconnect(AuthenticationFailedInput input) {
      // Never counted as connected, so nothing to report.
    }

    @Override
    public void onDisconnect(DisconnectEventInput input) {
      if (authenticated.compareAndSet(true, false)) {
        down(input.getClientInformation().getClientId());
      }
    }
  }
}
