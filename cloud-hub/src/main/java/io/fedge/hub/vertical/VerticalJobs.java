package io.fedge.hub.vertical;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fedge.federation.vertical.LrArbiter;
import io.fedge.federation.vertical.LrMessages;
import io.fedge.federation.vertical.VerticalMessage;
import io.fedge.federation.vertical.relay.KeyAnnouncement;
import io.fedge.federation.vertical.relay.VerticalControl;
import io.fedge.federation.vertical.relay.VerticalControl.EvaluateTest;
import io.fedge.federation.vertical.relay.VerticalControl.JobEnd;
import io.fedge.federation.vertical.relay.VerticalControl.LrStage;
import io.fedge.federation.vertical.relay.VerticalControl.PsiStage;
import io.fedge.federation.vertical.relay.VerticalControl.StageReport;
import io.fedge.federation.vertical.relay.VerticalLink;
import io.fedge.federation.vertical.relay.VerticalPacket;
import io.fedge.federation.wire.ConsentDecision;
import io.fedge.federation.wire.DatasetColumns;
import io.fedge.federation.wire.JobOffer;
import io.fedge.federation.wire.Kinds;
import io.fedge.federation.wire.WireCodec;
import io.fedge.federation.wire.WireException;
import io.fedge.hub.rounds.RoundDigest;
import io.fedge.hub.rounds.RoundListener;
import io.fedge.hub.rounds.RoundRecords.ModelRow;
import io.fedge.hub.rounds.RoundStore;
import io.fedge.hub.rounds.RoundTransport;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs vertical jobs on the hub: offer (consent) -> PSI -> vertical LR with the hub as arbiter
 * ({@link LrArbiter}) -> test evaluation at the guest -> model published in the registry, with its
 * digest to the ledger through the {@link RoundListener}; then online scoring through the parties.
 * Plain Java: devices are reached through a {@link RoundTransport}, their packets come in through
 * {@link #onPacket}; everything after the relay runs on one thread ({@code vertical-hub}).
 *
 * <pre>
 * job: CONSENT -> PSI -> TRAINING -> TESTING -> DONE | FAILED
 * </pre>
 *
 * With {@link #persistTo} the state is also kept in the hub database ({@link VerticalStore}): after a
 * restart finished jobs are served again and their models scored through scoring sessions; running
 * jobs fail ("hub restarted during stage X") and their parties get {@code JobEnd}.
 */
public final class VerticalJobs implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(VerticalJobs.class);

  static {
    VerticalControl.register();
  }

  /** Where a vertical job is. */
  public enum State { CONSENT, PSI, TRAINING, TESTING, DONE, FAILED }

  private final RoundStore store;
  private final RoundTransport transport;
  private final Clock clock;
  private final SecureRandom random;
  private volatile RoundListener listener = RoundListener.NONE;
  private final VerticalLink link;
  private final VerticalRelay relay;
  private final ScoreJobs scoreJobs;
  private final Map<String, Job> jobs = new ConcurrentHashMap<>();
  private final Map<String, String> modelToJob = new ConcurrentHashMap<>();
  private final AtomicLong requests = new AtomicLong();
  /** Fresh relay streams of restored jobs (scoring sessions after a restart) -> their job. */
  private final Map<String, Job> sessions = new ConcurrentHashMap<>();
  private volatile VerticalStore persisted;
  private final ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "vertical-hub");
    t.setDaemon(true);
    return t;
  });

  private static final class Job {
    final VerticalSpec spec;
    volatile State state = State.CONSENT;
    volatile String reason;
    final Instant consentUntil;
    final Map<String, String> consent = new ConcurrentHashMap<>();
    final Map<String, StageReport> reports = new ConcurrentHashMap<>();
    final Map<String, String> shares = new TreeMap<>();
    LrArbiter arbiter;
    long alignedRows = -1;
    /** Replaced whole (never mutated) so the HTTP view can read it while the worker runs. */
    volatile Map<String, Double> metrics = Map.of();
    String modelId;
    final Map<String, CompletableFuture<double[]>> pendingScores = new ConcurrentHashMap<>();
    Instant createdAt = Instant.EPOCH;
    String savedMark;
    String scoringSession;

    Job(VerticalSpec spec, Instant consentUntil) {
      this.spec = spec;
      this.consentUntil = consentUntil;
    }
  }

  public VerticalJobs(RoundStore store, RoundTransport transport, Clock clock, SecureRandom random) {
    this.store = store;
    this.transport = transport;
    this.clock = clock;
    this.random = random;
    this.link = new VerticalLink(VerticalPacket.HUB, null, null, p -> transport.send(p.to(), Kinds.VERTICAL, p),
        (job, from, m) -> worker.execute(() -> safely(job, () -> onMessage(job, from, m))), random, 512L << 20);
    this.relay = new VerticalRelay(this::relayParties, transport, link::onPacket);
    this.scoreJobs = new ScoreJobs(store, transport, clock, link::send, link::forget, () -> listener, jobs::containsKey);
  }

  public void setListener(RoundListener l) {
    this.listener = l == null ? RoundListener.NONE : l;
  }

  /** The {@code vertical} kind from a device: validated and relayed. */
  public void onPacket(String deviceId, VerticalPacket p) {
    relay.onPacket(deviceId, p);
  }

  private Optional<Set<String>> relayParties(String jobId) {
    Job j = jobs.get(jobId);
    if (j == null) {
      j = sessions.get(jobId);
    }
    if (j == null) {
      return scoreJobs.parties(jobId);
    }
    if (j.state == State.CONSENT || j.state == State.FAILED) {
      return Optional.empty();
    }
    return Optional.of(Set.copyOf(j.spec.parties()));
  }

  // ------------------------------------------------------------------ submit and consent

  public synchronized ObjectNode submit(byte[] document) {
    VerticalSpec spec = VerticalSpec.parse(document);
    Instant now = clock.instant();
    Job job = new Job(spec, now.plus(spec.consentTimeout()));
    job.createdAt = now;
    if (scoreJobs.owns(spec.id()) || jobs.containsKey(spec.id()) || store.job(spec.id()).isPresent()) {
      throw new IllegalStateException("a job with id '" + spec.id() + "' exists; choose another id");
    }
    if (spec.reuse()) {
      AlignedDatasets.checkReuse(spec, jobs.values().stream().filter(j -> !j.spec.reuse()
          && j.spec.parties().stream().allMatch(p -> j.reports.containsKey("psi/" + p))).map(j -> j.spec).toList());
    }
    jobs.put(spec.id(), job);
    save(job);
    for (String d : spec.parties()) {
      job.consent.put(d, "pending");
      transport.send(d, Kinds.JOB_OFFER, new JobOffer(spec.id(), spec.title(), spec.requester(), spec.purpose(),
          spec.reads(d), job.consentUntil));
    }
    LOG.info("vertical job {} submitted: guest {}, hosts {}", spec.id(), spec.guest().device(),
        spec.hosts().stream().map(VerticalSpec.Party::device).toList());
    return view(spec.id()).orElseThrow();
  }

  /** Whether this feature runs {@code jobId} (consent decisions are routed here then). */
  public boolean owns(String jobId) {
    return jobs.containsKey(jobId) || scoreJobs.owns(jobId);
  }

  /** Batch-scoring jobs of the models these jobs published. */
  public ScoreJobs scoreJobs() {
    return scoreJobs;
  }

  public void onConsent(String deviceId, ConsentDecision d) {
    if (scoreJobs.owns(d.jobId())) {
      scoreJobs.onConsent(deviceId, d);
      return;
    }
    Job job = jobs.get(d.jobId());
    if (job == null || !job.consent.containsKey(deviceId)) {
      throw new WireException(WireException.Reason.INVALID_FIELD, "no vertical job '" + d.jobId() + "' offered to this device");
    }
    boolean approved = d.approved();
    String reason = d.basis();
    if (approved && !DatasetColumns.covers(d.reads(), job.spec.reads(deviceId))) {
      approved = false;
      reason = "approval does not cover every dataset and column the job reads";
    }
    job.consent.put(deviceId, approved ? "approved" : "refused");
    try {
      listener.consentRecorded(d.jobId(), deviceId, approved, reason, d.decidedBy(), d.decidedAt());
    } catch (RuntimeException e) {
      LOG.error("listener failed for the consent of {} to {}", deviceId, d.jobId(), e);
    }
    LOG.info("device {} {} vertical job {} ({})", deviceId, approved ? "approved" : "refused", d.jobId(), reason);
    boolean ok = approved;
    worker.execute(() -> safely(d.jobId(), () -> {
      if (job.state != State.CONSENT) {
        return;
      }
      if (!ok) {
        fail(job, deviceId + " refused the job: every party must take part in a vertical job");
      } else if (job.consent.values().stream().allMatch("approved"::equals)) {
        start(job);
      }
    }));
  }


  /** Fails jobs whose consent window passed; call periodically. */
  public void tick() {
    if (!restartNotices.isEmpty()) {
      worker.execute(this::sendRestartNotices);
    }
    scoreJobs.tick();
    Instant now = clock.instant();
    for (Job j : jobs.values()) {
      if (j.state == State.CONSENT && now.isAfter(j.consentUntil)) {
        worker.execute(() -> safely(j.spec.id(), () -> {
          if (j.state == State.CONSENT) {
            fail(j, "not every party consented before " + j.consentUntil);
          }
        }));
      }
    }
  }

  // ------------------------------------------------------------------ stages

  private void start(Job job) {
    VerticalSpec s = job.spec;
    if (s.reuse()) {
      startTraining(job);
      return;
    }
    job.state = State.PSI;
    List<String> hosts = s.hosts().stream().map(VerticalSpec.Party::device).toList();
    for (String d : s.parties()) {
      VerticalSpec.Party p = s.party(d);
      List<String> cols = new ArrayList<>(p.features());
      if (p.label() != null) {
        cols.add(p.label());
      }
      if (!s.storesAligned(d)) {
        cols.clear(); // GUEST_LEARNS / UNBALANCED host: reads its ids only
      }
      link.send(s.id(), d, new PsiStage(s.id(), d.equals(s.guest().device()) ? "guest" : "host", s.guest().device(),
          hosts, p.dataset(), p.idColumn(), cols, s.normalization(), s.mode().name(), s.aligned(), s.filterId()));
    }
    LOG.info("vertical job {}: PSI started", s.id());
  }

  private void startTraining(Job job) {
    VerticalSpec s = job.spec;
    job.state = State.TRAINING;
    if (s.trees() != null) { // SecureBoost-style trees: the guest drives, the hub relays
      for (String d : s.parties()) {
        link.send(s.id(), d, TreeStages.stage(s, d));
      }
      LOG.info("vertical job {}: tree training started ({} trees, depth {}, {}-bit key)", s.id(), s.trees().trees(),
          s.trees().maxDepth(), s.trees().keyBits());
      return;
    }
    List<String> hosts = s.hosts().stream().map(VerticalSpec.Party::device).toList();
    for (String d : s.parties()) {
      VerticalSpec.Party p = s.party(d);
      link.send(s.id(), d, new LrStage(s.id(), d.equals(s.guest().device()) ? "guest" : "host", s.guest().device(),
          hosts, s.aligned(), p.features(), p.label(), s.testFraction(), s.seed()));
    }
    job.arbiter = new LrArbiter(VerticalPacket.HUB, s.id(), s.lr(), s.guest().device(), hosts,
        (to, m) -> link.send(s.id(), to, m), random);
    job.arbiter.start();
    LOG.info("vertical job {}: LR training started", s.id());
  }

  private void onMessage(String jobId, String from, Object m) {
    Job job = jobs.get(jobId);
    if (job == null) {
      job = sessions.get(jobId);
    }
    if (job == null) {
      scoreJobs.onMessage(jobId, from, m);
      return;
    }
    if (m instanceof KeyAnnouncement a) {
      if (!a.party().equals(from)) {
        throw new WireException(WireException.Reason.INVALID_FIELD, from + " announced a key for " + a.party());
      }
      for (String d : job.spec.parties()) {
        if (!d.equals(from)) {
          link.send(jobId, d, a);
        }
      }
    } else if (m instanceof StageReport r) {
      onReport(job, from, r);
    } else if (m instanceof LrMessages.ScoreResult r) {
      if (!from.equals(job.spec.guest().device())) {
        throw new WireException(WireException.Reason.INVALID_FIELD, "only the guest returns scores");
      }
      CompletableFuture<double[]> f = job.pendingScores.remove(r.requestId());
      if (f != null) {
        f.complete(r.scores());
      }
    } else if (m instanceof io.fedge.federation.vertical.BoostMessages.ScoreResult r) {
      if (!from.equals(job.spec.guest().device())) {
        throw new WireException(WireException.Reason.INVALID_FIELD, "only the guest returns scores");
      }
      CompletableFuture<double[]> f = job.pendingScores.remove(r.requestId());
      if (f != null) {
        f.complete(r.scores());
      }
    } else if (m instanceof VerticalMessage v) {
      if (job.arbiter == null || job.state != State.TRAINING) {
        throw new WireException(WireException.Reason.INVALID_FIELD, "LR message for job " + jobId + " outside training");
      }
      job.arbiter.receive(from, v);
    } else {
      LOG.warn("vertical job {}: ignored a {} from {}", jobId, m.getClass().getSimpleName(), from);
    }
  }

  private void onReport(Job job, String from, StageReport r) {
    if (!r.ok()) {
      if ("score".equals(r.stage())) {
        job.pendingScores.values().forEach(f -> f.completeExceptionally(new IllegalArgumentException(
            "party " + from + " could not score: " + r.message())));
        job.pendingScores.clear();
        return;
      }
      fail(job, "party " + from + " failed stage " + r.stage() + ": " + r.message());
      return;
    }
    job.reports.put(r.stage() + "/" + from, r);
    List<String> parties = job.spec.parties();
    switch (r.stage()) {
      case "psi" -> {
        if (job.state != State.PSI) {
          return;
        }
        if (!job.spec.storesAligned(from)) {
          // a GUEST_LEARNS / UNBALANCED host learned nothing; its report only says it took part
        } else if (job.alignedRows >= 0 && job.alignedRows != r.rows()) {
          fail(job, "parties found intersections of different sizes (" + job.alignedRows + " and " + r.rows() + ")");
          return;
        }
        if (job.spec.storesAligned(from)) {
          job.alignedRows = r.rows();
        }
        if (parties.stream().allMatch(p -> job.reports.containsKey("psi/" + p))) {
          LOG.info("vertical job {}: PSI aligned {} rows at every party", job.spec.id(), job.alignedRows);
          if (job.spec.psiOnly()) {
            PsiOnlyJobs.finish(job.spec, job.reports, job.alignedRows, m -> job.metrics = m);
            job.state = State.DONE;
            for (String p : parties) {
              link.send(job.spec.id(), p, new JobEnd(job.spec.id(), "DONE", null));
            }
          } else if (job.alignedRows < 2) {
            fail(job, "the parties have " + job.alignedRows + " ids in common; too few to train");
          } else {
            startTraining(job);
          }
        }
      }
      case "lr" -> {
        if (r.shareSha256() != null) {
          job.shares.put(from, r.shareSha256());
        }
        if (job.state == State.TRAINING && job.arbiter.done()
            && parties.stream().allMatch(p -> job.reports.containsKey("lr/" + p))) {
          job.state = State.TESTING;
          for (String p : parties) {
            link.send(job.spec.id(), p, new EvaluateTest(job.spec.id()));
          }
        }
      }
      case "trees" -> {
        if (r.shareSha256() != null) {
          job.shares.put(from, r.shareSha256());
        }
        if (job.state == State.TRAINING && parties.stream().allMatch(p -> job.reports.containsKey("trees/" + p))) {
          job.state = State.TESTING; // the guest scores the test rows through the hosts' routes
          link.send(job.spec.id(), job.spec.guest().device(), new EvaluateTest(job.spec.id()));
        }
      }
      case "test" -> {
        if (job.state == State.TESTING && from.equals(job.spec.guest().device())) {
          Map<String, Double> m = new TreeMap<>(r.metrics());
          m.put("test_rows", (double) r.rows());
          publish(job, m);
        }
      }
      default -> LOG.warn("vertical job {}: unknown stage {} from {}", job.spec.id(), r.stage(), from);
    }
  }

  private void publish(Job job, Map<String, Double> metrics) {
    VerticalSpec s = job.spec;
    Instant now = clock.instant();
    List<LrMessages.EpochReport> history = job.arbiter == null ? List.of() : job.arbiter.history();
    if (!history.isEmpty() && job.arbiter.bestEpoch() >= 0) {
      LrMessages.EpochReport best = history.stream().filter(h -> h.epoch() == job.arbiter.bestEpoch()).findFirst()
          .orElse(history.get(history.size() - 1));
      // the guest's headline validation metric and loss per objective (docs/vertical.md, "Objectives")
      String[] names = switch (s.objective().kind()) {
        case BINARY -> new String[] {"validation_auc", "validation_log_loss"};
        case REGRESSION -> new String[] {"validation_r2", "validation_mse"};
        case MULTICLASS -> new String[] {"validation_accuracy", "validation_log_loss"};
      };
      metrics.put(names[0], best.validationAuc());
      metrics.put(names[1], best.validationLoss());
    }
    // without early stopping the guest reports no epochs; the arbiter's last epoch is the kept one
    if (job.arbiter != null) {
      metrics.put("epochs", (double) (history.isEmpty() ? job.arbiter.bestEpoch() + 1 : history.size()));
    }
    metrics.put("aligned_rows", (double) job.alignedRows);
    ObjectNode spec = WireCodec.mapper().createObjectNode();
    spec.put("model", s.trees() != null ? TreeStages.MODEL : "vertical-lr");
    spec.put("split", true);
    spec.put("guest", s.guest().device());
    spec.put("label", s.guest().label());
    spec.put("objective", s.objective().toString());
    spec.put("normalization", s.normalization());
    spec.put("aligned", s.aligned());
    ObjectNode features = spec.putObject("features");
    for (String p : s.parties()) {
      features.set(p, WireCodec.mapper().valueToTree(s.party(p).features()));
    }
    if (s.trees() != null) {
      spec.set("trees", TreeStages.describe(s.trees()));
    }
    spec.set("shares", WireCodec.mapper().valueToTree(job.shares));
    String specJson = spec.toString();
    String sha = sha256Hex(specJson.getBytes(StandardCharsets.UTF_8));
    int version = store.nextModelVersion(s.id());
    ModelRow m = new ModelRow(s.id() + "-v" + version, s.id(), version, 1, sha, specJson, json(metrics),
        json(new java.util.TreeSet<>(s.parties())), now, new byte[0]);
    store.publishModel(m, now);
    job.metrics = java.util.Collections.unmodifiableMap(new TreeMap<>(metrics));
    job.modelId = m.modelId();
    modelToJob.put(m.modelId(), s.id());
    job.state = State.DONE;
    try {
      String phase = s.trees() != null ? TreeStages.MODEL : "vertical-lr";
      listener.roundCompleted(new RoundDigest(s.id(), 1, 1, phase, s.parties(), job.shares, sha,
          metrics, Map.of(), Map.of(), now));
      listener.modelPublished(m);
    } catch (RuntimeException e) {
      LOG.error("listener failed for vertical job {}", s.id(), e);
    }
    LOG.info("vertical job {} done: model {} test metrics {}", s.id(), m.modelId(), metrics);
  }

  private void fail(Job job, String reason) {
    if (job.state == State.DONE || job.state == State.FAILED) {
      return;
    }
    List<String> notify = job.state == State.CONSENT ? List.of() : job.spec.parties();
    job.state = State.FAILED;
    job.reason = reason;
    for (String p : notify) {
      link.send(job.spec.id(), p, new JobEnd(job.spec.id(), "FAILED", reason));
    }
    link.forget(job.spec.id());
    LOG.warn("vertical job {} failed: {}", job.spec.id(), reason);
  }

  private void safely(String jobId, Runnable r) {
    try {
      r.run();
    } catch (RuntimeException e) {
      Job j = jobs.get(jobId);
      LOG.warn("vertical job {}: {}", jobId, e.getMessage());
      if (j != null && j.state != State.DONE) {
        fail(j, e.getMessage());
      }
    } finally {
      Job j = jobs.get(jobId);
      if (j != null) {
        save(j);
      }
    }
  }

  // ------------------------------------------------------------------ durability (VerticalStore)

  /**
   * Keeps vertical jobs in {@code store} from now on and restores the stored ones: finished jobs
   * are listed again and their models can be scored (through a scoring session, the parties reload
   * their kept shares); jobs that were running are FAILED ("hub restarted during stage X") and
   * their parties told {@code JobEnd} at the first {@link #tick}. Call once, before traffic.
   */
  public void persistTo(VerticalStore store) {
    for (VerticalStore.Row r : store.all()) {
      VerticalSpec spec;
      try {
        spec = VerticalSpec.parse(r.document().getBytes(StandardCharsets.UTF_8));
      } catch (RuntimeException e) { // written by another hub version: keep the row, do not serve it
        LOG.error("vertical job {} in the database cannot be restored: {}", r.jobId(), e.getMessage());
        continue;
      }
      Job j = new Job(spec, r.consentUntil());
      j.state = State.valueOf(r.state());
      j.reason = r.reason();
      j.consent.putAll(r.consent());
      j.reports.putAll(r.reports());
      j.shares.putAll(r.shares());
      j.alignedRows = r.alignedRows();
      j.metrics = java.util.Collections.unmodifiableMap(new TreeMap<>(r.metrics()));
      j.modelId = r.modelId();
      j.createdAt = r.createdAt();
      jobs.put(spec.id(), j);
      if (j.modelId != null && j.state == State.DONE) {
        modelToJob.put(j.modelId, spec.id());
      }
      if (j.state != State.DONE && j.state != State.FAILED) {
        String stage = j.state.name();
        boolean started = j.state != State.CONSENT;
        j.state = State.FAILED;
        j.reason = "hub restarted during stage " + stage;
        if (started) {
          restartNotices.add(j);
        }
        LOG.warn("vertical job {} failed: {}", spec.id(), j.reason);
      }
    }
    this.persisted = store;
    jobs.values().forEach(this::save);
    LOG.info("vertical jobs restored: {}", jobs.size());
  }

  private final java.util.Queue<Job> restartNotices = new java.util.concurrent.ConcurrentLinkedQueue<>();

  /** JobEnd to the parties of a job failed by a restart, on a fresh stream: the job's own is gone with the hub. */
  private void sendRestartNotices() {
    for (Job j; (j = restartNotices.poll()) != null; ) {
      for (String p : j.spec.parties()) {
        link.send(freshStream(), p, new JobEnd(j.spec.id(), "FAILED", j.reason));
      }
    }
  }

  private String freshStream() {
    byte[] b = new byte[8];
    random.nextBytes(b);
    return "session-" + HexFormat.of().formatHex(b);
  }

  private void save(Job j) {
    VerticalStore st = persisted;
    if (st == null) {
      return;
    }
    String mark = j.state + "|" + j.reason + "|" + j.consent + "|" + j.reports.keySet() + "|" + j.modelId + "|" + j.alignedRows;
    if (mark.equals(j.savedMark)) {
      return;
    }
    try {
      st.save(new VerticalStore.Row(j.spec.id(), j.spec.document().toString(), j.state.name(), j.reason, j.consentUntil,
          new TreeMap<>(j.consent), j.alignedRows, new TreeMap<>(j.reports), new TreeMap<>(j.shares), j.metrics,
          j.modelId, j.createdAt, clock.instant()));
      j.savedMark = mark;
    } catch (RuntimeException e) {
      LOG.error("vertical job {}: cannot store its state", j.spec.id(), e);
    }
  }

  /** A scoring session for a job restored after a restart: a fresh stream on which every party reloads its share. */
  private String scoringSession(Job job) {
    if (job.scoringSession == null) {
      VerticalSpec s = job.spec;
      String session = freshStream();
      List<String> hosts = s.hosts().stream().map(VerticalSpec.Party::device).toList();
      sessions.put(session, job);
      for (String d : s.parties()) {
        VerticalSpec.Party p = s.party(d);
        link.send(session, d, new VerticalControl.ScoringSession(session, s.id(), d.equals(s.guest().device())
            ? "guest" : "host", s.guest().device(), hosts, s.aligned(), p.features(), p.label(), job.shares.get(d),
            s.objective().toString()));
      }
      job.scoringSession = session;
    }
    return job.scoringSession;
  }

  /** Forgets a job's scoring session (its stream breaks when a party restarts); the next score opens a new one. */
  private void dropScoringSession(Job job, String session) {
    if (session != null && session.equals(job.scoringSession)) {
      sessions.remove(job.scoringSession);
      link.forget(job.scoringSession);
      job.scoringSession = null;
    }
  }

  // ------------------------------------------------------------------ scoring and views

  /** The result of an online score: probabilities in request order and the round-trip time. */
  public record Scored(String modelId, List<String> ids, double[] probabilities, double latencyMs) {}

  /**
   * Scores ids online: the hub normalises each id with the job's rule and sends a ScoreRequest to
   * every party; hosts send their partial scores to the guest (sealed), the guest returns the
   * probabilities. Throws IllegalArgumentException for an unknown model or an id a party lacks.
   */
  public Scored score(String modelId, List<String> rawIds, long timeoutMs) throws Exception {
    String jobId = modelToJob.get(modelId);
    if (jobId == null) {
      throw new java.util.NoSuchElementException("model " + modelId + " is not a live vertical model on this hub");
    }
    Job job = jobs.get(jobId);
    if (job.state != State.DONE) {
      throw new java.util.NoSuchElementException("model " + modelId + " is not a live vertical model on this hub");
    }
    List<String> ids = new ArrayList<>();
    for (String raw : rawIds) {
      ids.add(job.spec.normalizer().normalize(raw).orElseThrow(() -> new IllegalArgumentException(
          "id '" + raw + "' is not valid under the job's normalisation rule " + job.spec.normalization())));
    }
    String requestId = "score-" + requests.incrementAndGet();
    CompletableFuture<double[]> f = new CompletableFuture<>();
    java.util.concurrent.atomic.AtomicReference<String> usedSession = new java.util.concurrent.atomic.AtomicReference<>();
    long t0 = System.nanoTime();
    job.pendingScores.put(requestId, f);
    worker.execute(() -> {
      try {
        if (job.arbiter != null) {
          job.arbiter.requestScores(requestId, ids);
        } else if ("sbt".equals(job.spec.model())) { // trees always score with the kept shares (restart-proof)
          String session = scoringSession(job);
          usedSession.set(session);
          link.send(session, job.spec.guest().device(), TreeStages.scoreRequest(session, requestId, ids));
        } else { // an LR job restored after a restart: the parties score with their kept shares
          String session = scoringSession(job);
          usedSession.set(session);
          for (String p : job.spec.parties()) {
            link.send(session, p, new LrMessages.ScoreRequest(session, requestId, ids, true));
          }
        }
      } catch (RuntimeException e) {
        f.completeExceptionally(e);
      }
    });
    try {
      double[] p = f.get(timeoutMs, java.util.concurrent.TimeUnit.MILLISECONDS);
      return new Scored(modelId, ids, p, (System.nanoTime() - t0) / 1e6);
    } catch (java.util.concurrent.ExecutionException e) {
      throw e.getCause() instanceof Exception x ? x : e;
    } catch (java.util.concurrent.TimeoutException e) {
      // a party may have restarted: the next score opens a fresh session (unless another did already)
      worker.execute(() -> dropScoringSession(job, usedSession.get()));
      throw e;
    } finally {
      job.pendingScores.remove(requestId);
    }
  }

  /** Every job's public state, newest first (restored ones included). */
  public List<ObjectNode> list() {
    return jobs.values().stream().sorted(java.util.Comparator.comparing((Job j) -> j.createdAt).reversed()
        .thenComparing(j -> j.spec.id())).map(j -> view(j.spec.id()).orElseThrow()).toList();
  }

  /** The objective of a live vertical model (binary, regression, multiclass). */
  public io.fedge.federation.vertical.Objective objectiveOf(String modelId) {
    String jobId = modelToJob.get(modelId);
    if (jobId == null) {
      throw new java.util.NoSuchElementException("model " + modelId + " is not a live vertical model on this hub");
    }
    return jobs.get(jobId).spec.objective();
  }

  /** A job's public state, or empty. */
  public Optional<ObjectNode> view(String jobId) {
    Job j = jobs.get(jobId);
    if (j == null) {
      return Optional.empty();
    }
    ObjectNode n = WireCodec.mapper().createObjectNode();
    n.put("id", jobId);
    n.put("type", "vertical");
    n.put("state", j.state.name());
    n.put("reason", j.reason);
    n.put("consentUntil", j.consentUntil.toString());
    n.set("consent", WireCodec.mapper().valueToTree(new TreeMap<>(j.consent)));
    if (j.alignedRows >= 0) {
      n.put("alignedRows", j.alignedRows);
    }
    if (j.arbiter != null) {
      n.put("epochs", j.arbiter.history().isEmpty() ? j.arbiter.bestEpoch() + 1 : j.arbiter.history().size());
    }
    n.set("metrics", WireCodec.mapper().valueToTree(j.metrics));
    n.put("modelId", j.modelId);
    n.set("document", j.spec.document());
    return Optional.of(n);
  }

  private static String json(Object o) {
    try {
      return WireCodec.mapper().writeValueAsString(o);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static String sha256Hex(byte[] b) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    worker.shutdownNow();
  }

  static Map<String, Object> ordered(Object... kv) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put((String) kv[i], kv[i + 1]);
    }
    return m;
  }
}
