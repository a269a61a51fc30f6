package io.fedge.hub.metrics;

import io.fedge.federation.metrics.KindLabel;
import io.fedge.federation.wire.WireException;
import io.fedge.hub.fleet.DeviceView;
import io.fedge.hub.ledger.Ledger;
import io.fedge.hub.mqtt.HubMqttClient;
import io.fedge.hub.ota.CampaignEngine;
import io.fedge.hub.rounds.RoundDigest;
import io.fedge.hub.rounds.RoundListener;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The hub's domain metrics, fed from the edges only: the MQTT client's {@link
 * HubMqttClient.Traffic} hook, the rounds feature's {@link RoundListener}, a timing wrapper around
 * the {@link Ledger}, and counts read from the stores at scrape time ({@link #refresh}). No device
 * id, job id or campaign id is ever a label: labels are message kinds (the declared ones, else
 * "other"), refusal reasons (an enum), round outcome and phase, and OTA states (fixed sets).
 * Names and meanings: docs/observability.md.
 */
public final class HubMetrics implements HubMqttClient.Traffic {
  /** Where the gauges read from at scrape time. */
  public record Sources(
      Supplier<List<DeviceView>> devices,
      Supplier<Map<String, Map<String, Integer>>> otaDevicesByCampaignState,
      LongSupplier ledgerSize) {}

  private final MeterRegistry registry;
  private final Sources sources;
  private final Duration maxAge;
  private final AtomicLong enrolled = new AtomicLong();
  private final AtomicLong revoked = new AtomicLong();
  private final AtomicLong connected = new AtomicLong();
  private final AtomicLong ledgerSize = new AtomicLong();
  /** Campaign states counted in {@code fedge_hub_ota_devices} (finished campaigns are not). */
  static final List<String> OTA_CAMPAIGN_STATES = List.of(CampaignEngine.RUNNING, CampaignEngine.PAUSED);
  static final List<String> OTA_DEVICE_STATES = List.of(CampaignEngine.PENDING, CampaignEngine.OFFERED,
      CampaignEngine.DOWNLOADING, CampaignEngine.INSTALLED, CampaignEngine.UPDATED, CampaignEngine.FAILED,
      CampaignEngine.SKIPPED);
  private final Map<String, AtomicLong> otaDevices = new java.util.HashMap<>();
  private final Timer ledgerAppend;
  private final Counter ledgerAppended;
  private long refreshedAtNanos;
  private boolean refreshed;

  /**
   * @param maxAge how old the store-backed gauges may be before a scrape reads the stores again
   */
  public HubMetrics(MeterRegistry registry, Sources sources, Duration maxAge) {
    this.registry = registry;
    this.sources = sources;
    this.maxAge = maxAge;
    Gauge.builder("fedge_hub_devices_enrolled", enrolled, AtomicLong::get)
        .description("Devices enrolled and not revoked").strongReference(true).register(registry);
    Gauge.builder("fedge_hub_devices_revoked", revoked, AtomicLong::get)
        .description("Devices revoked").strongReference(true).register(registry);
    Gauge.builder("fedge_hub_devices_connected", connected, AtomicLong::get)
        .description("Enrolled devices currently online (connected to the broker)").strongReference(true).register(registry);
    Gauge.builder("fedge_hub_ledger_entries", ledgerSize, AtomicLong::get)
        .description("Entries in the Merkle ledger").strongReference(true).register(registry);
    for (String campaignState : OTA_CAMPAIGN_STATES) {
      for (String deviceState : OTA_DEVICE_STATES) {
        AtomicLong n = new AtomicLong();
        otaDevices.put(campaignState + "/" + deviceState, n);
        Gauge.builder("fedge_hub_ota_devices", n, AtomicLong::get)
            .description("Devices in running or paused OTA campaigns, by campaign state and device state")
            .tags("campaign_state", campaignState, "device_state", deviceState)
            .strongReference(true).register(registry);
      }
    }
    ledgerAppend = Timer.builder("fedge_hub_ledger_append_seconds")
        .description("Time to append one batch of entries to the ledger (durable when it returns)")
        .serviceLevelObjectives(seconds(0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5))
        .register(registry);
    ledgerAppended = Counter.builder("fedge_hub_ledger_appended_entries_total")
        .description("Entries appended to the ledger by this process").register(registry);
    for (String kind : KindLabel.known()) { // present from the first scrape, so rate() sees the first message
      received(kind, 0);
    }
  }

  // ---- messages (HubMqttClient.Traffic) ----

  @Override
  public void received(String kind) {
    received(KindLabel.of(kind), 1);
  }

  private void received(String kindLabel, int n) {
    Counter.builder("fedge_hub_messages_received_total").description("Device -> hub messages received, by kind")
        .tag("kind", kindLabel).register(registry).increment(n);
  }

  @Override
  public void refused(String kind, String reason) {
    Counter.builder("fedge_hub_messages_refused_total")
        .description("Device -> hub messages refused with an error reply, by kind and reason")
        .tags("kind", KindLabel.of(kind), "reason", reasonLabel(reason)).register(registry).increment();
  }

  @Override
  public void sent(String kind) {
    Counter.builder("fedge_hub_messages_sent_total").description("Hub -> device messages published, by kind")
        .tag("kind", KindLabel.of(kind)).register(registry).increment();
  }

  private static String reasonLabel(String reason) {
    return Arrays.stream(WireException.Reason.values()).map(Enum::name).anyMatch(n -> n.equals(reason)) ? reason : "UNKNOWN";
  }

  // ---- rounds ----

  /** The rounds feature's listener for these metrics. */
  public RoundListener rounds() {
    return new RoundListener() {
      @Override
      public void roundCompleted(RoundDigest digest) {}

      @Override
      public void attemptEnded(AttemptOutcome o) {
        Tags tags = Tags.of("phase", bounded(o.phase(), "scale", "train"), "state", bounded(o.state(), "DONE", "FAILED"));
        Timer.builder("fedge_hub_round_duration_seconds")
            .description("Round attempts from invitation to end, by phase and outcome")
            .tags(tags).serviceLevelObjectives(seconds(1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600))
            .register(registry).record(o.duration());
        DistributionSummary.builder("fedge_hub_round_participants")
            .description("Devices whose update was stored, per round attempt").tags(tags)
            .register(registry).record(o.participants());
        Counter.builder("fedge_hub_round_dropouts_total")
            .description("Invited devices that sent no stored update, summed over round attempts").tags(tags)
            .register(registry).increment(Math.max(0, o.invited() - o.participants()));
        if (!o.aggregation().isZero()) {
          Timer.builder("fedge_hub_round_aggregation_seconds")
              .description("Aggregation, validation and scoring of one round attempt")
              .tag("phase", bounded(o.phase(), "scale", "train"))
              .serviceLevelObjectives(seconds(0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60))
              .register(registry).record(o.aggregation());
        }
      }
    };
  }

  /** Histogram bucket bounds, given in seconds. */
  static Duration[] seconds(double... s) {
    return java.util.Arrays.stream(s).mapToObj(x -> Duration.ofNanos((long) (x * 1e9))).toArray(Duration[]::new);
  }

  private static String bounded(String value, String... allowed) {
    return Arrays.asList(allowed).contains(value) ? value : "other";
  }

  // ---- ledger ----

  /** {@code ledger}, timing every append into {@code fedge_hub_ledger_append_seconds}. */
  public Ledger timed(Ledger ledger) {
    return batch -> {
      List<Long> out = ledgerAppend.record(() -> ledger.appendAll(batch));
      ledgerAppended.increment(batch.size());
      return out;
    };
  }

  // ---- store-backed gauges ----

  /** Reads the stores again if the gauges are older than the maximum age; call before a scrape. */
  public synchronized void refresh() {
    long now = System.nanoTime();
    if (refreshed && now - refreshedAtNanos < maxAge.toNanos()) {
      return;
    }
    long e = 0;
    long r = 0;
    long c = 0;
    for (DeviceView d : sources.devices().get()) {
      if (d.revoked()) {
        r++;
      } else {
        e++;
        if (d.online()) {
          c++;
        }
      }
    }
    enrolled.set(e);
    revoked.set(r);
    connected.set(c);
    ledgerSize.set(sources.ledgerSize().getAsLong());
    Map<String, Map<String, Integer>> ota = sources.otaDevicesByCampaignState().get();
    otaDevices.forEach((key, n) -> {
      String[] k = key.split("/", 2);
      n.set(ota.getOrDefault(k[0], Map.of()).getOrDefault(k[1], 0));
    });
    refreshedAtNanos = now;
    refreshed = true;
  }
}
