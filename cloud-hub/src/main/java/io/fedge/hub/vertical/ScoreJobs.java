package io.fedge.hub.vertical;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fedge.federation.vertical.relay.KeyAnnouncement;
import io.fedge.federation.vertical.relay.ScoreControl;
import io.fedge.federation.vertical.relay.ScoreControl.ScoreProgress;
import io.fedge.federation.vertical.relay.ScoreControl.ScoreStage;
import io.fedge.federation.vertical.relay.VerticalControl.JobEnd;
import io.fedge.federation.vertical.relay.VerticalControl.StageReport;
import io.fedge.federation.wire.ConsentDecision;
import io.fedge.federation.wire.DatasetColumns;
import io.fedge.federation.wire.Ids;
import io.fedge.federation.wire.JobOffer;
import io.fedge.federation.wire.Kinds;
import io.fedge.federation.wire.WireCodec;
import io.fedge.federation.wire.WireException;
import io.fedge.hub.rounds.RoundListener;
import io.fedge.hub.rounds.RoundRecords.ModelRow;
import io.fedge.hub.rounds.RoundStore;
import io.fedge.hub.rounds.RoundTransport;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Batch-scoring jobs on the hub (docs/vertical.md, "Batch scoring"): ops names a published split
 * model and, per party, an aligned dataset; the parties consent, then the guest drives the scoring
 * in chunks directly with the hosts over the relay (sealed) and keeps the scores. The hub only
 * offers, relays, forwards job keys, and tracks the counts the guest reports; it never sees an id or
 * a score. Plain Java; messages come in through {@link #onMessage} on the vertical worker.
 *
 * <pre>
 * score job: CONSENT -> SCORING -> DONE | FAILED
 * </pre>
 *
 * State is held in memory: a hub restart ends running batch-scoring jobs (the chunks the guest
 * stored stay in its dataset).
 */
public final class ScoreJobs {
  private static final Logger LOG = LoggerFactory.getLogger(ScoreJobs.class);
  static final int DEFAULT_CHUNK_ROWS = 4096;
  static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);
  static final Duration DEFAULT_CONSENT_TIMEOUT = Duration.ofMinutes(10);
  private static final Pattern DATASET = Pattern.compile("[a-z][a-z0-9_]{0,62}");
  private static final Set<String> FIELDS = Set.of("id", "requester", "purpose", "output", "datasets", "chunkRows",
      "timeoutSeconds", "consentTimeoutSeconds");

  static {
    ScoreControl.register();
  }

  /** Sends one message of a job over the hub's relay end. */
  @FunctionalInterface
  public interface Sender {
    void send(String jobId, String to, Object message);
  }

  /** Where a batch-scoring job is. */
  public enum State { CONSENT, SCORING, DONE, FAILED }

  /** A refused request: 400 (the document), 404 (no such model) or 422 (a model that cannot batch-score). */
  public static final class InvalidScoreJobException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final int status;

    InvalidScoreJobException(int status, String message) {
      super(message);
      this.status = status;
    }

    public int status() {
      return status;
    }
  }

  private static final class Job {
    final String id;
    final String modelId;
    final String modelJob;
    final String model;
    final String guest;
    final List<String> hosts;
    final Map<String, String> datasets;
    final Map<String, List<String>> features;
    final String label;
    final String output;
    final int chunkRows;
    final Duration timeout;
    final Instant submittedAt;
    final Instant consentUntil;
    final Map<String, String> consent = new TreeMap<>();
    State state = State.CONSENT;
    String reason;
    long scored;
    long total = -1;
    int chunks;
    Instant lastProgress;
    Instant finishedAt;

    Job(String id, String modelId, String modelJob, String model, String guest, List<String> hosts,
        Map<String, String> datasets, Map<String, List<String>> features, String label, String output, int chunkRows,
        Duration timeout, Instant submittedAt, Instant consentUntil) {
      this.id = id;
      this.modelId = modelId;
      this.modelJob = modelJob;
      this.model = model;
      this.guest = guest;
      this.hosts = hosts;
      this.datasets = datasets;
      this.features = features;
      this.label = label;
      this.output = output;
      this.chunkRows = chunkRows;
      this.timeout = timeout;
      this.submittedAt = submittedAt;
      this.consentUntil = consentUntil;
    }

    List<String> parties() {
      List<String> p = new ArrayList<>();
      p.add(guest);
      p.addAll(hosts);
      return p;
    }

    List<DatasetColumns> reads(String device) {
      List<String> cols = new ArrayList<>();
      cols.add(VerticalSpec.ALIGNED_ID);
      cols.addAll(features.get(device));
      if (device.equals(guest) && label != null && !cols.contains(label)) {
        cols.add(label);
      }
      return List.of(new DatasetColumns(datasets.get(device), cols));
    }
  }

  private final RoundStore store;
  private final RoundTransport transport;
  private final Clock clock;
  private final Sender sender;
  private final Consumer<String> forget;
  private final Supplier<RoundListener> listener;
  private final Predicate<String> takenElsewhere;
  private final Map<String, Job> jobs = new LinkedHashMap<>();

  /**
   * @param sender the hub's end of the relay ({@code VerticalLink#send})
   * @param forget drops a job's relay state ({@code VerticalLink#forget})
   * @param takenElsewhere whether another feature runs a job of that id
   */
  public ScoreJobs(RoundStore store, RoundTransport transport, Clock clock, Sender sender, Consumer<String> forget,
      Supplier<RoundListener> listener, Predicate<String> takenElsewhere) {
    this.store = store;
    this.transport = transport;
    this.clock = clock;
    this.sender = sender;
    this.forget = forget;
    this.listener = listener;
    this.takenElsewhere = takenElsewhere;
  }

  // ------------------------------------------------------------------ submit and consent

  /** Starts a batch-scoring job of model {@code modelId}: offers it to every party of the model. */
  public synchronized ObjectNode submit(String modelId, byte[] document) {
    JsonNode n;
    try {
      n = document.length > 16 * 1024 ? null : WireCodec.mapper().readTree(document);
    } catch (IOException e) {
      n = null;
    }
    if (n == null || !n.isObject()) {
      throw invalid(400, "send a JSON object of at most 16 KiB: {\"id\", \"output\", \"datasets\"?, \"chunkRows\"?, ...}");
    }
    for (Iterator<String> it = n.fieldNames(); it.hasNext();) {
      String f = it.next();
      if (!FIELDS.contains(f)) {
        throw invalid(400, "unknown field '" + f + "'; known: " + new java.util.TreeSet<>(FIELDS));
      }
    }
    String id = n.path("id").asText("");
    if (!n.path("id").isTextual() || !Ids.isValid(id)) {
      throw invalid(400, "'id' must be 3-64 characters of [a-z0-9-], starting with a letter or digit");
    }
    String output = n.path("output").asText("");
    if (!n.path("output").isTextual() || !DATASET.matcher(output).matches()) {
      throw invalid(400, "'output' names the dataset the guest stores the scores in: 1-63 characters of [a-z0-9_], "
          + "starting with a letter");
    }
    int chunkRows = intField(n, "chunkRows", DEFAULT_CHUNK_ROWS, 1, ScoreControl.MAX_CHUNK_ROWS);
    Duration timeout = Duration.ofSeconds(intField(n, "timeoutSeconds", (int) DEFAULT_TIMEOUT.toSeconds(), 5, 3600));
    Duration consentTimeout = Duration.ofSeconds(intField(n, "consentTimeoutSeconds",
        (int) DEFAULT_CONSENT_TIMEOUT.toSeconds(), 10, 7 * 24 * 3600));
    String requester = optionalText(n, "requester", "ops");
    String purpose = optionalText(n, "purpose", "batch scoring with model " + modelId);

    ModelRow m = store.model(modelId, false).orElseThrow(() -> invalid(404, "model " + modelId + " does not exist"));
    JsonNode spec;
    try {
      spec = WireCodec.mapper().readTree(m.specJson());
    } catch (IOException e) {
      spec = null;
    }
    String model = spec == null ? "" : spec.path("model").asText("");
    if (spec == null || !spec.path("split").asBoolean(false) || !model.startsWith("vertical-")
        || !spec.path("features").isObject() || !spec.path("guest").isTextual()) {
      throw invalid(422, "model " + modelId + " is not a split vertical model; batch scoring runs only models "
          + "trained by a vertical job");
    }
    String objective = spec.path("objective").asText("binary");
    if (!"binary".equals(objective)) {
      throw invalid(422, "model " + modelId + " has objective " + objective + "; batch scoring stores one probability "
          + "per row and runs binary models only (score regression and multiclass models online)");
    }
    String guest = spec.get("guest").asText();
    Map<String, List<String>> features = new LinkedHashMap<>();
    spec.get("features").fields().forEachRemaining(e -> {
      List<String> f = new ArrayList<>();
      e.getValue().forEach(v -> f.add(v.asText()));
      features.put(e.getKey(), f);
    });
    if (!features.containsKey(guest)) {
      throw invalid(422, "model " + modelId + " names no features of its guest " + guest);
    }
    List<String> hosts = features.keySet().stream().filter(d -> !d.equals(guest)).sorted().toList();
    Map<String, String> datasets = new LinkedHashMap<>();
    String aligned = spec.path("aligned").asText(null);
    JsonNode given = n.path("datasets");
    if (!given.isMissingNode() && !given.isObject()) {
      throw invalid(400, "'datasets' maps each party's device id to its aligned dataset");
    }
    for (String d : features.keySet()) {
      JsonNode ds = given.path(d);
      String name = ds.isTextual() ? ds.asText() : given.isObject() && !given.isEmpty() ? null : aligned;
      if (name == null || !DATASET.matcher(name).matches()) {
        throw invalid(400, "'datasets' must name an aligned dataset for party " + d + " (every party of model "
            + modelId + ": " + features.keySet() + ")");
      }
      datasets.put(d, name);
    }
    if (given.isObject()) {
      for (Iterator<String> it = given.fieldNames(); it.hasNext();) {
        String d = it.next();
        if (!features.containsKey(d)) {
          throw invalid(400, "device " + d + " is not a party of model " + modelId + " (parties: " + features.keySet()
              + ")");
        }
      }
    }
    if (jobs.containsKey(id) || takenElsewhere.test(id) || store.job(id).isPresent()) {
      throw new IllegalStateException("a job with id '" + id + "' exists; choose another id");
    }
    Instant now = clock.instant();
    Job job = new Job(id, modelId, m.jobId(), model, guest, hosts, datasets, features,
        spec.path("label").isTextual() ? spec.get("label").asText() : null, output, chunkRows, timeout, now,
        now.plus(consentTimeout));
    jobs.put(id, job);
    for (String d : job.parties()) {
      job.consent.put(d, "pending");
      transport.send(d, Kinds.JOB_OFFER, new JobOffer(id, "Batch scoring with model " + modelId, requester, purpose,
          job.reads(d), job.consentUntil));
    }
    LOG.info("batch-scoring job {} of model {} submitted: guest {}, hosts {}", id, modelId, guest, hosts);
    return view(id).orElseThrow();
  }

  private static int intField(JsonNode n, String f, int def, int min, int max) {
    JsonNode v = n.get(f);
    if (v == null) {
      return def;
    }
    if (!v.canConvertToInt() || !v.isIntegralNumber() || v.asInt() < min || v.asInt() > max) {
      throw invalid(400, "'" + f + "' must be an integer from " + min + " to " + max);
    }
    return v.asInt();
  }

  private static String optionalText(JsonNode n, String f, String def) {
    JsonNode v = n.get(f);
    if (v == null) {
      return def;
    }
    if (!v.isTextual() || v.asText().isBlank() || v.asText().length() > 200) {
      throw invalid(400, "'" + f + "' must be text of 1 to 200 characters");
    }
    return v.asText();
  }

  private static InvalidScoreJobException invalid(int status, String message) {
    return new InvalidScoreJobException(status, message);
  }

  public synchronized boolean owns(String jobId) {
    return jobs.containsKey(jobId);
  }

  /** The parties of a running batch-scoring job (what the relay may carry), or empty. */
  public synchronized Optional<Set<String>> parties(String jobId) {
    Job j = jobs.get(jobId);
    return j == null || j.state != State.SCORING ? Optional.empty() : Optional.of(Set.copyOf(j.parties()));
  }

  public synchronized void onConsent(String deviceId, ConsentDecision d) {
    Job job = jobs.get(d.jobId());
    if (job == null || !job.consent.containsKey(deviceId)) {
      throw new WireException(WireException.Reason.INVALID_FIELD, "no batch-scoring job '" + d.jobId()
          + "' offered to this device");
    }
    boolean approved = d.approved();
    String reason = d.basis();
    if (approved && !DatasetColumns.covers(d.reads(), job.reads(deviceId))) {
      approved = false;
      reason = "approval does not cover every dataset and column the job reads";
    }
    job.consent.put(deviceId, approved ? "approved" : "refused");
    try {
      listener.get().consentRecorded(d.jobId(), deviceId, approved, reason, d.decidedBy(), d.decidedAt());
    } catch (RuntimeException e) {
      LOG.error("listener failed for the consent of {} to {}", deviceId, d.jobId(), e);
    }
    if (job.state != State.CONSENT) {
      return;
    }
    if (!approved) {
      fail(job, deviceId + " refused the job: every party of the model must take part");
    } else if (job.consent.values().stream().allMatch("approved"::equals)) {
      start(job);
    }
  }


  private void start(Job job) {
    job.state = State.SCORING;
    job.lastProgress = clock.instant();
    for (String d : job.parties()) {
      sender.send(job.id, d, new ScoreStage(job.id, job.modelJob, job.model, d.equals(job.guest) ? "guest" : "host",
          job.guest, job.hosts, job.datasets.get(d), job.output, job.label, job.chunkRows));
    }
    LOG.info("batch-scoring job {}: scoring started", job.id);
  }

  // ------------------------------------------------------------------ messages and time

  /** One whole message of a batch-scoring job from a party (after the relay). */
  public synchronized void onMessage(String jobId, String from, Object m) {
    Job job = jobs.get(jobId);
    if (job == null || job.state != State.SCORING) {
      return;
    }
    if (m instanceof KeyAnnouncement a) {
      if (!a.party().equals(from)) {
        throw new WireException(WireException.Reason.INVALID_FIELD, from + " announced a key for " + a.party());
      }
      for (String d : job.parties()) {
        if (!d.equals(from)) {
          sender.send(jobId, d, a);
        }
      }
    } else if (m instanceof ScoreProgress p) {
      if (!from.equals(job.guest)) {
        throw new WireException(WireException.Reason.INVALID_FIELD, "only the guest reports scoring progress");
      }
      if (p.scored() < job.scored || p.scored() < 0 || p.total() < p.scored()) {
        throw new WireException(WireException.Reason.INVALID_FIELD, "progress must count up to the total");
      }
      job.scored = p.scored();
      job.total = p.total();
      job.chunks = p.chunks();
      job.lastProgress = clock.instant();
      if (p.done()) {
        end(job, State.DONE, null);
        LOG.info("batch-scoring job {} done: {} rows in {} chunks", jobId, p.scored(), p.chunks());
      }
    } else if (m instanceof StageReport r && !r.ok()) {
      fail(job, "party " + from + " failed stage " + r.stage() + ": " + r.message());
    } else {
      LOG.warn("batch-scoring job {}: ignored a {} from {}", jobId, m.getClass().getSimpleName(), from);
    }
  }

  /** Fails jobs past their consent window, and scoring that made no progress within its timeout. */
  public synchronized void tick() {
    Instant now = clock.instant();
    for (Job j : jobs.values()) {
      if (j.state == State.CONSENT && now.isAfter(j.consentUntil)) {
        fail(j, "not every party consented before " + j.consentUntil);
      } else if (j.state == State.SCORING && now.isAfter(j.lastProgress.plus(j.timeout))) {
        fail(j, "no progress for " + j.timeout.toSeconds() + " s; a party may be offline");
      }
    }
  }

  private void fail(Job job, String reason) {
    if (job.state == State.DONE || job.state == State.FAILED) {
      return;
    }
    LOG.warn("batch-scoring job {} failed: {}", job.id, reason);
    end(job, State.FAILED, reason);
  }

  private void end(Job job, State state, String reason) {
    boolean notify = job.state != State.CONSENT;
    job.state = state;
    job.reason = reason;
    job.finishedAt = clock.instant();
    if (notify) {
      for (String p : job.parties()) {
        sender.send(job.id, p, new JobEnd(job.id, state.name(), reason));
      }
    }
    forget.accept(job.id);
  }

  /** A job's public state (counts only: no id, no score), or empty. */
  public synchronized Optional<ObjectNode> view(String jobId) {
    Job j = jobs.get(jobId);
    if (j == null) {
      return Optional.empty();
    }
    ObjectNode n = WireCodec.mapper().createObjectNode();
    n.put("id", j.id);
    n.put("type", "batch-score");
    n.put("modelId", j.modelId);
    n.put("state", j.state.name());
    n.put("reason", j.reason);
    n.put("guest", j.guest);
    n.set("hosts", WireCodec.mapper().valueToTree(j.hosts));
    n.set("datasets", WireCodec.mapper().valueToTree(j.datasets));
    n.put("output", j.output);
    n.put("chunkRows", j.chunkRows);
    n.put("consentUntil", j.consentUntil.toString());
    n.set("consent", WireCodec.mapper().valueToTree(j.consent));
    ObjectNode p = n.putObject("progress");
    p.put("rowsScored", j.scored);
    if (j.total >= 0) {
      p.put("rowsTotal", j.total);
      p.put("fraction", j.total == 0 ? 1.0 : (double) j.scored / j.total);
    }
    p.put("chunks", j.chunks);
    n.put("submittedAt", j.submittedAt.toString());
    n.put("finishedAt", j.finishedAt == null ? null : j.finishedAt.toString());
    return Optional.of(n);
  }

  /** Views of every batch-scoring job since the hub started, newest first. */
  public synchronized List<ObjectNode> list() {
    List<ObjectNode> out = new ArrayList<>();
    jobs.keySet().forEach(id -> out.add(0, view(id).orElseThrow()));
    return out;
  }
}
