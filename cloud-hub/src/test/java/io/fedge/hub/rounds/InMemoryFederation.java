package io.fedge.hub.rounds;

import io.fedge.federation.model.Table;
import io.fedge.federation.model.TableCsv;
import io.fedge.federation.rounds.Chunk;
import io.fedge.federation.rounds.RoundDecline;
import io.fedge.federation.rounds.RoundEnd;
import io.fedge.federation.rounds.RoundInvite;
import io.fedge.federation.rounds.RoundParticipant;
import io.fedge.federation.rounds.SecAggMessage;
import io.fedge.federation.rounds.TableLearner;
import io.fedge.federation.wire.ConsentDecision;
import io.fedge.federation.wire.DatasetColumns;
import io.fedge.federation.wire.JobOffer;
import io.fedge.federation.wire.Kinds;
import io.fedge.federation.wire.WireCodec;
import io.fedge.hub.db.Database;
import io.fedge.hub.db.Migrations;
import io.fedge.provisioning.CertificateAuthority;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BiPredicate;

/**
 * A hub coordinator and devices with real participants, real crypto and a real database, joined by
 * an in-memory transport: every message is encoded and decoded by the wire codec and delivered on
 * one queue thread, like the MQTT adapters do. Tests can drop messages and replace the hub.
 */
final class InMemoryFederation implements AutoCloseable {
  final CertificateAuthority ca;
  final Map<String, Device> devices = new LinkedHashMap<>();
  final String dbUrl;
  /** The hub's clock: phases and consent periods end only as it moves. */
  final Clock clock;
  Database db;
  RoundStore store;
  volatile Coordinator coordinator;
  final List<RoundDigest> digests = new java.util.concurrent.CopyOnWriteArrayList<>();
  /** A further listener of the coordinator (e.g. the hub's metrics). */
  volatile RoundListener also = RoundListener.NONE;
  /** (deviceId, envelope kind+step) -> true to drop a hub->device message. */
  volatile BiPredicate<String, Object> dropDown = (d, m) -> false;
  /** Devices that refuse job offers. */
  final Set<String> refusing = ConcurrentHashMap.newKeySet();
  /** Encoded bytes of round messages (invite, chunk, secagg, end, decline) per device, for benchmarks. */
  final Map<String, java.util.concurrent.atomic.LongAdder> roundBytesDown = new ConcurrentHashMap<>();
  final Map<String, java.util.concurrent.atomic.LongAdder> roundBytesUp = new ConcurrentHashMap<>();
  /** Nanoseconds the transport thread spent inside the coordinator's upload and secagg handlers. */
  final java.util.concurrent.atomic.AtomicLong hubHandlerNanos = new java.util.concurrent.atomic.AtomicLong();
  /** CPU time of the transport thread inside those handlers (contention with the devices excluded). */
  final java.util.concurrent.atomic.AtomicLong hubHandlerCpuNanos = new java.util.concurrent.atomic.AtomicLong();
  /** Of {@link #hubHandlerNanos}: the handler calls during which a round completed (the aggregation step). */
  final java.util.concurrent.atomic.AtomicLong hubCompletingNanos = new java.util.concurrent.atomic.AtomicLong();
  /** System.nanoTime() of the first round invitation sent since the last {@link #resetCounters()}. */
  final java.util.concurrent.atomic.AtomicLong firstInviteNanos = new java.util.concurrent.atomic.AtomicLong();
  private final ExecutorService queue = Executors.newSingleThreadExecutor(r -> new Thread(r, "transport"));
  private final ExecutorService training = Executors.newFixedThreadPool(2);
  private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor();

  final class Device {
    final String id;
    final KeyPair key;
    final List<X509Certificate> chain;
    final RoundParticipant participant;
    final Path data;
    final List<String> stages = new java.util.concurrent.CopyOnWriteArrayList<>();

    Device(String id, KeyPair key, List<X509Certificate> chain, Path data) {
      this.id = id;
      this.key = key;
      this.chain = chain;
      this.data = data;
      this.participant = new RoundParticipant(id, key::getPrivate, () -> chain,
          new TableLearner(inv -> TableCsv.read(data, inv.label(), null)),
          (kind, body) -> up(id, kind, body), training, new SecureRandom(),
          (j, r, a, s, l, d) -> stages.add(r + "." + a + ":" + s));
    }
  }

  InMemoryFederation(Path dir, String dbUrl, List<Path> dataFiles) throws Exception {
    this(dir, dbUrl, dataFiles, Clock.systemUTC());
  }

  /**
   * With {@code clock} as the hub's time. A clock the test holds still means no phase and no
   * consent period ever times out: an attempt moves on only when every participant has answered,
   * or when the test moves the clock past a deadline.
   */
  InMemoryFederation(Path dir, String dbUrl, List<Path> dataFiles, Clock clock) throws Exception {
    this.ca = CertificateAuthority.loadOrCreate(dir.resolve("ca"), Clock.systemUTC());
    this.dbUrl = dbUrl;
    this.clock = clock;
    int k = 1;
    for (Path f : dataFiles) {
      KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
      g.initialize(new ECGenParameterSpec("secp256r1"));
      KeyPair kp = g.generateKeyPair();
      String id = "d-site" + (k++);
      X509Certificate cert = ca.issueDevice(kp.getPublic(), id, "dealers", Duration.ofDays(1));
      devices.put(id, new Device(id, kp, ca.chainFor(cert), f));
    }
    startHub();
    ticker.scheduleWithFixedDelay(() -> {
      try {
        coordinator.tick();
      } catch (RuntimeException e) {
        e.printStackTrace();
      }
    }, 100, 100, TimeUnit.MILLISECONDS);
  }

  /** (Re)starts the hub side on the same database, as a restarted process would. */
  void startHub() {
    db = Database.open(dbUrl);
    Migrations.migrateToLatest(db);
    store = new RoundStore(db);
    coordinator = new Coordinator(store, this::down, new CaDeviceKeys(ca.root(), devices::containsKey),
        g -> new ArrayList<>(devices.keySet()), clock, new SecureRandom(), new RoundListener() {
          @Override
          public void roundCompleted(RoundDigest d) {
            digests.add(d);
            also.roundCompleted(d);
          }

          @Override
          public void attemptEnded(AttemptOutcome o) {
            also.attemptEnded(o);
          }
        });
    coordinator.recover();
  }

  /** Forgets the hub's memory, like kill -9: queued deliveries to it are lost. */
  void killHub() {
    db.close();
    Coordinator dead = new Coordinator(store, (d, k, b) -> { }, (d, c) -> null, g -> List.of(), Clock.systemUTC(),
        new SecureRandom(), d -> { });
    try {
      dead.recover(); // fails on the closed database; its handlers then fail too, like a dead process
    } catch (RuntimeException expected) {
      // the database is closed
    }
    coordinator = dead;
  }

  /** Zeroes the byte, time and first-invite counters. */
  void resetCounters() {
    roundBytesDown.clear();
    roundBytesUp.clear();
    hubHandlerNanos.set(0);
    hubCompletingNanos.set(0);
    hubHandlerCpuNanos.set(0);
    firstInviteNanos.set(0);
  }

  private static boolean roundKind(String kind) {
    return !kind.equals(Kinds.JOB_OFFER) && !kind.equals(Kinds.CONSENT);
  }

  private void down(String deviceId, String kind, Object body) {
    byte[] wire = WireCodec.encode(WireCodec.envelope(kind, "hub-test", java.time.Instant.now(), body));
    if (kind.equals(Kinds.ROUND_INVITE)) {
      firstInviteNanos.compareAndSet(0, System.nanoTime());
    }
    if (roundKind(kind)) {
      roundBytesDown.computeIfAbsent(deviceId, k -> new java.util.concurrent.atomic.LongAdder()).add(wire.length);
    }
    queue.execute(() -> {
      var e = WireCodec.decode(wire);
      Device d = devices.get(deviceId);
      switch (kind) {
        case Kinds.JOB_OFFER -> {
          JobOffer o = WireCodec.body(e, JobOffer.class);
          boolean ok = !refusing.contains(deviceId);
          up(deviceId, Kinds.CONSENT, new ConsentDecision(o.jobId(), ok, ok ? o.reads() : List.<DatasetColumns>of(),
              "test-policy", java.time.Instant.now(), ok ? "policy:test" : "policy:test: not this job"));
        }
        case Kinds.ROUND_INVITE -> {
          RoundInvite i = WireCodec.body(e, RoundInvite.class);
          if (!dropDown.test(deviceId, i)) {
            d.participant.onInvite(i);
          }
        }
        case Kinds.ROUND_CHUNK -> d.participant.onChunk(WireCodec.body(e, Chunk.class));
        case Kinds.SECAGG -> {
          SecAggMessage m = WireCodec.body(e, SecAggMessage.class);
          if (!dropDown.test(deviceId, m)) {
            d.participant.onSecAgg(m);
          }
        }
        case Kinds.ROUND_END -> d.participant.onEnd(WireCodec.body(e, RoundEnd.class));
        default -> throw new IllegalStateException(kind);
      }
    });
  }

  private void up(String deviceId, String kind, Object body) {
    byte[] wire = WireCodec.encode(WireCodec.envelope(kind, deviceId, java.time.Instant.now(), body));
    if (roundKind(kind)) {
      roundBytesUp.computeIfAbsent(deviceId, k -> new java.util.concurrent.atomic.LongAdder()).add(wire.length);
    }
    queue.execute(() -> {
      var e = WireCodec.decode(wire);
      Coordinator c = coordinator;
      long t0 = System.nanoTime();
      long cpu0 = java.lang.management.ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
      int completed = digests.size();
      try {
        switch (kind) {
          case Kinds.CONSENT -> c.onConsent(deviceId, WireCodec.body(e, ConsentDecision.class));
          case Kinds.ROUND_CHUNK -> c.onChunk(deviceId, WireCodec.body(e, Chunk.class));
          case Kinds.SECAGG -> c.onSecAgg(deviceId, WireCodec.body(e, SecAggMessage.class));
          case Kinds.ROUND_DECLINE -> c.onDecline(deviceId, WireCodec.body(e, RoundDecline.class));
          default -> throw new IllegalStateException(kind);
        }
      } catch (RuntimeException ex) {
        ex.printStackTrace();
      } finally {
        if (roundKind(kind)) {
          long took = System.nanoTime() - t0;
          hubHandlerNanos.addAndGet(took);
          hubHandlerCpuNanos.addAndGet(
              java.lang.management.ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime() - cpu0);
          if (digests.size() != completed) {
            hubCompletingNanos.addAndGet(took);
          }
        }
      }
    });
  }

  RoundRecords.JobRow job(String id) {
    return store.job(id).orElseThrow();
  }

  static Table table(Path p) throws Exception {
    return TableCsv.read(p, "y", "id");
  }

  @Override
  public void close() {
    ticker.shutdownNow();
    queue.shutdownNow();
    training.shutdownNow();
    try {
      db.close();
    } catch (RuntimeException e) {
      // already closed by killHub
    }
  }
}
