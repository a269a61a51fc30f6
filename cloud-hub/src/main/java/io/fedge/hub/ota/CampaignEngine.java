package io.fedge.hub.ota;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fedge.federation.wire.WireCodec;
import io.fedge.hub.fleet.DeviceView;
import io.fedge.ota.rollout.MaintenanceWindow;
import io.fedge.ota.rollout.WavePlan;
import io.fedge.ota.wire.OtaOffer;
import io.fedge.ota.wire.OtaReport;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.BiConsumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs campaigns: picks the devices, opens waves, offers the update to devices inside their
 * maintenance window, follows their reports, and pauses a campaign whose failures cross the
 * threshold. Plain Java with a clock, driven by {@link #tick()} (the hub calls it every second) and
 * by device reports; every decision is stored before the listener hears of it.
 *
 * <pre>
 * campaign: RUNNING -&gt; PAUSED (failures, or ops) -&gt; RUNNING (ops, fresh failure budget) ... -&gt; COMPLETED | CANCELLED
 * device:   PENDING -&gt; OFFERED -&gt; DOWNLOADING -&gt; INSTALLED -&gt; UPDATED
 *                          \-----------\--------------\-----&gt; FAILED (failed, rolled back, timed out)
 * </pre>
 */
public final class CampaignEngine {
  private static final Logger LOG = LoggerFactory.getLogger(CampaignEngine.class);
  private static final ObjectMapper JSON = WireCodec.mapper();

  public static final String RUNNING = "RUNNING";
  public static final String PAUSED = "PAUSED";
  public static final String CANCELLED = "CANCELLED";
  public static final String COMPLETED = "COMPLETED";

  public static final String PENDING = "PENDING";
  public static final String OFFERED = "OFFERED";
  public static final String DOWNLOADING = "DOWNLOADING";
  public static final String INSTALLED = "INSTALLED";
  public static final String UPDATED = "UPDATED";
  public static final String FAILED = "FAILED";
  public static final String SKIPPED = "SKIPPED";

  /** A campaign with its devices, as the API shows it. */
  public record View(OtaStore.CampaignRow campaign, CampaignSpec spec, Map<String, Integer> counts,
      List<OtaStore.DeviceRow> devices) {}

  private final OtaStore store;
  private final Supplier<List<DeviceView>> fleet;
  private final BiConsumer<String, OtaOffer> offers;
  private final Clock clock;
  private final OtaListener listener;

  /**
   * @param fleet every enrolled device (the hub's fleet registry)
   * @param offers sends an offer to a device (the hub's downlink)
   */
  public CampaignEngine(OtaStore store, Supplier<List<DeviceView>> fleet, BiConsumer<String, OtaOffer> offers,
      Clock clock, OtaListener listener) {
    this.store = store;
    this.fleet = fleet;
    this.offers = offers;
    this.clock = clock;
    this.listener = listener;
  }

  public synchronized View create(CampaignSpec raw, String actor) {
    CampaignSpec spec = raw.normalized();
    spec.validate();
    OtaStore.Release release = store.release(spec.target())
        .orElseThrow(() -> new IllegalArgumentException("no published release named " + spec.target()));
    Map<String, OtaStore.Profile> profiles = store.deviceProfiles();
    List<OtaStore.DeviceRow> devices = new ArrayList<>();
    Instant now = clock.instant();
    int pos = 0;
    for (DeviceView d : fleet.get()) {
      if (d.revoked() || release.version().equals(d.agentVersion()) || !matches(spec.selector(), d, profiles.get(d.deviceId()))) {
        continue;
      }
      devices.add(new OtaStore.DeviceRow(d.deviceId(), pos++, PENDING, d.agentVersion(), null, null, now));
    }
    if (devices.isEmpty()) {
      throw new IllegalArgumentException("no device matches the selector (or all already run " + release.version() + ")");
    }
    String id = "c-" + UUID.randomUUID().toString().substring(0, 13);
    String specJson;
    try {
      specJson = JSON.writeValueAsString(spec);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(e);
    }
    store.insertCampaign(new OtaStore.CampaignRow(id, spec.target(), release.version(), specJson, RUNNING, 0, null, now, now),
        devices);
    decide(store.campaign(id).orElseThrow(), "created", 0, devices.size() + " device(s)", actor);
    step(id);
    return view(id).orElseThrow();
  }

  private static boolean matches(CampaignSpec.Selector s, DeviceView d, OtaStore.Profile p) {
    if (s.group() != null && !s.group().equals(d.group())) {
      return false;
    }
    if (s.fromVersion() != null && !s.fromVersion().equals(d.agentVersion())) {
      return false;
    }
    List<String> tags = p == null ? List.of() : p.tags();
    return tags.containsAll(s.tags());
  }

  /** Advances every running campaign: timeouts, gates, waves, offers. */
  public synchronized void tick() {
    for (OtaStore.CampaignRow c : store.campaigns()) {
      if (RUNNING.equals(c.state())) {
        try {
          step(c.id());
        } catch (RuntimeException e) {
          LOG.warn("campaign {} step failed: {}", c.id(), e.toString());
        }
      }
    }
  }

  private void step(String id) {
    OtaStore.CampaignRow c = store.campaign(id).orElseThrow();
    if (!RUNNING.equals(c.state())) {
      return;
    }
    CampaignSpec spec = spec(c);
    WavePlan plan = spec.plan();
    Instant now = clock.instant();
    List<OtaStore.DeviceRow> devices = store.devices(id);
    for (OtaStore.DeviceRow d : devices) {
      if (inFlight(d.state()) && d.offeredAt() != null && d.offeredAt().plus(spec.timeout()).isBefore(now)) {
        store.updateDevice(id, d.deviceId(), FAILED, "no outcome within " + spec.deviceTimeout(), null, now);
      }
    }
    devices = store.devices(id);
    Map<String, Integer> counts = counts(devices);
    int n = devices.size();
    int offered = n - counts.get(PENDING);
    int updated = counts.get(UPDATED);
    int failed = counts.get(FAILED);
    // The failure budget counts only what happened since ops last resumed the campaign: devices
    // settled (updated or failed) before the resume are history, not a reason to pause again.
    OtaStore.Budget budget = store.budget(id);
    int settledBefore = budget.updated() + budget.failed();
    int offeredSince = Math.max(0, offered - settledBefore);
    int updatedSince = Math.max(0, updated - budget.updated());
    int failedSince = Math.max(0, failed - budget.failed());
    WavePlan.Gate gate = settledBefore > 0 && offeredSince == 0
        ? WavePlan.Gate.ADVANCE // resumed with everything offered settled: ops chose to go on
        : plan.gate(offeredSince, updatedSince, failedSince);
    if (gate == WavePlan.Gate.PAUSE) {
      String why = failedSince + " of " + offeredSince + " offered device(s) failed"
          + (settledBefore > 0 ? " since the last resume" : "") + ", above the failure ratio " + spec.maxFailureRatio();
      store.updateCampaign(id, PAUSED, c.wave(), why, now);
      decide(store.campaign(id).orElseThrow(), "paused", c.wave(), why, "campaign-engine");
      return;
    }
    if (updated + failed == n) {
      store.updateCampaign(id, COMPLETED, c.wave(), null, now);
      decide(store.campaign(id).orElseThrow(), "completed", c.wave(), updated + " updated, " + failed + " failed", "campaign-engine");
      return;
    }
    int wave = c.wave();
    int allowed = plan.cumulative(wave, n);
    if (offered >= allowed && gate == WavePlan.Gate.ADVANCE && wave < plan.waves() - 1) {
      wave++;
      allowed = plan.cumulative(wave, n);
      store.updateCampaign(id, RUNNING, wave, null, now);
      decide(store.campaign(id).orElseThrow(), "wave-opened", wave, "up to " + allowed + " of " + n + " device(s)",
          "campaign-engine");
    }
    if (offered >= allowed) {
      return;
    }
    MaintenanceWindow window = spec.maintenanceWindow();
    Map<String, ZoneId> zones = zones();
    for (OtaStore.DeviceRow d : devices) {
      if (offered >= allowed) {
        break;
      }
      if (!PENDING.equals(d.state())) {
        continue;
      }
      if (!window.allows(now, zones.getOrDefault(d.deviceId(), ZoneOffset.UTC))) {
        continue;
      }
      store.updateDevice(id, d.deviceId(), OFFERED, null, now, now);
      offers.accept(d.deviceId(), new OtaOffer(id, c.target(), c.version()));
      offered++;
    }
  }

  /** A device's report: moves its state in the campaign and re-evaluates the campaign at once. */
  public synchronized void onReport(String deviceId, OtaReport r) {
    Optional<OtaStore.CampaignRow> c = r.campaignId() == null || r.campaignId().isEmpty()
        ? store.campaigns().stream().filter(x -> x.version().equals(r.version()) && !COMPLETED.equals(x.state())).findFirst()
        : store.campaign(r.campaignId());
    if (c.isEmpty()) {
      LOG.info("OTA report from {} for no known campaign: {} {}", deviceId, r.version(), r.outcome());
      return;
    }
    String state = switch (r.outcome() == null ? "" : r.outcome()) {
      case OtaReport.DOWNLOADING -> DOWNLOADING;
      case OtaReport.INSTALLED -> INSTALLED;
      case OtaReport.UPDATED -> UPDATED;
      case OtaReport.ROLLED_BACK, OtaReport.FAILED -> FAILED;
      default -> null;
    };
    if (state == null) {
      LOG.warn("OTA report from {} with unknown outcome {}", deviceId, r.outcome());
      return;
    }
    OtaStore.DeviceRow cur = store.devices(c.get().id()).stream().filter(d -> d.deviceId().equals(deviceId)).findFirst().orElse(null);
    if (cur == null || UPDATED.equals(cur.state()) || (FAILED.equals(cur.state()) && !UPDATED.equals(state))) {
      return; // terminal already (a redelivered or late report changes nothing)
    }
    String detail = r.detail() == null ? r.outcome() : r.outcome() + ": " + r.detail();
    store.updateDevice(c.get().id(), deviceId, state, detail, null, clock.instant());
    step(c.get().id());
  }

  public synchronized View pause(String id, String actor) {
    return transition(id, RUNNING, PAUSED, "paused", actor);
  }

  /**
   * Resumes a paused campaign with a fresh failure budget: from now on the gate counts only the
   * devices not yet settled (in flight or offered later); earlier failures stay in the history.
   */
  public synchronized View resume(String id, String actor) {
    transition(id, PAUSED, RUNNING, "resumed", actor);
    Map<String, Integer> counts = counts(store.devices(id));
    store.setBudget(id, new OtaStore.Budget(counts.get(UPDATED), counts.get(FAILED)));
    step(id);
    return view(id).orElseThrow();
  }

  public synchronized View cancel(String id, String actor) {
    OtaStore.CampaignRow c = store.campaign(id).orElseThrow(() -> new java.util.NoSuchElementException("campaign " + id));
    if (CANCELLED.equals(c.state()) || COMPLETED.equals(c.state())) {
      throw new IllegalStateException("campaign " + id + " is already " + c.state());
    }
    Instant now = clock.instant();
    for (OtaStore.DeviceRow d : store.devices(id)) {
      if (PENDING.equals(d.state())) {
        store.updateDevice(id, d.deviceId(), SKIPPED, "campaign cancelled", null, now);
      }
    }
    store.updateCampaign(id, CANCELLED, c.wave(), "cancelled by " + actor, now);
    decide(store.campaign(id).orElseThrow(), "cancelled", c.wave(), null, actor);
    return view(id).orElseThrow();
  }

  private View transition(String id, String from, String to, String decision, String actor) {
    OtaStore.CampaignRow c = store.campaign(id).orElseThrow(() -> new java.util.NoSuchElementException("campaign " + id));
    if (!from.equals(c.state())) {
      throw new IllegalStateException("campaign " + id + " is " + c.state() + ", not " + from);
    }
    store.updateCampaign(id, to, c.wave(), PAUSED.equals(to) ? "paused by " + actor : null, clock.instant());
    decide(store.campaign(id).orElseThrow(), decision, c.wave(), null, actor);
    return view(id).orElseThrow();
  }

  public Optional<View> view(String id) {
    return store.campaign(id).map(c -> {
      List<OtaStore.DeviceRow> devices = store.devices(id);
      return new View(c, spec(c), counts(devices), devices);
    });
  }

  private Map<String, ZoneId> zones() {
    Map<String, String> groups = store.groupTimeZones();
    Map<String, OtaStore.Profile> profiles = store.deviceProfiles();
    Map<String, ZoneId> out = new LinkedHashMap<>();
    for (DeviceView d : fleet.get()) {
      OtaStore.Profile p = profiles.get(d.deviceId());
      String z = p != null && p.timeZone() != null ? p.timeZone() : groups.get(d.group());
      if (z != null) {
        try {
          out.put(d.deviceId(), ZoneId.of(z));
        } catch (DateTimeException e) {
          LOG.warn("device {} has an unknown time zone {}", d.deviceId(), z);
        }
      }
    }
    return out;
  }

  private static boolean inFlight(String s) {
    return OFFERED.equals(s) || DOWNLOADING.equals(s) || INSTALLED.equals(s);
  }

  private static Map<String, Integer> counts(List<OtaStore.DeviceRow> devices) {
    Map<String, Integer> m = new LinkedHashMap<>();
    for (String s : List.of(PENDING, OFFERED, DOWNLOADING, INSTALLED, UPDATED, FAILED, SKIPPED)) {
      m.put(s, 0);
    }
    devices.forEach(d -> m.merge(d.state(), 1, Integer::sum));
    return m;
  }

  private static CampaignSpec spec(OtaStore.CampaignRow c) {
    try {
      return JSON.readValue(c.specJson(), CampaignSpec.class);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("campaign " + c.id() + " has an unreadable spec", e);
    }
  }

  private void decide(OtaStore.CampaignRow c, String decision, int wave, String reason, String actor) {
    LOG.info("campaign {} {}: wave {} {}", c.id(), decision, wave, reason == null ? "" : reason);
    try {
      listener.campaignDecision(new OtaListener.CampaignDecision(c.id(), c.target(), c.version(), decision, wave, reason,
          counts(store.devices(c.id())), actor, clock.instant()));
    } catch (RuntimeException e) {
      LOG.warn("campaign listener failed: {}", e.toString());
    }
  }
}
