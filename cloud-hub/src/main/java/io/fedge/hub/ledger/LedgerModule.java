package io.fedge.hub.ledger;

import io.fedge.federation.ledger.LedgerAlarm;
import io.fedge.federation.ledger.NoteSigner;
import io.fedge.federation.wire.Kinds;
import io.fedge.federation.wire.WireCodec;
import io.fedge.federation.wire.WireException;
import io.fedge.hub.db.Database;
import io.fedge.hub.messaging.Downlink;
import io.fedge.hub.messaging.UpstreamHandlers;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ledger feature of the hub, assembled in one place: signing key, store, service, audit
 * follower, the {@code ledger-alarm} handler, periodic checkpoints, receipts and anchoring, routes.
 */
public final class LedgerModule {
  private static final Logger LOG = LoggerFactory.getLogger(LedgerModule.class);
  private static final int MAX_REASON = 1000;

  private final HubLedger ledger;
  private final AuditFollower audit;
  private final LedgerSettings settings;
  private final Clock clock;
  private volatile Downlink downlink;
  private ScheduledExecutorService scheduler;

  private LedgerModule(HubLedger ledger, AuditFollower audit, LedgerSettings settings, Clock clock) {
    this.ledger = ledger;
    this.audit = audit;
    this.settings = settings;
    this.clock = clock;
  }

  /** Loads or makes the key in {@code <data>/ledger}, and registers the alarm handler. */
  public static LedgerModule create(Path dataDir, Database db, LedgerSettings settings, UpstreamHandlers upstream, Clock clock)
      throws IOException {
    NoteSigner key = LedgerKey.loadOrCreate(dataDir.resolve("ledger"), settings.origin());
    HubLedger ledger = new HubLedger(new LedgerStore(db), key, clock);
    if (settings.evmUrl() != null) {
      ledger.addAnchor(EvmAnchor.fromSettings(settings));
    }
    LedgerModule m = new LedgerModule(ledger, new AuditFollower(db, ledger, clock), settings, clock);
    upstream.register(Kinds.LEDGER_ALARM, m::onAlarm);
    return m;
  }

  public HubLedger ledger() {
    return ledger;
  }

  /** The service API for other features. */
  public Ledger api() {
    return ledger;
  }

  private void onAlarm(String deviceId, io.fedge.federation.wire.Envelope e) throws WireException {
    LedgerAlarm a;
    try {
      a = WireCodec.mapper().treeToValue(e.body(), LedgerAlarm.class);
    } catch (IOException ex) {
      throw new WireException(WireException.Reason.MALFORMED, "ledger-alarm body must be {check, reason, raisedAt}");
    }
    if (a.check() == null || !a.check().matches("[A-Z_]{1,32}") || a.reason() == null) {
      throw new WireException(WireException.Reason.INVALID_FIELD, "ledger-alarm needs check ([A-Z_]) and reason");
    }
    String reason = a.reason().length() > MAX_REASON ? a.reason().substring(0, MAX_REASON) : a.reason();
    boolean fresh =
        ledger.store().raiseAlarm(new LedgerStore.Alarm(deviceId, e.id(), e.ts(), a.check(), reason, null, null));
    if (fresh) {
      LOG.warn("device {} raised a ledger alarm ({}): {}", deviceId, a.check(), reason);
    }
  }

  /**
   * Starts the periodic work on the ledger's own thread (so receipts and anchoring never hold up
   * the hub's fleet scheduler): follow the audit trail, checkpoint, send receipts; anchor.
   */
  public void start(Downlink downlink) {
    ScheduledExecutorService scheduler =
        java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "hub-ledger"));
    this.scheduler = scheduler;
    this.downlink = downlink;
    ledger.setReceiptChannel((device, receipt) -> downlink.send(device, Kinds.RECEIPT, receipt));
    long every = settings.checkpointInterval().toMillis();
    scheduler.scheduleWithFixedDelay(() -> safely(this::period), 0, every, TimeUnit.MILLISECONDS);
    long anchorEvery = settings.anchorInterval().toMillis();
    scheduler.scheduleWithFixedDelay(() -> safely(ledger::anchorLatest), anchorEvery, anchorEvery, TimeUnit.MILLISECONDS);
  }

  private void period() {
    audit.follow();
    ledger.publish();
  }

  /** The HTTP routes; {@code activeDevice} says whether a device id is enrolled and unrevoked. */
  public LedgerRoutes routes(Predicate<String> activeDevice) {
    return new LedgerRoutes(
        ledger,
        activeDevice,
        (device, clear) -> {
          Downlink d = downlink;
          if (d == null) {
            throw new IllegalStateException("the hub's MQTT client is not started yet");
          }
          d.send(device, Kinds.LEDGER_CLEAR, clear);
        },
        clock);
  }

  /** What the hub's run file says about the ledger. */
  public Map<String, Object> runInfo(Path dataDir) {
    return Map.of(
        "ledgerOrigin", ledger.origin(),
        "ledgerPublicKey", ledger.publicKey().encode(),
        "ledgerPublicKeyFile", dataDir.resolve("ledger").resolve(LedgerKey.PUBLIC_FILE).toString());
  }

  /** Stops the periodic work (a checkpoint being signed finishes its transaction first). */
  public void close() {
    if (scheduler != null) {
      scheduler.shutdown();
      try {
        scheduler.awaitTermination(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private static void safely(Runnable r) {
    try {
      r.run();
    } catch (RuntimeException e) {
      LOG.warn("ledger task failed: {}", e.toString());
    }
  }

}
