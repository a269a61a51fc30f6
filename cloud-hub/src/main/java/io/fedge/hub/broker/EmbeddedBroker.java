package io.fedge.hub.broker;

import io.fedge.provisioning.Identity;

import com.hivemq.configuration.service.InternalConfigurations;
import com.hivemq.embedded.EmbeddedExtension;
import com.hivemq.embedded.EmbeddedHiveMQ;
import com.hivemq.extension.sdk.api.packets.disconnect.DisconnectReasonCode;
import com.hivemq.extension.sdk.api.services.session.ClientService;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The hub's MQTT 5 broker: HiveMQ CE embedded in the hub's JVM with one mutual-TLS listener and an
 * in-process extension doing certificate authentication ({@link Identity}, {@link
 * DeviceAccess}) and topic authorization ({@link TopicAcl}).
 *
 * <p>HiveMQ keeps some state in static fields (its extension {@code Services} and its default
 * authentication behaviour), so run at most one {@code EmbeddedBroker} per JVM at a time. An
 * instance may be started again after {@link #stop()}; sessions and queued messages persist in
 * {@code dataDir/broker-data}.
 */
public final class EmbeddedBroker implements AutoCloseable {

  static final String CONF_DIR = "broker-conf";
  static final String DATA_DIR = "broker-data";
  static final String EXTENSIONS_DIR = "broker-extensions";

  private static final Logger log = LoggerFactory.getLogger(EmbeddedBroker.class);
  private static final long START_TIMEOUT_SECONDS = 60;
  private static final long STOP_TIMEOUT_SECONDS = 60;
  private static final long DISCONNECT_TIMEOUT_SECONDS = 5;

  private final BrokerSettings settings;
  private final DeviceAccess access;
  private final BrokerListener listener;

  private EmbeddedHiveMQ hivemq;
  private FedgeBrokerExtension extension;
  private volatile int port = -1;
  private String storePassword;

  public EmbeddedBroker(BrokerSettings settings, DeviceAccess access, BrokerListener listener) {
    this.settings = Objects.requireNonNull(settings, "settings");
    this.access = Objects.requireNonNull(access, "access");
    this.listener = Objects.requireNonNull(listener, "listener");
  }

  /**
   * Writes the configuration, starts HiveMQ and returns once the TLS listener accepts
   * connections.
   *
   * @throws BrokerStartException if the configuration cannot be written, the port cannot be bound
   *     or HiveMQ fails to start; the broker is then stopped again
   * @throws IllegalStateException if already started
   */
  public synchronized void start() {
    if (hivemq != null) {
      throw new IllegalStateException("broker already started");
    }
    long begin = System.nanoTime();
    HiveMqLogging.quiet();
    Path confDir = confDir();
    Path dataDir = settings.dataDir().resolve(DATA_DIR);
    Path extensionsDir = settings.dataDir().resolve(EXTENSIONS_DIR);
    int chosenPort;
    try {
      chosenPort = settings.port() != 0 ? settings.port() : freePort(settings.bindAddress());
      Files.createDirectories(extensionsDir);
      storePassword = BrokerConfigWriter.write(settings, chosenPort, confDir, dataDir);
    } catch (IOException | GeneralSecurityException e) {
      throw new BrokerStartException("cannot write broker configuration to " + confDir + ": " + e.getMessage(), e);
    }

    ConnectionTracker tracker = new ConnectionTracker(listener);
    FedgeBrokerExtension ext = new FedgeBrokerExtension(access, tracker);
    EmbeddedHiveMQ server =
        EmbeddedHiveMQ.builder()
            .withConfigurationFolder(confDir)
            .withDataFolder(dataDir)
            .withExtensionsFolder(extensionsDir)
            .withEmbeddedExtension(
                EmbeddedExtension.builder()
                    .withId("fedge-broker")
                    .withName("Fedge broker security")
                    .withVersion("1")
                    .withAuthor("Fedge")
                    .withPriority(1000)
                    .withStartPriority(1000)
                    .withExtensionMain(ext)
                    .build())
            .withoutLoggingBootstrap()
            .build();
    // The embedded builder switches HiveMQ to "allow everyone when no authenticator is
    // registered". Switch it back, so that if our extension ever fails to register, clients are
    // refused rather than let in.
    InternalConfigurations.AUTH_DENY_UNAUTHENTICATED_CONNECTIONS.set(true);

    try {
      server.start().get(START_TIMEOUT_SECONDS, TimeUnit.SECONDS);
      if (!ext.started()) {
        throw new IllegalStateException("the Fedge broker extension did not start");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      closeQuietly(server);
      throw new BrokerStartException("interrupted while starting the broker", e);
    } catch (ExecutionException | TimeoutException | RuntimeException e) {
      closeQuietly(server);
      deleteSecretsQuietly();
      Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
      throw new BrokerStartException(
          "MQTT broker failed to start on " + settings.bindAddress() + ":" + chosenPort + ": " + cause,
          cause);
    }
    this.hivemq = server;
    this.extension = ext;
    this.port = chosenPort;
    log.info(
        "event=broker-started bind={} port={} startupMs={}",
        settings.bindAddress(),
        chosenPort,
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - begin));
  }

  /** Stops HiveMQ (persisting sessions) and removes the generated key stores. Idempotent. */
  public synchronized void stop() {
    EmbeddedHiveMQ server = hivemq;
    if (server == null) {
      return;
    }
    hivemq = null;
    extension = null;
    long begin = System.nanoTime();
    try {
      server.stop().get(STOP_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      log.warn("event=broker-stop-failed", e);
    } finally {
      closeQuietly(server);
      deleteSecretsQuietly();
    }
    log.info(
        "event=broker-stopped port={} stopMs={}",
        port,
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - begin));
  }

  @Override
  public void close() {
    stop();
  }

  /**
   * Puts a new server certificate in service without a restart: the key store is replaced
   * atomically and HiveMQ CE (2025.5: {@code SslContextStore}, a content check every 10 s) builds a
   * new TLS context from it for the connections that follow. Open connections keep their session.
   *
   * @throws IllegalStateException if the broker is not running
   */
  public synchronized void replaceServerCertificate(PrivateKey key, List<X509Certificate> chain)
      throws IOException, GeneralSecurityException {
    if (hivemq == null) {
      throw new IllegalStateException("broker not started");
    }
    BrokerConfigWriter.replaceKeystore(confDir(), key, chain, storePassword);
    log.info(
        "event=broker-keystore-replaced serial={} notAfter={}",
        chain.get(0).getSerialNumber().toString(16),
        chain.get(0).getNotAfter().toInstant());
  }

  /** The TLS listener's port; valid once {@link #start()} has returned. */
  public int port() {
    if (port < 0) {
      throw new IllegalStateException("broker not started");
    }
    return port;
  }

  /** True while started. */
  public synchronized boolean isRunning() {
    return hivemq != null;
  }

  /**
   * Closes the connection of {@code clientId} at once (DISCONNECT reason ADMINISTRATIVE_ACTION),
   * used when a device is revoked. It stays out only if {@link DeviceAccess} now refuses it.
   *
   * @return true if the client was connected and has been disconnected
   */
  public boolean disconnect(String clientId) {
    return disconnect(clientId, "access revoked");
  }

  /**
   * Closes the connection of {@code clientId} at once (DISCONNECT reason ADMINISTRATIVE_ACTION)
   * with {@code reason} as the reason string; a client with automatic reconnect comes back.
   */
  public boolean disconnect(String clientId, String reason) {
    FedgeBrokerExtension ext;
    synchronized (this) {
      ext = extension;
    }
    ClientService clients = ext == null ? null : ext.clientService();
    if (clients == null || clientId == null) {
      return false;
    }
    try {
      boolean done =
          clients
              .disconnectClient(
                  clientId, false, DisconnectReasonCode.ADMINISTRATIVE_ACTION, reason)
              .get(DISCONNECT_TIMEOUT_SECONDS, TimeUnit.SECONDS);
      log.info("event=client-disconnected-by-hub clientId={} wasConnected={}", LogSafe.text(clientId), done);
      return done;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    } catch (ExecutionException | TimeoutException e) {
      log.warn("event=disconnect-failed clientId={}", LogSafe.text(clientId), e);
      return false;
    }
  }

  private Path confDir() {
    return settings.dataDir().resolve(CONF_DIR);
  }

  private void deleteSecretsQuietly() {
    try {
      BrokerConfigWriter.deleteSecrets(confDir());
    } catch (IOException e) {
      log.warn("event=broker-config-cleanup-failed dir={}", confDir(), e);
    }
  }

  private static void closeQuietly(EmbeddedHiveMQ server) {
    try {
      server.close();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | RuntimeException e) {
      log.warn("event=broker-close-failed", e);
    }
  }

  /** A port that was free on {@code bindAddress} a moment ago. */
  static int freePort(String bindAddress) throws IOException {
    try (ServerSocket socket = new ServerSocket()) {
      socket.setReuseAddress(false);
      socket.bind(new InetSocketAddress(InetAddress.getByName(bindAddress), 0));
      return socket.getLocalPort();
    }
  }
}
