package io.fedge.hub;

import io.fedge.provisioning.Identity;

import io.fedge.federation.config.Launcher;
import io.fedge.hub.api.HttpApi;
import io.fedge.hub.api.OpsAuth;
import io.fedge.hub.fleet.FleetStore;
import io.fedge.hub.ota.OtaFeature;
import io.fedge.federation.wire.Kinds;
import io.fedge.hub.broker.BrokerListener;
import io.fedge.hub.broker.BrokerSettings;
import io.fedge.hub.broker.DeviceAccess;
import io.fedge.hub.broker.EmbeddedBroker;
import io.fedge.hub.config.HubConfig;
import io.fedge.hub.db.Database;
import io.fedge.hub.db.JdbcHubStore;
import io.fedge.hub.db.Migrations;
import io.fedge.hub.fleet.DeviceAdmin;
import io.fedge.hub.fleet.FleetService;
import io.fedge.hub.ledger.Ledger;
import io.fedge.hub.ledger.LedgerModule;
import io.fedge.hub.messaging.Downlink;
import io.fedge.hub.messaging.UpstreamHandlers;
import io.fedge.hub.mqtt.HubMqttClient;
import io.fedge.hub.rounds.RoundsService;
// observability (docs/observability.md)
import io.fedge.federation.metrics.PrometheusMetrics;
import io.fedge.hub.metrics.HttpMetrics;
import io.fedge.hub.metrics.HubMetrics;
import io.fedge.hub.metrics.MetricsRoutes;
import io.fedge.federation.metrics.Readiness;
import io.fedge.hub.rounds.RoundListener;
import io.fedge.hub.tls.CertRenewal;
import io.fedge.hub.tls.HubCertificates;
import io.fedge.hub.tls.HubCredential;
import io.fedge.hub.tls.ReloadingKeyManager;
import io.fedge.federation.wire.WireCodec;
import io.fedge.provisioning.CertificateAuthority;
import io.fedge.provisioning.EnrollmentService;
import io.fedge.provisioning.EnrollmentSettings;
import io.fedge.provisioning.Pem;
import io.fedge.provisioning.RateLimiter;
import io.fedge.provisioning.TlsContexts;
import io.fedge.provisioning.store.DeviceRecord;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.core.net.SSLOptions;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The hub, assembled in one readable place:
 *
 * <ol>
 *   <li>data directory, database (SQLite file by default, PostgreSQL for scale-out), migrations
 *   <li>certificate authority (root + device-issuing intermediate, made on first start)
 *   <li>TLS identities of this replica: HTTPS server certificate, broker server certificate and MQTT
 *       service certificate, issued fresh at each start, kept in memory (the broker's in its key
 *       store file) and renewed at two thirds of their lifetimes by {@link CertRenewal}
 *   <li>embedded MQTT 5 broker: TLS with required client certificates, identity and topic ACLs
 *   <li>the hub's own MQTT client on the shared subscription, feeding the fleet service
 *   <li>HTTPS: enrollment, ops REST API, health
 * </ol>
 */
public final class Hub implements Launcher.Program {
  private static final Logger LOG = LoggerFactory.getLogger(Hub.class);

  private final HubConfig config;
  private final Clock clock = Clock.systemUTC();
  private final ScheduledExecutorService scheduler =
      Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "hub-scheduler"));
  private Database db;
  private RoundsService rounds;
  private EmbeddedBroker broker;
  private io.fedge.hub.broker.external.ExternalBroker external;
  private HubMqttClient mqtt;
  private final UpstreamHandlers upstream = new UpstreamHandlers();
  private LedgerModule ledger;
  private Vertx vertx;
  private HttpServer http;
  private volatile boolean ready;
  private volatile CertRenewal renewal;
  private volatile ReloadingKeyManager serviceKeys;
  static final String CERT_HTTPS = "https";
  static final String CERT_BROKER = "broker";
  static final String CERT_MQTT_CLIENT = "mqtt-client";
  private static final java.util.Set<String> HTTPS_PROTOCOLS = java.util.Set.of("TLSv1.3", "TLSv1.2");
  private OtaFeature ota;
  private PrometheusMetrics metrics;
  private Ledger ledgerApi;
  private io.fedge.hub.vertical.VerticalJobs vertical;

  public Hub(HubConfig config) {
    this.config = config;
  }

  /** OTA releases and campaigns; set its listener to receive ledger records. Null before {@link #start}. */
  public OtaFeature ota() {
    return ota;
  }

  /** Where features register the device -> hub message kinds they handle (during {@link #start}). */
  public UpstreamHandlers upstream() {
    return upstream;
  }

  /** The federated-rounds feature (jobs, coordinator, model registry); set during {@link #start}. */
  public RoundsService rounds() {
    return rounds;
  }

  /** Hub -> device messages; usable once {@link #start} has connected the hub's MQTT client. */
  public Downlink downlink() {
    HubMqttClient m = mqtt;
    if (m == null) {
      throw new IllegalStateException("the hub's MQTT client is not started yet");
    }
    return m;
  }

  /** The Merkle ledger, for features that log (rounds, consent, OTA); usable once {@link #start} returned. */
  public Ledger ledger() {
    if (ledgerApi == null) {
      throw new IllegalStateException("the hub is not started yet");
    }
    return ledgerApi;
  }

  public void start() throws Exception {
    long t0 = System.nanoTime();
    if (LoggerFactory.getILoggerFactory() instanceof ch.qos.logback.classic.LoggerContext logs) {
      logs.putProperty("replicaId", config.replicaId()); // in every JSON log line's context
    }
    Path data = config.dataDir();
    Pem.createPrivateDirectories(data);

    db = Database.open(config.dbUrl());
    Migrations.migrateToLatest(db);
    JdbcHubStore store = new JdbcHubStore(db);

    CertificateAuthority ca = CertificateAuthority.loadOrCreate(data.resolve("ca"), clock);
    String opsToken = opsToken(data);

    EnrollmentService enrollment =
        new EnrollmentService(
            ca,
            store,
            new RateLimiter(
                new RateLimiter.Settings(
                    config.enrollRatePerSource(),
                    config.enrollBurst(),
                    config.enrollRateGlobal(),
                    Math.max(config.enrollBurst(), (int) Math.ceil(config.enrollRateGlobal())),
                    100_000,
                    Duration.ofMinutes(10))),
            clock,
            new EnrollmentSettings(config.deviceCertLifetime(), Duration.ofDays(365)));
    FleetService fleet = new FleetService(store, clock, config.replicaId(), upstream);
    ledger = LedgerModule.create(data, db, config.ledger(), upstream, clock);
    ota = new OtaFeature(db, data.resolve("ota"), config.ota(), clock,
        () -> store.listDevices(FleetStore.DeviceFilter.all()), (device, offer) -> downlink().send(device, Kinds.OTA_OFFER, offer));
    upstream.register(Kinds.OTA_REPORT, ota::onReport);
    rounds = new RoundsService(db, store, ca.root(), this::downlink, clock);
    rounds.registerHandlers(upstream);
    // Metrics: one binder fed by listeners and hooks at the edges (docs/observability.md).
    metrics = PrometheusMetrics.create("hub");
    LedgerModule ledgerModule = ledger;
    HubMetrics hubMetrics = new HubMetrics(metrics.registry(), new HubMetrics.Sources(
        () -> store.listDevices(FleetStore.DeviceFilter.all()), ota::activeDeviceStates, () -> ledgerModule.ledger().size()),
        Duration.ofSeconds(5));
    ledgerApi = hubMetrics.timed(ledger.api());
    LedgerBridge toLedger = new LedgerBridge(ledgerApi);
    rounds.setListener(RoundListener.both(toLedger, hubMetrics.rounds()));
    // vertical jobs (PSI, vertical LR, online scoring): relay of the 'vertical' kind, hub as arbiter
    vertical = new io.fedge.hub.vertical.VerticalJobs(rounds.store(), (d, kind, body) -> downlink().send(d, kind, body),
        clock, new SecureRandom());
    vertical.setListener(toLedger);
    vertical.persistTo(new io.fedge.hub.vertical.VerticalStore(db));
    upstream.register(Kinds.VERTICAL, (d, e) -> vertical.onPacket(d,
        WireCodec.body(e, io.fedge.federation.vertical.relay.VerticalPacket.class)));
    rounds.routeConsent(new RoundsService.OtherJobs() {
      @Override
      public boolean owns(String jobId) {
        return vertical.owns(jobId);
      }

      @Override
      public void onConsent(String deviceId, io.fedge.federation.wire.ConsentDecision d) {
        vertical.onConsent(deviceId, d);
      }
    });
    ota.listener(toLedger);

    // This replica's own certificates, renewed at two thirds of their lifetimes while it runs.
    renewal = new CertRenewal(clock, config.replicaId(), store::audit);
    CertRenewal.Issuer brokerIssuer =
        () -> HubCertificates.server(ca, dnsNames(), ipAddresses(), config.tls().brokerLifetime(), clock);
    HubCredential brokerCred = brokerIssuer.issue();

    // MQTT broker with this replica's server certificate; devices must present ours-issued certificates.
    // broker.mode=external: no embedded broker; the hub is a client of the operator's Mosquitto.
    String brokerUri;
    DeviceAdmin.Disconnector disconnector;
    if (config.externalBroker() != null) {
      external = startExternalBroker(ca, store);
      brokerUri = config.externalBroker().serverUri();
      disconnector = external::disconnect;
    } else {
      DeviceAccess access = (identity, cert) -> mayConnect(store, identity);
      BrokerListener listener =
          new BrokerListener() {
            @Override
            public void onConnected(String clientId) {
              onScheduler(() -> fleet.onConnected(clientId));
            }

            @Override
            public void onDisconnected(String clientId) {
              onScheduler(() -> fleet.onDisconnected(clientId));
            }
          };
      broker =
          new EmbeddedBroker(
              new BrokerSettings(
                  data.resolve("broker"),
                  config.mqttBind(),
                  config.mqttPort(),
                  brokerCred.key(),
                  brokerCred.chain(),
                  ca.root(),
                  256 * 1024),
              access,
              listener);
      broker.start();
      renewal.register(CERT_BROKER, brokerCred, brokerIssuer, c -> broker.replaceServerCertificate(c.key(), c.chain()));
      brokerUri = "ssl://" + loopbackOr(config.mqttBind()) + ":" + broker.port();
      disconnector = broker::disconnect;
    }

    CertRenewal.Issuer serviceIssuer =
        () -> HubCertificates.service(ca, config.replicaId(), config.tls().serviceLifetime(), clock);
    HubCredential serviceCred = serviceIssuer.issue();
    serviceKeys = new ReloadingKeyManager(serviceCred);
    javax.net.ssl.SSLContext serviceTls = TlsContexts.mutual(serviceKeys, ca.root());
    mqtt =
        new HubMqttClient(
            brokerUri,
            config.replicaId(),
            serviceTls.getSocketFactory(),
            fleet);
    mqtt.traffic(hubMetrics);
    mqtt.start();
    renewal.register(CERT_MQTT_CLIENT, serviceCred, serviceIssuer, c -> reconnectWith(c, serviceTls));
    ledger.start(downlink());

    DeviceAdmin admin = new DeviceAdmin(enrollment, store, disconnector);
    // Port 0 means "any free port": resolve it now, because it is written into claim bundles.
    int httpPort = config.httpPort() == 0 ? freePort(config.httpBind()) : config.httpPort();
    int mqttAdvertisedPort = config.mqttAdvertisedPort() == 0 ? brokerPort() : config.mqttAdvertisedPort();
    String hubUrl = "https://" + hostForUrl(config.publicHosts().get(0)) + ":" + httpPort;
    vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2).setWorkerPoolSize(8));
    HttpApi api =
        new HttpApi(
            vertx,
            enrollment,
            store,
            store,
            admin,
            new OpsAuth(opsToken),
            new HttpApi.HubInfo(
                hubUrl, ca.rootFingerprint(), config.mqttAdvertisedHost(), mqttAdvertisedPort, config.claimTokenDefaultTtl()),
            new Readiness()
                .check("started", () -> ready)
                .check("database", () -> db.inTransaction(c -> c.isValid(2)))
                // with an external broker (broker == null) the MQTT client's connection is the check
                .check("broker", () -> broker == null || broker.isRunning())
                .check("mqtt-client", mqtt::isConnected));
    api.mount(ledger.routes(id -> store.findDevice(id).map(d -> !d.revoked()).orElse(false)));
    api.mount(ota.routes(vertx, new OpsAuth(opsToken), id -> mayConnect(store, new Identity(id, Identity.Role.DEVICE))));
    api.mount(rounds.routes());
    // ops console: users and sessions in the hub DB, pages under /console/ (docs/console.md)
    io.fedge.hub.console.ConsoleStore consoleStore = new io.fedge.hub.console.ConsoleStore(db);
    io.fedge.hub.console.ConsoleAuth console = new io.fedge.hub.console.ConsoleAuth(
        consoleStore, store::audit, config.console().auth(), clock, new SecureRandom());
    console.ensureFirstAdmin(data, config.console().adminUser(), config.console().adminPassword());
    api.sessions(console);
    api.mount(new io.fedge.hub.console.ConsoleRoutes(console, consoleStore, store));
    scheduler.scheduleWithFixedDelay(() -> safely(() -> {
      console.prune();
      consoleStore.pruneHeartbeats(clock.instant().minus(config.console().heartbeatRetention()));
    }), 1, 10, TimeUnit.MINUTES);
    api.mount(new MetricsRoutes(metrics, hubMetrics, new OpsAuth(opsToken), config.metricsToken()));
    CertRenewal.Issuer httpsIssuer =
        () -> HubCertificates.server(ca, dnsNames(), ipAddresses(), config.tls().httpsLifetime(), clock);
    HubCredential httpCred = httpsIssuer.issue();
    api.mount(new io.fedge.hub.vertical.VerticalRoutes(vertical));
    HttpServerOptions opts =
        new HttpServerOptions()
            .setSsl(true)
            .setKeyCertOptions(pemKeyCert(httpCred))
            .setTrustOptions(new PemTrustOptions().addCertValue(Buffer.buffer(Pem.certificate(ca.root()))))
            .setClientAuth(ClientAuth.REQUEST)
            .setEnabledSecureTransportProtocols(HTTPS_PROTOCOLS);
    api.readyDetails(this::certificateStatus);
    http =
        vertx.createHttpServer(opts)
            .requestHandler(withHttpMetrics(api.router()))
            .listen(httpPort, config.httpBind())
            .toCompletionStage()
            .toCompletableFuture()
            .get(15, TimeUnit.SECONDS);
    renewal.register(CERT_HTTPS, httpCred, httpsIssuer, c -> updateHttps(c, ca.root()));
    renewal.runDue();
    renewal.start(scheduler);

    long sweep = Math.max(1000, config.heartbeatTimeout().toMillis() / 3);
    scheduler.scheduleWithFixedDelay(() -> safely(() -> fleet.sweepStale(config.heartbeatTimeout())), sweep, sweep, TimeUnit.MILLISECONDS);

    long otaTick = config.ota().tick().toMillis();
    scheduler.scheduleWithFixedDelay(() -> safely(ota::tick), otaTick, otaTick, TimeUnit.MILLISECONDS);
    rounds.start(scheduler);
    scheduler.scheduleWithFixedDelay(() -> safely(vertical::tick), 1, 1, TimeUnit.SECONDS);
    ready = true;
    Map<String, Object> run = new LinkedHashMap<>();
    run.put("hubUrl", hubUrl);
    run.put("httpPort", http.actualPort());
    run.put("mqttPort", brokerPort());
    run.put("caFingerprint", ca.rootFingerprint());
    run.put("opsTokenFile", data.resolve("ops-token").toString());
    run.put("pid", ProcessHandle.current().pid());
    run.putAll(ledger.runInfo(data));
    writeRunInfo(data, run);
    LOG.info(
        "hub {} ready in {} ms: https {}:{} mqtts {}:{} CA {}",
        config.replicaId(),
        (System.nanoTime() - t0) / 1_000_000,
        config.httpBind(),
        http.actualPort(),
        config.externalBroker() != null ? config.externalBroker().host() : config.mqttBind(),
        brokerPort(),
        ca.rootFingerprint());
  }

  private io.vertx.ext.web.Router withHttpMetrics(io.vertx.ext.web.Router router) {
    new HttpMetrics(metrics.registry()).install(router);
    return router;
  }

  /** The HTTPS server takes {@code c} for new connections, without a restart (Vert.x updateSSLOptions). */
  private void updateHttps(HubCredential c, X509Certificate root) throws Exception {
    SSLOptions ssl =
        new SSLOptions()
            .setKeyCertOptions(pemKeyCert(c))
            .setTrustOptions(new PemTrustOptions().addCertValue(Buffer.buffer(Pem.certificate(root))))
            .setEnabledSecureTransportProtocols(HTTPS_PROTOCOLS);
    boolean updated = http.updateSSLOptions(ssl).toCompletionStage().toCompletableFuture().get(15, TimeUnit.SECONDS);
    if (!updated) {
      throw new IllegalStateException("the HTTPS server kept its old TLS options");
    }
  }

  /**
   * The hub's MQTT client presents {@code c} from its next handshake on; the broker then closes
   * its current connection so that it reconnects at once with the new certificate. The session is
   * persistent and messages are QoS 1 with manual acks, so nothing is lost: unacknowledged
   * messages are redelivered, and downlink messages wait in the client's buffer meanwhile.
   */
  private void reconnectWith(HubCredential c, javax.net.ssl.SSLContext tls) {
    serviceKeys.set(c);
    ReloadingKeyManager.forgetSessions(tls); // no resumption of a session made with the old one
    if (broker != null) {
      broker.disconnect(config.replicaId(), "certificate renewed; reconnect with the new one");
    } // external broker: the new certificate is presented at the client's next (re)connect
  }

  private static PemKeyCertOptions pemKeyCert(HubCredential c) {
    return new PemKeyCertOptions()
        .addKeyValue(Buffer.buffer(Pem.privateKey(c.key())))
        .addCertValue(Buffer.buffer(Pem.certificates(c.chain())));
  }

  /** For /readyz: each of the hub's certificates (serial, expiry, next renewal); no key material. */
  private Map<String, Object> certificateStatus() {
    CertRenewal r = renewal;
    if (r == null) {
      return Map.of();
    }
    List<Map<String, Object>> certs = new ArrayList<>();
    for (CertRenewal.Status s : r.status()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("name", s.name());
      m.put("serial", s.serial());
      m.put("notAfter", s.notAfter().toString());
      m.put("nextRenewal", s.nextRenewal().toString());
      m.put("renewals", s.renewals());
      certs.add(m);
    }
    Map<String, Object> out = new LinkedHashMap<>();
    r.nextRenewal().ifPresent(t -> out.put("nextCertRenewal", t.toString()));
    out.put("certificates", certs);
    if (serviceKeys != null && serviceKeys.lastPresentedSerial() != null) {
      out.put("mqttClientPresentedSerial", serviceKeys.lastPresentedSerial());
    }
    return out;
  }

  private void onScheduler(Runnable r) {
    try {
      scheduler.execute(() -> safely(r));
    } catch (java.util.concurrent.RejectedExecutionException e) {
      LOG.debug("broker notice after shutdown ignored");
    }
  }

  /** The MQTT port: the embedded broker's, or the external broker's. */
  private int brokerPort() {
    return broker != null ? broker.port() : config.externalBroker().port();
  }

  /**
   * External broker: writes the revocation list the broker checks (and has it reread), and, unless
   * disabled, prepares this replica's dynamic-security admin identity for disconnecting revoked devices.
   */
  private io.fedge.hub.broker.external.ExternalBroker startExternalBroker(CertificateAuthority ca, JdbcHubStore store)
      throws Exception {
    io.fedge.hub.broker.external.ExternalBrokerSettings ext = config.externalBroker();
    io.fedge.hub.broker.external.RevocationList crl =
        new io.fedge.hub.broker.external.RevocationList(ca, ext.crlFile(), ext.crlValidity(),
            () -> store.listDevices(new FleetStore.DeviceFilter(null, null, true, null)).stream()
                .filter(d -> d.certNotAfter() == null || d.certNotAfter().isAfter(clock.instant()))
                .map(io.fedge.hub.fleet.DeviceView::certSerial)
                .toList());
    io.fedge.hub.broker.external.MosquittoAdmin admin = null;
    if (ext.kickRevoked()) {
      String adminId = io.fedge.hub.broker.external.MosquittoConfig.adminId(config.replicaId());
      // A fresh short-lived certificate for each (rare) admin connection.
      admin = new io.fedge.hub.broker.external.MosquittoAdmin(ext.serverUri(), adminId, () -> {
        try {
          HubCredential adminCred = HubCertificates.service(ca, adminId, Duration.ofHours(1), clock);
          return TlsContexts.mutual(adminCred.key(), adminCred.chain(), ca.root()).getSocketFactory();
        } catch (Exception e) {
          throw new IllegalStateException("cannot make the broker admin identity: " + e.getMessage(), e);
        }
      });
    }
    io.fedge.hub.broker.external.ExternalBroker b = new io.fedge.hub.broker.external.ExternalBroker(ext, crl, admin);
    b.start(scheduler);
    LOG.info("event=external-broker url={} crl={} kickRevoked={}", ext.serverUri(), ext.crlFile(), ext.kickRevoked());
    return b;
  }

  private static int freePort(String bind) throws IOException {
    try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, InetAddress.getByName(bind))) {
      return s.getLocalPort();
    }
  }

  private static boolean mayConnect(JdbcHubStore store, Identity identity) {
    if (identity.role() == Identity.Role.SERVICE) {
      return true; // service certificates are only ever issued by this hub, to its own replicas
    }
    Optional<DeviceRecord> d = store.findDevice(identity.id());
    return d.isPresent() && !d.get().revoked();
  }

  /** The ops token: from configuration, or made on first start and kept 0600 in the data dir. */
  private String opsToken(Path data) throws IOException {
    if (config.opsToken() != null) {
      return config.opsToken();
    }
    Path f = data.resolve("ops-token");
    if (Files.exists(f)) {
      return Files.readString(f).trim();
    }
    byte[] b = new byte[32];
    new SecureRandom().nextBytes(b);
    String token = Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    Pem.writeSecret(f, token + "\n");
    LOG.info("made a new ops token; it is in {}", f);
    return token;
  }

  private List<String> dnsNames() {
    List<String> out = new ArrayList<>();
    for (String h : config.publicHosts()) {
      if (!isIp(h)) {
        out.add(h);
      }
    }
    return out;
  }

  private List<String> ipAddresses() {
    List<String> out = new ArrayList<>();
    for (String h : config.publicHosts()) {
      if (isIp(h)) {
        out.add(h);
      }
    }
    return out;
  }

  private static boolean isIp(String h) {
    return h.matches("[0-9.]+") || h.contains(":");
  }

  private static String hostForUrl(String h) {
    return h.contains(":") ? "[" + h + "]" : h;
  }

  private static String loopbackOr(String bind) {
    return "0.0.0.0".equals(bind) || "::".equals(bind) ? InetAddress.getLoopbackAddress().getHostAddress() : bind;
  }

  private static void writeRunInfo(Path data, Map<String, Object> info) throws IOException {
    Path run = data.resolve("run");
    Files.createDirectories(run);
    Pem.writePublic(run.resolve("hub.json"), WireCodec.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(info));
  }


  private static void safely(Runnable r) {
    try {
      r.run();
    } catch (RuntimeException e) {
      LOG.warn("periodic task failed: {}", e.toString());
    }
  }

  @Override
  public void close() {
    ready = false;
    try {
      Files.deleteIfExists(config.dataDir().resolve("run").resolve("hub.json"));
    } catch (IOException e) {
      LOG.debug("run file", e);
    }
    scheduler.shutdownNow();
    if (vertical != null) {
      vertical.close();
    }
    if (ledger != null) {
      ledger.close();
    }
    if (http != null) {
      http.close().toCompletionStage().toCompletableFuture().orTimeout(5, TimeUnit.SECONDS).exceptionally(t -> null).join();
    }
    if (mqtt != null) {
      mqtt.close();
    }
    if (broker != null) {
      broker.stop();
    }
    if (vertx != null) {
      vertx.close().toCompletionStage().toCompletableFuture().orTimeout(5, TimeUnit.SECONDS).exceptionally(t -> null).join();
    }
    if (db != null) {
      db.close();
    }
    if (metrics != null) {
      metrics.close();
    }
    LOG.info("hub stopped");
  }
}
