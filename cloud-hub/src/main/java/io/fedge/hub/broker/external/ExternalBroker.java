package io.fedge.hub.broker.external;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The hub's side of an external Mosquitto broker: keeps the revocation list the broker checks at
 * connect fresh, makes the broker reread it, and disconnects a revoked device at once.
 */
public final class ExternalBroker {
  private static final Logger LOG = LoggerFactory.getLogger(ExternalBroker.class);
  private static final long RELOAD_TIMEOUT_SECONDS = 30;

  private final ExternalBrokerSettings settings;
  private final RevocationList crl;
  private final MosquittoAdmin admin;

  /** @param admin null when {@code broker.external.kick.revoked=false} */
  public ExternalBroker(ExternalBrokerSettings settings, RevocationList crl, MosquittoAdmin admin) {
    this.settings = settings;
    this.crl = crl;
    this.admin = admin;
  }

  /**
   * Writes the list now (failing the start if it cannot) and rewrites it every third of its
   * validity on {@code scheduler}.
   */
  public void start(ScheduledExecutorService scheduler) throws IOException {
    refreshRevocationList();
    long every = Math.max(60_000, settings.crlValidity().toMillis() / 3);
    scheduler.scheduleWithFixedDelay(
        () -> {
          try {
            refreshRevocationList();
          } catch (IOException | RuntimeException e) {
            LOG.error("event=crl-refresh-failed file={} (the broker refuses every device once the list expires)",
                crl.file(), e);
          }
        },
        every, every, TimeUnit.MILLISECONDS);
  }

  /** Writes a fresh list and runs the reload command, if any. */
  public synchronized void refreshRevocationList() throws IOException {
    int n = crl.write();
    LOG.info("event=crl-written file={} revoked={} validity={}", crl.file(), n, settings.crlValidity());
    reloadBroker();
  }

  /**
   * After a revocation: refreshes the list (so the broker refuses the device's next connect) and
   * then closes its current connection. Returns true if the broker confirmed the kick.
   */
  public boolean disconnect(String deviceId) {
    try {
      refreshRevocationList();
    } catch (IOException | RuntimeException e) {
      LOG.error("event=crl-refresh-failed file={} deviceId={}", crl.file(), deviceId, e);
    }
    if (admin == null) {
      return false;
    }
    try {
      admin.kick(deviceId);
      LOG.info("event=client-disconnected-by-hub clientId={} via=dynamic-security", deviceId);
      return true;
    } catch (Exception e) {
      LOG.error("event=disconnect-failed clientId={} via=dynamic-security: {}", deviceId, e.toString());
      return false;
    }
  }

  private void reloadBroker() throws IOException {
    List<String> command = settings.reloadCommand();
    if (command.isEmpty()) {
      return;
    }
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    try {
      if (!p.waitFor(RELOAD_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IOException("broker reload command " + command + " did not finish in " + RELOAD_TIMEOUT_SECONDS + " s");
      }
      String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).strip();
      if (p.exitValue() != 0) {
        throw new IOException("broker reload command " + command + " exited with " + p.exitValue() + ": " + out);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while reloading the broker", e);
    }
  }
}
