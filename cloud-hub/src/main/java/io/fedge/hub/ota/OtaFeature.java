package io.fedge.hub.ota;

import io.fedge.federation.wire.Envelope;
import io.fedge.federation.wire.WireCodec;
import io.fedge.federation.wire.WireException;
import io.fedge.hub.api.ApiError;
import io.fedge.hub.api.OpsAuth;
import io.fedge.hub.db.Database;
import io.fedge.hub.fleet.DeviceView;
import io.fedge.ota.wire.OtaOffer;
import io.fedge.ota.wire.OtaReport;
import io.fedge.provisioning.CertificateAuthority;
import io.fedge.provisioning.Identity;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * The hub's OTA feature in one place: store, release service, campaign engine, routes, and the
 * {@code ota-report} handler. The hub constructs it, registers {@link #onReport}, mounts
 * {@link #routes}, and calls {@link #tick} on its scheduler. {@link #listener} is the hook for
 * the ledger.
 */
public final class OtaFeature {
  private final OtaStore store;
  private final ReleaseService releases;
  private final CampaignEngine campaigns;
  private final Path dir;
  private volatile OtaListener listener = OtaListener.NONE;

  /**
   * @param dir {@code <data>/ota}: targets/ and uploads/
   * @param fleet every enrolled device
   * @param offers sends an offer to one device (the hub's downlink)
   */
  public OtaFeature(Database db, Path dir, OtaHubSettings settings, Clock clock, Supplier<List<DeviceView>> fleet,
      BiConsumer<String, OtaOffer> offers) {
    this.dir = dir;
    this.store = new OtaStore(db);
    OtaListener delegate = new OtaListener() {
      @Override
      public void releasePublished(ReleasePublished r) {
        listener.releasePublished(r);
      }

      @Override
      public void campaignDecision(CampaignDecision d) {
        listener.campaignDecision(d);
      }
    };
    this.releases = new ReleaseService(store, dir.resolve("targets"), settings.maxTargetBytes(), clock, delegate);
    this.campaigns = new CampaignEngine(store, fleet, offers, clock, delegate);
  }

  /** Where release-published and campaign-decision records go (the ledger). */
  public void listener(OtaListener l) {
    this.listener = l == null ? OtaListener.NONE : l;
  }

  /**
   * Devices of the running and paused campaigns, counted by campaign state, then device state (for
   * metrics; finished campaigns are left out so the work per scrape stays bounded).
   */
  public java.util.Map<String, java.util.Map<String, Integer>> activeDeviceStates() {
    java.util.Map<String, java.util.Map<String, Integer>> out = new java.util.TreeMap<>();
    for (OtaStore.CampaignRow c : store.campaigns()) {
      if (CampaignEngine.RUNNING.equals(c.state()) || CampaignEngine.PAUSED.equals(c.state())) {
        java.util.Map<String, Integer> byDevice = out.computeIfAbsent(c.state(), k -> new java.util.TreeMap<>());
        store.devices(c.id()).forEach(d -> byDevice.merge(d.state(), 1, Integer::sum));
      }
    }
    return out;
  }

  public CampaignEngine campaigns() {
    return campaigns;
  }

  public ReleaseService releases() {
    return releases;
  }

  /** The {@code ota-report} upstream handler. */
  public void onReport(String deviceId, Envelope message) throws WireException {
    OtaReport r;
    try {
      r = WireCodec.mapper().treeToValue(message.body(), OtaReport.class);
    } catch (java.io.IOException | IllegalArgumentException e) {
      throw new WireException(WireException.Reason.MALFORMED, "ota-report body is not an OtaReport: " + e.getMessage());
    }
    if (r.version() == null || r.outcome() == null) {
      throw new WireException(WireException.Reason.INVALID_FIELD, "ota-report needs version and outcome");
    }
    campaigns.onReport(deviceId, r);
  }

  public void tick() {
    campaigns.tick();
  }

  /**
   * @param deviceAllowed true for an enrolled, unrevoked device id
   */
  public OtaRoutes routes(Vertx vertx, OpsAuth auth, Predicate<String> deviceAllowed) {
    return new OtaRoutes(vertx, releases, campaigns, store, auth, cert -> deviceOf(cert, deviceAllowed),
        dir.resolve("uploads"));
  }

  /**
   * The device behind a client certificate. The TLS layer already checked the chain to the hub's
   * root (the HTTPS server trusts only it); this checks validity, the device role and the registry.
   */
  static String deviceOf(X509Certificate cert, Predicate<String> deviceAllowed) {
    try {
      cert.checkValidity();
      Identity id = CertificateAuthority.identityOf(cert);
      if (id.role() != Identity.Role.DEVICE || !deviceAllowed.test(id.id())) {
        throw new ApiError(403, "device_not_allowed", "only enrolled, unrevoked devices may fetch updates");
      }
      return id.id();
    } catch (CertificateException | IllegalArgumentException e) {
      throw new ApiError(403, "device_not_allowed", "the client certificate is not a valid device certificate");
    }
  }
}
