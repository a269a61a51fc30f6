package io.fedge.agent.ota;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fedge.federation.wire.WireCodec;
import io.fedge.ota.download.ResumableDownload;
import io.fedge.ota.slots.AtomicFiles;
import io.fedge.ota.slots.BootPointer;
import io.fedge.ota.slots.SlotInstaller;
import io.fedge.ota.tuf.DirectoryTrustStore;
import io.fedge.ota.tuf.Roles.TargetFile;
import io.fedge.ota.tuf.TufClient;
import io.fedge.ota.tuf.TufException;
import io.fedge.ota.wire.OtaOffer;
import io.fedge.ota.wire.OtaReport;
import io.fedge.provisioning.DeviceCredentials;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies updates on the appliance, as linear stages with everything needed to resume on disk:
 *
 * <pre>
 *  offer (MQTT) -&gt; ota/offer.json
 *  REFRESH    TUF client: root chain, timestamp, snapshot, targets (ota/trust/)
 *  DOWNLOAD   ota/downloads/&lt;target&gt;.part + .progress, resumed with Range after any kill
 *  VERIFY     exact length and SHA-256 from the signed targets
 *  INSTALL    unpack into the inactive slot (SlotInstaller)
 *  SWITCH     boot pointer -&gt; new slot, TRIAL; exit 75 so the launcher starts it
 *  HEALTH     (new agent) connected and a heartbeat acknowledged -&gt; pointer STABLE, report updated
 *             (launcher) no confirmation within its health timeout, or a crash -&gt; roll back
 *  REPORT     (whichever agent runs next) outcome from the pointer -&gt; ota-report, once
 * </pre>
 */
public final class OtaService {
  private static final Logger LOG = LoggerFactory.getLogger(OtaService.class);
  private static final ObjectMapper JSON = WireCodec.mapper();
  private static final int MAX_ATTEMPTS = 5;
  private static final int HISTORY = 20;

  /** What the dashboard shows. */
  public record Status(boolean enabled, String note, String currentVersion, String slot, String phase,
      String availableTarget, String availableVersion, long bytes, long total, List<Map<String, String>> history) {}

  private final OtaSettings settings;
  private final Path dir;
  private final String currentVersion;
  private final Clock clock;
  private final Supplier<Optional<DeviceCredentials>> credentials;
  private final BiConsumer<String, Object> uplink;
  private final BooleanSupplier healthy;
  private final Runnable restart;
  private final ExecutorService worker = Executors.newSingleThreadExecutor(r -> new Thread(r, "ota-apply"));
  private final ScheduledExecutorService watcher =
      Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "ota-health"));
  private volatile String phase = "idle";
  private volatile OtaOffer working;
  private volatile long bytes;
  private volatile long total;
  private volatile String note;

  /**
   * @param uplink sends (kind, body) to the hub through the durable outbox
   * @param healthy true once the agent is connected and a heartbeat was acknowledged
   * @param restart ends this JVM with the launcher's restart code
   */
  public OtaService(OtaSettings settings, Path dataDir, String currentVersion, Clock clock,
      Supplier<Optional<DeviceCredentials>> credentials, BiConsumer<String, Object> uplink, BooleanSupplier healthy,
      Runnable restart) {
    this.settings = settings;
    this.dir = dataDir.resolve("ota");
    this.currentVersion = currentVersion;
    this.clock = clock;
    this.credentials = credentials;
    this.uplink = uplink;
    this.healthy = healthy;
    this.restart = restart;
    this.note = settings.enabled() ? null : "not started by the A/B launcher: this agent cannot update itself";
  }

  /** Call once the agent is enrolled and its link started: reports pending outcomes, watches a trial, resumes an offer. */
  public void start() {
    if (!settings.enabled()) {
      return;
    }
    worker.execute(() -> {
      try {
        Files.createDirectories(dir);
        seedTrust();
        BootPointer p = BootPointer.read(settings.home()).orElse(null);
        if (p == null) {
          note = "no boot pointer in " + settings.home();
          return;
        }
        if (p.state() == BootPointer.State.TRIAL && p.active().equals(settings.slot())) {
          phase = "health-check";
          watcher.scheduleWithFixedDelay(this::checkHealth, 200, 200, TimeUnit.MILLISECONDS);
          return;
        }
        reportOutcome(p);
        Optional<OtaOffer> pending = readOffer();
        if (pending.isPresent() && !pending.get().version().equals(currentVersion)) {
          LOG.info("resuming update to {} after a restart", pending.get().version());
          apply(pending.get());
        } else if (pending.isPresent()) {
          Files.deleteIfExists(dir.resolve("offer.json"));
        }
      } catch (IOException | RuntimeException e) {
        note = "OTA start failed: " + e.getMessage();
        LOG.warn("OTA start failed: {}", e.toString());
      }
    });
  }

  /** An {@code ota-offer} from the hub (idempotent: the same offer twice is one update). */
  public void offer(JsonNode body) throws IOException {
    OtaOffer o = JSON.treeToValue(body, OtaOffer.class);
    if (o.target() == null || o.version() == null) {
      throw new IOException("ota-offer needs target and version");
    }
    if (!settings.enabled()) {
      uplink.accept(io.fedge.ota.wire.OtaKinds.REPORT, new OtaReport(o.campaignId(), o.target(), o.version(),
          OtaReport.FAILED, note, currentVersion));
      return;
    }
    if (o.version().equals(currentVersion)) {
      uplink.accept(io.fedge.ota.wire.OtaKinds.REPORT, new OtaReport(o.campaignId(), o.target(), o.version(),
          OtaReport.UPDATED, "already running this version", currentVersion));
      return;
    }
    OtaOffer w = working;
    if (w != null && w.target().equals(o.target())) {
      return;
    }
    AtomicFiles.write(dir.resolve("offer.json"), JSON.writeValueAsBytes(o));
    worker.execute(() -> apply(o));
  }

  private void apply(OtaOffer o) {
    working = o;
    try {
      BootPointer p = BootPointer.read(settings.home()).orElseThrow();
      if (p.state() == BootPointer.State.TRIAL) {
        return; // the new slot is about to start; nothing to do in this process
      }
      if (p.outcome().equals("rolled-back") && o.version().equals(p.outcomeVersion())) {
        LOG.warn("not installing {} again: it was rolled back on this appliance", o.version());
        Files.deleteIfExists(dir.resolve("offer.json"));
        report(o, OtaReport.ROLLED_BACK, p.outcomeDetail());
        return;
      }
      DeviceCredentials creds = credentials.get().orElseThrow(() -> new IOException("not enrolled"));
      HubOtaClient hub = new HubOtaClient(creds);
      phase = "refresh";
      TufClient tuf = new TufClient(new DirectoryTrustStore(dir.resolve("trust")), hub, clock);
      TufClient.Trusted trusted = tuf.refresh();
      TargetFile tf = trusted.target(o.target()).orElseThrow(() -> new TufException(TufException.Reason.UNKNOWN_TARGET,
          "target " + o.target() + " is not in the signed targets metadata"));
      String signedVersion = tf.custom().get("version");
      if (signedVersion == null || !signedVersion.equals(o.version())) {
        throw new TufException(TufException.Reason.MALFORMED, "the signed version of " + o.target() + " is "
            + signedVersion + ", not the offered " + o.version());
      }
      report(o, OtaReport.DOWNLOADING, null);
      phase = "download";
      total = tf.length();
      ResumableDownload dl = new ResumableDownload(dir.resolve("downloads"), settings.downloadBytesPerSecond());
      dl.keepOnly(o.target());
      ResumableDownload.Result r = download(dl, o, tf, hub);
      LOG.info("downloaded {} ({} bytes, resumed from {})", o.target(), tf.length(), r.resumedFrom());
      phase = "install";
      SlotInstaller installer = new SlotInstaller(settings.home());
      SlotInstaller.Installed inst = installer.install(r.file());
      if (!inst.manifest().version().equals(o.version())) {
        throw new IOException("bundle manifest says version " + inst.manifest().version() + ", signed metadata " + o.version());
      }
      phase = "switch";
      installer.switchTo(inst);
      report(o, OtaReport.INSTALLED, "slot " + inst.slot());
      addHistory(o.version(), "installed", "restarting into slot " + inst.slot());
      LOG.info("switched to slot {} ({}); restarting through the launcher", inst.slot(), o.version());
      restart.run();
    } catch (TufException e) {
      fail(o, e.getMessage());
    } catch (IOException | RuntimeException e) {
      fail(o, e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      working = null;
    }
  }

  private ResumableDownload.Result download(ResumableDownload dl, OtaOffer o, TargetFile tf, HubOtaClient hub)
      throws IOException, TufException, InterruptedException {
    Duration pause = settings.retryBase();
    for (int attempt = 1; ; attempt++) {
      try {
        return dl.fetch(o.target(), tf, hub.target(o.target()), (b, t) -> bytes = b);
      } catch (IOException | TufException e) {
        boolean retriable = e instanceof IOException
            || ((TufException) e).reason() == TufException.Reason.LENGTH_SHORT;
        if (!retriable || attempt >= MAX_ATTEMPTS) {
          throw e;
        }
        LOG.info("download attempt {} of {} stopped ({}); resuming in {}", attempt, o.target(), e.getMessage(), pause);
        Thread.sleep(pause.toMillis());
        pause = pause.multipliedBy(2);
      }
    }
  }

  private void fail(OtaOffer o, String why) {
    LOG.warn("update to {} failed: {}", o.version(), why);
    phase = "failed";
    try {
      Files.deleteIfExists(dir.resolve("offer.json"));
    } catch (IOException e) {
      LOG.debug("offer file not deleted: {}", e.toString());
    }
    addHistory(o.version(), "failed", why);
    report(o, OtaReport.FAILED, why);
  }

  /** On a trial boot: healthy in time -&gt; confirm the slot; the launcher handles the other case. */
  private void checkHealth() {
    try {
      if (!healthy.getAsBoolean()) {
        return;
      }
      BootPointer p = BootPointer.update(settings.home(), cur ->
          cur.state() == BootPointer.State.TRIAL && cur.active().equals(settings.slot()) ? cur.confirmed(currentVersion) : cur);
      if (p.state() == BootPointer.State.STABLE && p.active().equals(settings.slot())) {
        LOG.info("health check passed: slot {} ({}) confirmed", settings.slot(), currentVersion);
        phase = "idle";
        reportOutcome(p);
      }
      watcher.shutdown();
    } catch (IOException | RuntimeException e) {
      LOG.warn("health confirmation failed: {}", e.toString());
    }
  }

  /** Sends the pointer's unreported outcome once (survives a kill between outcome and report). */
  private void reportOutcome(BootPointer p) throws IOException {
    if (p.reported() || p.outcome().equals("none")) {
      return;
    }
    OtaOffer o = readOffer().orElse(new OtaOffer("", "", p.outcomeVersion()));
    String outcome = p.outcome().equals("updated") ? OtaReport.UPDATED : OtaReport.ROLLED_BACK;
    report(new OtaOffer(o.campaignId(), o.target(), p.outcomeVersion()), outcome, p.outcomeDetail());
    addHistory(p.outcomeVersion(), outcome, p.outcomeDetail());
    BootPointer.update(settings.home(), BootPointer::markReported);
    Files.deleteIfExists(dir.resolve("offer.json"));
    new ResumableDownload(dir.resolve("downloads"), 0).keepOnly("-");
  }

  private void report(OtaOffer o, String outcome, String detail) {
    uplink.accept(io.fedge.ota.wire.OtaKinds.REPORT,
        new OtaReport(o.campaignId() == null ? "" : o.campaignId(), o.target(), o.version(), outcome, detail, currentVersion));
  }

  private Optional<OtaOffer> readOffer() {
    Path f = dir.resolve("offer.json");
    try {
      return Files.isRegularFile(f) ? Optional.of(JSON.readValue(f.toFile(), OtaOffer.class)) : Optional.empty();
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  private void seedTrust() throws IOException {
    Path trusted = dir.resolve("trust").resolve("root.json");
    if (!Files.exists(trusted) && settings.trustedRoot() != null && Files.isRegularFile(settings.trustedRoot())) {
      AtomicFiles.write(trusted, Files.readAllBytes(settings.trustedRoot()));
    }
    if (!Files.exists(trusted)) {
      note = "no pinned release root (" + settings.trustedRoot() + "): updates will be refused";
    }
  }

  private synchronized void addHistory(String version, String outcome, String detail) {
    try {
      List<Map<String, String>> h = history();
      Map<String, String> e = new LinkedHashMap<>();
      e.put("at", clock.instant().toString());
      e.put("version", version);
      e.put("outcome", outcome);
      if (detail != null) {
        e.put("detail", detail);
      }
      h.add(0, e);
      while (h.size() > HISTORY) {
        h.remove(h.size() - 1);
      }
      AtomicFiles.write(dir.resolve("history.json"), JSON.writeValueAsBytes(h));
    } catch (IOException e) {
      LOG.debug("history not written: {}", e.toString());
    }
  }

  private List<Map<String, String>> history() {
    try {
      Path f = dir.resolve("history.json");
      if (Files.isRegularFile(f)) {
        return new ArrayList<>(List.of(JSON.readValue(f.toFile(), Map[].class))).stream()
            .map(m -> {
              Map<String, String> out = new LinkedHashMap<>();
              ((Map<?, ?>) m).forEach((k, v) -> out.put(String.valueOf(k), String.valueOf(v)));
              return out;
            }).collect(java.util.stream.Collectors.toCollection(ArrayList::new));
      }
    } catch (IOException e) {
      LOG.debug("history unreadable: {}", e.toString());
    }
    return new ArrayList<>();
  }

  /** The current phase (idle, refresh, download, install, switch, health-check, failed), cheaply. */
  public String phase() {
    return phase;
  }

  public Status status() {
    OtaOffer w = working != null ? working : readOffer().orElse(null);
    return new Status(settings.enabled(), note, currentVersion, settings.slot(), phase,
        w == null ? null : w.target(), w == null ? null : w.version(), bytes, total, history());
  }

  public void close() {
    watcher.shutdownNow();
    worker.shutdownNow();
  }
}
