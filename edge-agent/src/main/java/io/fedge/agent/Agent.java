package io.fedge.agent;

import io.fedge.federation.net.TcpNoDelaySocketFactory;

import io.fedge.agent.consent.ConsentGuard;
import io.fedge.agent.consent.ConsentService;
import io.fedge.agent.dashboard.DashboardServer;
import io.fedge.agent.data.DataServices;
import io.fedge.agent.dashboard.auth.DashboardAuth;
import io.fedge.agent.dashboard.backend.DashboardBackend;
import io.fedge.agent.dashboard.backend.TrainingFeed;
import io.fedge.federation.config.Launcher;
import io.fedge.agent.identity.IdentityManager;
import io.fedge.agent.ledger.HttpsLedgerSource;
import io.fedge.agent.ledger.LedgerMonitor;
import io.fedge.agent.ledger.ReceiptStore;
import io.fedge.federation.ledger.LedgerReceipt;
import io.fedge.agent.rounds.AgentRounds;
import io.fedge.agent.rounds.ConsentedTrainingData;
import io.fedge.agent.messaging.DownstreamHandler;
import io.fedge.agent.messaging.DownstreamHandlers;
import io.fedge.agent.messaging.Uplink;
import io.fedge.agent.mqtt.ConnectionState;
import io.fedge.agent.mqtt.MqttLink;
import io.fedge.agent.mqtt.MqttLinkSettings;
import io.fedge.agent.mqtt.Outbox;
// observability (docs/observability.md)
import io.fedge.agent.dashboard.ObservabilityRoutes;
import io.fedge.agent.metrics.AgentMetrics;
import io.fedge.federation.metrics.PrometheusMetrics;
import io.fedge.federation.metrics.Readiness;
import io.fedge.agent.ota.OtaService;
import io.fedge.ota.launcher.SlotLauncher;
import io.fedge.agent.telemetry.ResourceProbe;
import io.fedge.federation.wire.DeviceEvent;
import io.fedge.federation.wire.DeviceStatus;
import io.fedge.federation.wire.Envelope;
import io.fedge.federation.wire.Heartbeat;
import io.fedge.federation.wire.Kinds;
import io.fedge.federation.wire.Topics;
import io.fedge.federation.wire.WireCodec;
import io.fedge.federation.wire.WireException;
import io.fedge.provisioning.DeviceCredentials;
import io.fedge.provisioning.Pem;
import io.fedge.provisioning.TlsContexts;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's boot sequence, declared in one place:
 *
 * <ol>
 *   <li>data directory and local state (the SQLite outbox)
 *   <li>dashboard on the LAN port, so the dealer sees status from the first second
 *   <li>identity: stored, or enrolled with the claim bundle (retrying until the hub answers)
 *   <li>MQTT link to the hub's broker with the device certificate, kept connected forever
 *   <li>heartbeats, and certificate renewal before expiry
 * </ol>
 *
 * Every long or blocking step runs on its own thread; the MQTT keep-alive never waits on it.
 */
public final class Agent implements Launcher.Program {
  private static final Logger LOG = LoggerFactory.getLogger(Agent.class);

  public enum BootStage {
    STARTING,
    ENROLLING,
    RUNNING,
    FAILED,
    STOPPING
  }

  private final AgentConfig config;
  private final Clock clock = Clock.systemUTC();
  private final ResourceProbe probe;
  private final IdentityManager identity;
  private final ScheduledExecutorService scheduler =
      Executors.newScheduledThreadPool(1, r -> new Thread(r, "agent-scheduler"));
  private Vertx vertx;
  private Outbox outbox;
  private DataServices data;
  private ConsentService consent;
  private ConsentGuard consentGuard;
  private DashboardServer dashboard;
  private DashboardAuth dashboardAuth;
  private AgentDashboard dashboardBackend;
  private final TrainingFeed training = new TrainingFeed(2_000);
  private volatile MqttLink link;
  private final DownstreamHandlers downstream = new DownstreamHandlers();
  private final Uplink uplink = new OutboxUplink();
  private volatile LedgerMonitor ledger;
  private ReceiptStore receiptStore;
  private volatile BootStage stage = BootStage.STARTING;
  private volatile String bootError;
  private Thread bootThread;
  private final java.util.concurrent.atomic.AtomicLong heartbeatsQueued = new java.util.concurrent.atomic.AtomicLong();
  private final OtaService ota;
  private final AgentRounds rounds;
  private PrometheusMetrics metrics;
  private AgentMetrics agentMetrics;
  private io.fedge.agent.vertical.AgentVertical vertical;

  public Agent(AgentConfig config) {
    this.config = config;
    this.probe = new ResourceProbe(config.dataDir());
    this.identity =
        new IdentityManager(
            config.dataDir().resolve("identity"), config.claimBundle(), clock, config.backoffBase(), config.backoffCap());
    this.ota =
        new OtaService(config.ota(), config.dataDir(), config.agentVersion(), clock, identity::current, uplink::send,
            this::healthy, () -> new Thread(() -> System.exit(SlotLauncher.RESTART), "ota-restart").start());
    downstream.register(Kinds.OTA_OFFER, e -> ota.offer(e.body()));
    this.rounds = new AgentRounds(uplink, () -> identity.current().orElseThrow(),
        new ConsentedTrainingData(this::consentGuard),
        () -> {
          LedgerMonitor l = ledger;
          return l == null || l.participationAllowed();
        },
        clock);
  }

  /** The OTA state for the dashboard: current and available version, progress, history. */
  public OtaService ota() {
    return ota;
  }

  /** Connected, and every queued message (including at least one heartbeat) acknowledged by the broker. */
  private boolean healthy() {
    MqttLink l = link;
    return stage == BootStage.RUNNING && l != null && l.state() == ConnectionState.CONNECTED
        && heartbeatsQueued.get() > 0 && outbox.depth() == 0;
  }

  /** The agent's ledger watch: receipts, alarm, and whether it may take part in rounds. Set by {@link #start}. */
  public LedgerMonitor ledger() {
    LedgerMonitor l = ledger;
    if (l == null) {
      throw new IllegalStateException("the agent is not started yet");
    }
    return l;
  }

  /** Federated rounds on this device: progress for the dashboard ({@link AgentRounds#addListener}). */
  public AgentRounds rounds() {
    return rounds;
  }

  /** Where features register the hub -> device message kinds they handle (before {@link #start}). */
  public DownstreamHandlers downstream() {
    return downstream;
  }

  /** Device -> hub messages, queued durably in the outbox. */
  public Uplink uplink() {
    return uplink;
  }

  /** Local data: catalog, rows, quarantine, ingest progress (null before {@link #start}). */
  public DataServices dataServices() {
    return data;
  }

  /** Consent requests, decisions and standing policies (null before {@link #start}). */
  public ConsentService consent() {
    return consent;
  }

  /** The only door from federated jobs to local data (null before {@link #start}). */
  public ConsentGuard consentGuard() {
    return consentGuard;
  }

  /** Runs steps 1 and 2 now, the rest on a boot thread; returns once the dashboard listens. */
  public void start() throws IOException {
    Path data = config.dataDir();
    Pem.createPrivateDirectories(data);
    Files.createDirectories(data.resolve("state"));
    outbox = Outbox.open(data.resolve("state").resolve("outbox.db"), config.outboxMaxRows());
    metrics = PrometheusMetrics.create("agent");
    agentMetrics = new AgentMetrics(metrics.registry(), clock)
        .outbox(outbox)
        .link(() -> {
          MqttLink l = link;
          return l == null ? null : l.stats();
        })
        .ota(ota::phase);
    rounds.addListener(agentMetrics.rounds());
    try {
      receiptStore = ReceiptStore.open(data.resolve("state").resolve("ledger.db"));
      ledger =
          new LedgerMonitor(
              receiptStore,
              uplink::deviceId,
              new HttpsLedgerSource(() -> identity.current().orElseThrow()),
              alarm -> uplink.send(Kinds.LEDGER_ALARM, alarm),
              clock,
              data);
    } catch (java.sql.SQLException e) {
      throw new IOException("cannot open the ledger receipt store: " + e.getMessage(), e);
    }
    downstream.register(Kinds.RECEIPT, e -> ledger.onReceipt(WireCodec.body(e, LedgerReceipt.class)));
    downstream.register(Kinds.LEDGER_CLEAR, e -> ledger.onCleared());
    this.data = DataServices.open(config.data(), data.resolve("state"), clock);
    consent = ConsentService.open(data.resolve("state").resolve("consent.db"), uplink, clock);
    consent.applyConfigured(config.consentPolicies());
    consentGuard = new ConsentGuard(consent, this.data.store());
    downstream.register(Kinds.JOB_OFFER, consent.offerHandler()); // consent owns job offers
    rounds.register(downstream); // rounds read only through consentGuard
    agentMetrics.ingest(this.data.monitor());
    // vertical jobs (PSI, vertical LR) over the hub relay; they read only through consentGuard too
    vertical = new io.fedge.agent.vertical.AgentVertical(uplink, () -> identity.current().orElseThrow(),
        this::consentGuard, () -> this.data.store(),
        data.resolve("state").resolve("vertical"), clock);
    vertical.register(downstream);
    this.data.start();

    vertx = Vertx.vertx(new VertxOptions().setWorkerPoolSize(4).setEventLoopPoolSize(1));
    dashboardAuth =
        DashboardAuth.open(
            data.resolve("state").resolve("dashboard.db"), data.resolve("run"), config.dashboard().auth(), clock, new SecureRandom());
    dashboardBackend = new AgentDashboard(this::status, this.data, consent, ota, ledger, training, clock);
    rounds.addListener(dashboardBackend.trainingListener(rounds::plannedRounds));
    dashboard = new DashboardServer(vertx, dashboardBackend, dashboardAuth, config.dashboard());
    dashboard.publicRoutes(new ObservabilityRoutes(metrics, config.metricsToken(), new Readiness()
        .check("enrolled", () -> identity.current().isPresent())
        .check("mqtt-connected", () -> link != null && link.state() == ConnectionState.CONNECTED)
        .check("store", () -> outbox.oldestCreatedAt() != null)));
    int port = dashboard.listen(config.dashboardBind(), config.dashboardPort());
    String url = dashboard.scheme() + "://" + config.dashboardBind() + ":" + port;
    writeRunInfo(Map.of("dashboardUrl", url, "pid", Long.toString(ProcessHandle.current().pid())));
    LOG.info("dashboard at {}", url);

    bootThread = new Thread(this::boot, "agent-boot");
    bootThread.start();
  }

  private void boot() {
    try {
      stage = BootStage.ENROLLING;
      DeviceCredentials creds = identity.ensureEnrolled();
      if (LoggerFactory.getILoggerFactory() instanceof ch.qos.logback.classic.LoggerContext logs) {
        logs.putProperty("deviceId", creds.deviceId()); // in every JSON log line's context
      }
      enqueueEvent(creds.deviceId(), "agent.started", Map.of("version", config.agentVersion()));
      startLink(creds);
      consent.resendUnsent(); // decisions taken before enrollment or lost to a crash before queueing
      scheduler.scheduleAtFixedRate(
          this::heartbeat, 0, config.heartbeatInterval().toMillis(), TimeUnit.MILLISECONDS);
      identity.scheduleRenewal(scheduler, this::onRenewed);
      scheduler.scheduleWithFixedDelay(
          this::watchLedger, 0, config.ledgerWatchInterval().toMillis(), TimeUnit.MILLISECONDS);
      stage = BootStage.RUNNING;
      ota.start();
      LOG.info("agent {} running as device {}", config.agentVersion(), creds.deviceId());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (IOException | RuntimeException e) {
      // Keep the dashboard up so the dealer sees why; the supervisor's health check sees FAILED.
      bootError = e.toString();
      stage = BootStage.FAILED;
      LOG.error("boot failed: {}", e.toString(), e);
    }
  }

  private void startLink(DeviceCredentials creds) {
    String id = creds.deviceId();
    byte[] will =
        WireCodec.encode(
            WireCodec.envelope(Kinds.STATUS, id, clock.instant(), new DeviceStatus(false, config.agentVersion())));
    MqttLinkSettings settings =
        new MqttLinkSettings(
            "ssl://" + creds.mqtt().host() + ":" + creds.mqtt().port(),
            id,
            () -> {
              DeviceCredentials c = identity.current().orElseThrow();
              return TcpNoDelaySocketFactory.wrap(
                  TlsContexts.mutual(c.privateKey(), c.chain(), c.root()).getSocketFactory());
            },
            config.keepAliveSeconds(),
            config.sessionExpirySeconds(),
            Topics.up(id, Kinds.STATUS),
            will,
            config.backoffBase(),
            config.backoffCap(),
            20);
    MqttLink l = new MqttLink(settings, outbox);
    l.subscribe(Topics.downFilter(id), 1, agentMetrics.countingReceived(this::onDownMessage));
    l.subscribe(Topics.broadcastFilter(), 1, agentMetrics.countingReceived(this::onDownMessage));
    l.onStateChange(
        change -> {
          if (change.to() == ConnectionState.CONNECTED) {
            byte[] online =
                WireCodec.encode(
                    WireCodec.envelope(Kinds.STATUS, id, clock.instant(), new DeviceStatus(true, config.agentVersion())));
            outbox.enqueueLatest("status", WireCodec.newMessageId(), Topics.up(id, Kinds.STATUS), online);
          }
        });
    link = l;
    l.start();
  }

  private void onDownMessage(String topic, byte[] payload) {
    Envelope e;
    try {
      e = WireCodec.decode(payload);
    } catch (WireException ex) {
      LOG.warn("ignored undecodable message on {}: {}", topic, ex.getMessage());
      return;
    }
    if (Kinds.ERROR.equals(e.type())) {
      LOG.warn("hub refused a message: {}", e.body().path("message").asText());
      return;
    }
    DownstreamHandler h = downstream.find(e.type()).orElse(null);
    if (h == null) {
      LOG.warn("ignored a '{}' message on {}: this agent version does not handle that kind", e.type(), topic);
      return;
    }
    // Kind, message id and job id (when the body names one) in every log line of this message.
    org.slf4j.MDC.put("kind", e.type());
    org.slf4j.MDC.put("messageId", e.id());
    org.slf4j.MDC.put("jobId", e.body() != null && e.body().path("jobId").isTextual() ? e.body().path("jobId").asText() : null);
    try {
      h.handle(e);
    } catch (Exception ex) {
      // Acknowledged anyway: a message that fails for a reason of its own would fail again on redelivery.
      LOG.error("handling a '{}' message ({}) failed: {}", e.type(), e.id(), ex.toString(), ex);
    } finally {
      org.slf4j.MDC.remove("kind");
      org.slf4j.MDC.remove("messageId");
      org.slf4j.MDC.remove("jobId");
    }
  }

  private void watchLedger() {
    try {
      ledger.watch();
    } catch (java.sql.SQLException | RuntimeException e) {
      LOG.warn("ledger watch failed: {}", e.toString());
    }
  }

  private void onRenewed(DeviceCredentials renewed) {
    enqueueEvent(renewed.deviceId(), "identity.renewed", Map.of("notAfter", renewed.notAfter().toString()));
    MqttLink l = link;
    if (l != null) {
      l.reconnect(); // the socket factory supplier now hands out the new certificate
    }
  }

  private void heartbeat() {
    try {
      DeviceCredentials c = identity.current().orElse(null);
      if (c == null) {
        return;
      }
      Heartbeat hb =
          new Heartbeat(
              config.agentVersion(),
              probe.uptimeSeconds(),
              probe.heapUsedBytes(),
              probe.rssBytes(),
              probe.cpuLoad(),
              probe.diskFreeBytes(),
              outbox.depth(),
              c.notAfter().toString());
      Envelope e = WireCodec.envelope(Kinds.HEARTBEAT, c.deviceId(), clock.instant(), hb);
      outbox.enqueueLatest("heartbeat", e.id(), Topics.up(c.deviceId(), Kinds.HEARTBEAT), WireCodec.encode(e));
      heartbeatsQueued.incrementAndGet();
    } catch (RuntimeException e) {
      LOG.warn("heartbeat not queued: {}", e.toString());
    }
  }

  /** The {@link Uplink}: envelopes with this device as sender, written to the outbox before returning. */
  private final class OutboxUplink implements Uplink {
    @Override
    public String deviceId() {
      return identity.current().map(DeviceCredentials::deviceId).orElseThrow(() -> new IllegalStateException("the agent has not enrolled yet"));
    }

    @Override
    public String send(String kind, Object body) {
      String id = deviceId();
      Envelope e = WireCodec.envelope(kind, id, clock.instant(), body);
      outbox.enqueue(e.id(), Topics.up(id, kind), WireCodec.encode(e));
      return e.id();
    }
  }

  private void enqueueEvent(String deviceId, String name, Map<String, String> detail) {
    Envelope e = WireCodec.envelope(Kinds.EVENT, deviceId, clock.instant(), new DeviceEvent(name, detail));
    outbox.enqueue(e.id(), Topics.up(deviceId, Kinds.EVENT), WireCodec.encode(e));
  }

  /** A consistent snapshot of the agent for the dashboard and its status API. */
  public Map<String, Object> status() {
    Map<String, Object> s = new java.util.LinkedHashMap<>();
    DeviceCredentials c = identity.current().orElse(null);
    MqttLink l = link;
    s.put("deviceId", c == null ? null : c.deviceId());
    s.put("group", c == null ? null : c.group());
    s.put("version", config.agentVersion());
    s.put("bootStage", stage.name());
    s.put("bootError", bootError);
    s.put("identity", identity.state().name());
    s.put("identityError", identity.lastError());
    s.put("connection", l == null ? "DISCONNECTED" : l.state().name());
    s.put("hub", c == null ? null : c.hubUrl());
    s.put("certNotAfter", c == null ? null : c.notAfter().toString());
    s.put("renewAfter", c == null ? null : c.renewAfter().toString());
    s.put("outboxDepth", outbox == null ? 0 : outbox.depth());
    s.put("uptimeSeconds", probe.uptimeSeconds());
    s.put("heapUsedBytes", probe.heapUsedBytes());
    s.put("rssBytes", probe.rssBytes());
    LedgerMonitor lm = ledger;
    if (lm != null) {
      s.put("ledgerParticipationAllowed", lm.participationAllowed());
      s.put("ledgerAlarm", lm.alarm().orElse(null));
      s.put("ledgerReceipts", lm.receipts());
    }
    s.put("ota", ota.status());
    return s;
  }

  @Override
  public void close() {
    stage = BootStage.STOPPING;
    if (bootThread != null) {
      bootThread.interrupt();
    }
    scheduler.shutdownNow();
    ota.close();
    rounds.close();
    if (vertical != null) {
      vertical.close();
    }
    MqttLink l = link;
    if (l != null) {
      l.stop();
    }
    if (vertx != null) {
      vertx.close().toCompletionStage().toCompletableFuture().orTimeout(5, TimeUnit.SECONDS).exceptionally(t -> null).join();
    }
    if (data != null) {
      data.close();
    }
    if (consent != null) {
      consent.close();
    }
    if (outbox != null) {
      outbox.close();
    }
    if (receiptStore != null) {
      receiptStore.close();
    }
    if (dashboardAuth != null) {
      dashboardAuth.close();
    }
    if (metrics != null) {
      metrics.close();
    }
    LOG.info("agent stopped");
  }

  private void writeRunInfo(Map<String, String> info) throws IOException {
    Path run = config.dataDir().resolve("run");
    Files.createDirectories(run);
    Pem.writePublic(run.resolve("agent.json"), WireCodec.mapper().writeValueAsString(info));
  }

  /** What the dealer dashboard shows (null before {@link #start}). */
  public DashboardBackend dashboardBackend() {
    return dashboardBackend;
  }

  /** Where the federated-round runner reports progress for the dashboard. */
  public TrainingFeed trainingFeed() {
    return training;
  }
}
