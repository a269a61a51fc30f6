package io.fedge.hub.rounds;

import io.fedge.federation.rounds.Chunk;
import io.fedge.federation.rounds.RoundDecline;
import io.fedge.federation.rounds.SecAggMessage;
import io.fedge.federation.wire.ConsentDecision;
import io.fedge.federation.wire.Kinds;
import io.fedge.federation.wire.WireCodec;
import io.fedge.hub.db.Database;
import io.fedge.hub.fleet.DeviceView;
import io.fedge.hub.fleet.FleetStore;
import io.fedge.hub.messaging.Downlink;
import io.fedge.hub.messaging.UpstreamHandlers;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The federated-rounds feature of the hub, assembled: store, coordinator, the MQTT handlers (thin:
 * decode the body, call the coordinator) and the HTTP routes.
 */
public final class RoundsService {
  private static final Logger LOG = LoggerFactory.getLogger(RoundsService.class);
  private final RoundStore store;
  private final Coordinator coordinator;
  private volatile RoundListener listener = RoundListener.NONE;

  public RoundsService(Database db, FleetStore fleet, X509Certificate caRoot, Supplier<Downlink> downlink, Clock clock) {
    this.store = new RoundStore(db);
    this.coordinator = new Coordinator(store, (d, kind, body) -> downlink.get().send(d, kind, body),
        new CaDeviceKeys(caRoot, id -> fleet.device(id).map(v -> !v.revoked()).orElse(false)),
        group -> fleet.listDevices(new FleetStore.DeviceFilter(group, null, false, null)).stream()
            .map(DeviceView::deviceId).toList(),
        clock, new SecureRandom(), new RoundListener() {
          @Override
          public void roundCompleted(RoundDigest d) {
            listener.roundCompleted(d);
          }

          @Override
          public void consentRecorded(String jobId, String deviceId, boolean approved, String reason, String decidedBy,
              java.time.Instant decidedAt) {
            listener.consentRecorded(jobId, deviceId, approved, reason, decidedBy, decidedAt);
          }

          @Override
          public void modelPublished(RoundRecords.ModelRow model) {
            listener.modelPublished(model);
          }

          @Override
          public void attemptEnded(AttemptOutcome outcome) {
            listener.attemptEnded(outcome);
          }
        });
  }

  /** Registers the device -> hub kinds this feature owns; call before the broker starts. */
  public void registerHandlers(UpstreamHandlers upstream) {
    upstream.register(Kinds.CONSENT, (d, e) -> {
      ConsentDecision c = WireCodec.body(e, ConsentDecision.class);
      OtherJobs o = otherJobs;
      if (o != null && o.owns(c.jobId())) {
        o.onConsent(d, c);
      } else {
        coordinator.onConsent(d, c);
      }
    });
    upstream.register(Kinds.ROUND_CHUNK, (d, e) -> coordinator.onChunk(d, WireCodec.body(e, Chunk.class)));
    upstream.register(Kinds.SECAGG, (d, e) -> coordinator.onSecAgg(d, WireCodec.body(e, SecAggMessage.class)));
    upstream.register(Kinds.ROUND_DECLINE, (d, e) -> coordinator.onDecline(d, WireCodec.body(e, RoundDecline.class)));
  }

  /**
   * Settles what a previous run left open (on the scheduler, so the hub is ready at once: re-sending
   * a large model can take a while), then advances deadlines twice a second.
   */
  public void start(ScheduledExecutorService scheduler) {
    scheduler.execute(() -> {
      try {
        coordinator.recover();
      } catch (RuntimeException e) {
        LOG.error("recovering open rounds failed: {}", e.toString(), e);
      }
    });
    scheduler.scheduleWithFixedDelay(() -> {
      try {
        coordinator.tick();
      } catch (RuntimeException e) {
        LOG.warn("round coordinator tick failed: {}", e.toString(), e);
      }
    }, 500, 500, TimeUnit.MILLISECONDS);
  }

  /** Jobs run by another feature (vertical jobs) that share the job-offer and consent messages. */
  public interface OtherJobs {
    boolean owns(String jobId);

    void onConsent(String deviceId, ConsentDecision decision);
  }

  private volatile OtherJobs otherJobs;

  /** Routes consent decisions for the jobs {@code other} owns to it instead of the rounds coordinator. */
  public void routeConsent(OtherJobs other) {
    this.otherJobs = other;
  }

  /** Where completed rounds are reported (the ledger). */
  public void setListener(RoundListener l) {
    this.listener = l == null ? RoundListener.NONE : l;
  }

  public RoundRoutes routes() {
    return new RoundRoutes(coordinator, store);
  }

  public Coordinator coordinator() {
    return coordinator;
  }

  public RoundStore store() {
    return store;
  }

}
