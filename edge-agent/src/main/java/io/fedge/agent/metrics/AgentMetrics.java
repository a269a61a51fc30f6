package io.fedge.agent.metrics;

import io.fedge.agent.data.IngestMonitor;
import io.fedge.agent.data.IngestProgress;
import io.fedge.agent.mqtt.ConnectionState;
import io.fedge.agent.mqtt.LinkStats;
import io.fedge.agent.mqtt.MessageHandler;
import io.fedge.agent.mqtt.Outbox;
import io.fedge.federation.metrics.KindLabel;
import io.fedge.federation.rounds.ParticipantListener;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;

/**
 * The agent's domain metrics, fed from the edges: the MQTT link's statistics, the outbox (depth,
 * oldest row, a per-kind count of queued messages through its topic listener), a counting wrapper
 * around the downstream message handler, the ingest monitor's progress updates, the rounds'
 * progress listener (training time), and the OTA phase. Labels are message kinds (declared ones,
 * else "other"), dataset names (configured on this appliance), connection states and OTA phases.
 * Names and meanings: docs/observability.md.
 */
public final class AgentMetrics {
  /** The OTA phases {@code fedge_agent_ota_phase} reports (one is 1, the others 0). */
  public static final List<String> OTA_PHASES =
      List.of("idle", "refresh", "download", "install", "switch", "health-check", "failed");

  private final MeterRegistry registry;
  private final Clock clock;
  private final Map<String, long[]> ingestSeen = new HashMap<>();
  private final Map<String, Long> trainingStarted = new HashMap<>();
  // Micrometer keeps only weak references to what a function counter reads: hold them here.
  private final List<Object> sources = new java.util.concurrent.CopyOnWriteArrayList<>();

  public AgentMetrics(MeterRegistry registry, Clock clock) {
    this.registry = registry;
    this.clock = clock;
  }

  // ---- MQTT link ----

  /** Link state and counters; {@code link} is empty until the agent has enrolled and started its link. */
  public AgentMetrics link(Supplier<LinkStats> link) {
    sources.add(link);
    for (ConnectionState s : ConnectionState.values()) {
      Gauge.builder("fedge_agent_mqtt_connection_state", link, l -> stats(l).state() == s ? 1 : 0)
          .description("1 for the MQTT link's current state, 0 for the others").tag("state", s.name())
          .strongReference(true).register(registry);
    }
    linkCounter("fedge_agent_mqtt_connects_total", "Successful MQTT connections since start", link, LinkStats::connects);
    linkCounter("fedge_agent_mqtt_disconnects_total", "Established MQTT connections lost or closed (each is followed by a reconnect)",
        link, LinkStats::disconnects);
    linkCounter("fedge_agent_mqtt_published_total", "Outbox rows handed to the broker, re-sends included", link, LinkStats::published);
    linkCounter("fedge_agent_mqtt_acked_total", "Outbox rows the broker acknowledged", link, LinkStats::acked);
    linkCounter("fedge_agent_mqtt_rejected_total", "Acknowledgements with an error reason code", link, LinkStats::rejected);
    linkCounter("fedge_agent_mqtt_dead_lettered_total", "Outbox rows set aside as undeliverable", link, LinkStats::deadLettered);
    Gauge.builder("fedge_agent_mqtt_inflight", link, l -> stats(l).inflight())
        .description("Messages sent and not yet acknowledged").strongReference(true).register(registry);
    return this;
  }

  private void linkCounter(String name, String help, Supplier<LinkStats> link, ToDoubleFunction<LinkStats> f) {
    FunctionCounter.builder(name, link, l -> f.applyAsDouble(stats(l))).description(help).register(registry);
  }

  private static LinkStats stats(Supplier<LinkStats> link) {
    LinkStats s = link.get();
    return s != null ? s : new LinkStats(ConnectionState.DISCONNECTED, null, 0, 0, 0, 0, 0, 0, 0, 0);
  }

  // ---- outbox and messages ----

  /** Depth, age of the oldest row, dead letters, and messages queued by kind. */
  public AgentMetrics outbox(Outbox outbox) {
    Gauge.builder("fedge_agent_outbox_depth", outbox, Outbox::depth)
        .description("Messages waiting in the outbox (in flight included)").strongReference(true).register(registry);
    Gauge.builder("fedge_agent_outbox_oldest_age_seconds", outbox,
            o -> o.oldestCreatedAt().map(t -> Duration.between(t, clock.instant()).toMillis() / 1000.0).orElse(0.0))
        .description("Age of the oldest message in the outbox; 0 when it is empty").register(registry);
    Gauge.builder("fedge_agent_outbox_dead_letters", outbox, Outbox::deadLetterDepth)
        .description("Messages set aside as undeliverable").strongReference(true).register(registry);
    for (String kind : KindLabel.known()) {
      sentCounter(kind);
      receivedCounter(kind);
    }
    outbox.addTopicListener(topic -> sentCounter(KindLabel.of(lastSegment(topic))).increment());
    return this;
  }

  private Counter sentCounter(String kindLabel) {
    return Counter.builder("fedge_agent_messages_sent_total")
        .description("Device -> hub messages queued in the outbox, by kind").tag("kind", kindLabel).register(registry);
  }

  private Counter receivedCounter(String kindLabel) {
    return Counter.builder("fedge_agent_messages_received_total")
        .description("Hub -> device messages received, by kind").tag("kind", kindLabel).register(registry);
  }

  /** {@code handler}, counting each message it is given by the kind in its topic. */
  public MessageHandler countingReceived(MessageHandler handler) {
    return (topic, payload) -> {
      receivedCounter(KindLabel.of(lastSegment(topic))).increment();
      handler.onMessage(topic, payload);
    };
  }

  private static String lastSegment(String topic) {
    return topic == null ? null : topic.substring(topic.lastIndexOf('/') + 1);
  }

  // ---- ingest ----

  /** Rows loaded and quarantined by dataset, from the monitor's progress updates. */
  public AgentMetrics ingest(IngestMonitor monitor) {
    monitor.subscribe(this::onIngest);
    return this;
  }

  private void onIngest(IngestProgress p) {
    long[] before;
    synchronized (ingestSeen) {
      before = ingestSeen.getOrDefault(p.id(), new long[2]);
      boolean running = p.state() == IngestProgress.State.RUNNING || p.state() == IngestProgress.State.WAITING;
      if (running) {
        ingestSeen.put(p.id(), new long[] {p.rowsLoaded(), p.rowsQuarantined()});
      } else {
        ingestSeen.remove(p.id());
      }
    }
    String dataset = p.dataset() == null ? "unknown" : p.dataset();
    long loaded = p.rowsLoaded() - before[0];
    long quarantined = p.rowsQuarantined() - before[1];
    if (loaded > 0) {
      Counter.builder("fedge_agent_ingest_rows_total").description("Rows loaded, by dataset")
          .tag("dataset", dataset).register(registry).increment(loaded);
    }
    if (quarantined > 0) {
      Counter.builder("fedge_agent_ingest_quarantined_rows_total").description("Rows quarantined, by dataset")
          .tag("dataset", dataset).register(registry).increment(quarantined);
    }
  }

  // ---- rounds ----

  /** Time from the start of local training to the update being sent, per round attempt. */
  public ParticipantListener rounds() {
    return (jobId, round, attempt, stage, loss, detail) -> {
      String key = jobId + "/" + round + "/" + attempt;
      synchronized (trainingStarted) {
        if ("training".equals(stage)) {
          if (trainingStarted.size() > 100) {
            trainingStarted.clear(); // attempts that never ended; bounded
          }
          trainingStarted.put(key, System.nanoTime());
          return;
        }
        Long start = trainingStarted.remove(key);
        if (start != null && ("sent".equals(stage) || "failed".equals(stage) || "declined".equals(stage))) {
          Timer.builder("fedge_agent_training_seconds")
              .description("Local training per round attempt, until the update was sent (or training failed)")
              .tag("outcome", "sent".equals(stage) ? "sent" : "failed")
              .serviceLevelObjectives(java.util.stream.LongStream.of(1, 5, 15, 30, 60, 120, 300, 600, 1800)
                  .mapToObj(Duration::ofSeconds).toArray(Duration[]::new))
              .register(registry)
              .record(Duration.ofNanos(System.nanoTime() - start));
        }
      }
    };
  }

  // ---- OTA ----

  /** The OTA phase as a 0/1 gauge per phase. */
  public AgentMetrics ota(Supplier<String> phase) {
    for (String p : OTA_PHASES) {
      Gauge.builder("fedge_agent_ota_phase", phase, s -> p.equals(s.get()) ? 1 : 0)
          .description("1 for the OTA updater's current phase, 0 for the others").tag("phase", p).strongReference(true).register(registry);
    }
    return this;
  }
}
