package io.fedge.hub.tls;

import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import java.util.Enumeration;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSessionContext;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * A client key manager that presents whatever credential it holds at the moment of each
 * handshake, so a TLS client (the hub's MQTT client) takes a renewed certificate on its next
 * connection without being rebuilt. Holds exactly one credential; never a server key manager.
 */
public final class ReloadingKeyManager extends X509ExtendedKeyManager {
  /** The credential in service and the one before it, so a handshake that chose an alias just
   * before a swap still gets a matching key and chain (the alias is the serial). */
  private record Pair(HubCredential current, HubCredential previous) {
    HubCredential byAlias(String alias) {
      if (alias == null) {
        return null;
      }
      if (alias.equals(current.serial())) {
        return current;
      }
      return previous != null && alias.equals(previous.serial()) ? previous : null;
    }
  }

  private final AtomicReference<Pair> current;
  private volatile String lastPresentedSerial;

  public ReloadingKeyManager(HubCredential initial) {
    this.current = new AtomicReference<>(new Pair(Objects.requireNonNull(initial, "initial"), null));
  }

  /** Replaces the credential; the next handshake presents it. */
  public void set(HubCredential fresh) {
    Objects.requireNonNull(fresh, "fresh");
    current.updateAndGet(p -> new Pair(fresh, p.current()));
  }

  public HubCredential current() {
    return current.get().current();
  }

  /**
   * Drops the client TLS sessions cached by {@code context}, so the next connection makes a full
   * handshake (and presents the current certificate) instead of resuming a session made with the
   * old one.
   */
  public static void forgetSessions(SSLContext context) {
    SSLSessionContext sessions = context.getClientSessionContext();
    for (Enumeration<byte[]> ids = sessions.getIds(); ids.hasMoreElements(); ) {
      SSLSession s = sessions.getSession(ids.nextElement());
      if (s != null) {
        s.invalidate();
      }
    }
  }

  /** Serial (hex) of the certificate sent in the latest handshake; null before the first one. */
  public String lastPresentedSerial() {
    return lastPresentedSerial;
  }

  @Override
  public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
    return current.get().current().serial();
  }

  @Override
  public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
    return current.get().current().serial();
  }

  @Override
  public String[] getClientAliases(String keyType, Principal[] issuers) {
    return new String[] {current.get().current().serial()};
  }

  @Override
  public X509Certificate[] getCertificateChain(String alias) {
    HubCredential c = current.get().byAlias(alias);
    if (c == null) {
      return null;
    }
    lastPresentedSerial = c.serial();
    return c.chain().toArray(X509Certificate[]::new);
  }

  @Override
  public PrivateKey getPrivateKey(String alias) {
    HubCredential c = current.get().byAlias(alias);
    return c == null ? null : c.key();
  }

  @Override
  public String[] getServerAliases(String keyType, Principal[] issuers) {
    return null;
  }

  @Override
  public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
    return null;
  }
}
