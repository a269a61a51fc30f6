package io.fedge.hub.rounds;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fedge.federation.crypto.CryptoException;
import io.fedge.federation.crypto.RoundKeyPair;
import io.fedge.federation.model.Models;
import io.fedge.federation.model.Scaler;
import io.fedge.federation.model.Table;
import io.fedge.federation.model.TableCsv;
import io.fedge.federation.rounds.Chunk;
import io.fedge.federation.rounds.Chunks;
import io.fedge.federation.rounds.DatasetRead;
import io.fedge.federation.rounds.RoundDecline;
import io.fedge.federation.rounds.RoundEnd;
import io.fedge.federation.rounds.RoundIds;
import io.fedge.federation.rounds.RoundInvite;
import io.fedge.federation.rounds.SecAggMessage;
import io.fedge.federation.rounds.SecAggParams;
import io.fedge.federation.rounds.TableColumns;
import io.fedge.federation.rounds.UpdatePayload;
import io.fedge.federation.rounds.UpdateTransfer;
import io.fedge.federation.secagg.SecAggException;
import io.fedge.federation.secagg.SecAggResult;
import io.fedge.federation.secagg.SecAggServer;
import io.fedge.federation.secagg.ShareDelivery;
import io.fedge.federation.wire.ConsentDecision;
import io.fedge.federation.wire.DatasetColumns;
import io.fedge.federation.wire.JobOffer;
import io.fedge.federation.wire.Kinds;
import io.fedge.federation.wire.WireCodec;
import io.fedge.federation.wire.WireException;
import io.fedge.hub.rounds.RoundRecords.JobRow;
import io.fedge.hub.rounds.RoundRecords.JobState;
import io.fedge.hub.rounds.RoundRecords.ParticipantRow;
import io.fedge.hub.rounds.RoundRecords.RoundRow;
import io.fedge.hub.rounds.RoundRecords.RoundState;
import io.fedge.hub.rounds.RoundRecords.UpdateRow;
import java.io.IOException;
import java.nio.file.Path;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs federated jobs as a persisted state machine. Plain Java: devices are reached through a
 * {@link RoundTransport}, device messages come in through {@link #onConsent}, {@link #onChunk},
 * {@link #onSecAgg} and {@link #onDecline}, time advances through {@link #tick}.
 *
 * <pre>
 * job:     CONSENT -> RUNNING -> DONE | FAILED | CANCELLED
 * attempt: plain   COLLECTING -> AGGREGATING -> DONE | FAILED
 *          secure  ADVERTISING -> SHARING -> COLLECTING -> UNMASKING -> AGGREGATING -> DONE | FAILED
 * </pre>
 *
 * A failed attempt is followed by the next attempt of the same round (from the same global model)
 * until the job's {@code maxAttempts}; only then does the job fail. Every transition is stored
 * before messages about it are sent; updates are stored before the message that completed them is
 * acknowledged, once per (job, round, attempt, device). After a restart ({@link #recover}) a plain
 * attempt resumes from the store; a secure one is failed (its masking state lived in memory) and
 * retried.
 */
public final class Coordinator {
  private static final Logger LOG = LoggerFactory.getLogger(Coordinator.class);

  private final RoundStore store;
  private final RoundTransport transport;
  private final DeviceKeys keys;
  private final Function<String, List<String>> groupMembers;
  private final Clock clock;
  private final SecureRandom random;
  private final RoundListener listener;
  private final Map<String, Attempt> open = new HashMap<>();
  private final Map<String, Table> validationCache = new HashMap<>();
  private final Map<String, Instant> offered = new HashMap<>();
  static final Duration REOFFER = Duration.ofSeconds(20);
  /** Opens once {@link #recover} has run: device messages wait for it rather than meet a half-loaded state. */
  private final java.util.concurrent.CountDownLatch recovered = new java.util.concurrent.CountDownLatch(1);

  public Coordinator(RoundStore store, RoundTransport transport, DeviceKeys keys,
      Function<String, List<String>> groupMembers, Clock clock, SecureRandom random, RoundListener listener) {
    this.store = store;
    this.transport = transport;
    this.keys = keys;
    this.groupMembers = groupMembers;
    this.clock = clock;
    this.random = random;
    this.listener = listener;
  }

  // ------------------------------------------------------------------ jobs and consent

  /** Validates, stores and offers a job to its participants. */
  public synchronized JobRow submit(byte[] document) {
    JobSpec spec = JobParser.parse(document);
    List<String> devices = spec.group() == null ? spec.participants() : groupMembers.apply(spec.group());
    if (devices.size() < spec.quorum()) {
      throw new JobParser.InvalidJobException("the job needs a quorum of " + spec.quorum() + " but "
          + (spec.group() == null ? "lists " : "group '" + spec.group() + "' has ") + devices.size() + " device(s)");
    }
    if (spec.validationPath() != null) {
      validation(spec); // fail now, not at the end of round 1
    }
    Instant now = clock.instant();
    JobRow row = new JobRow(spec.id(), spec.document().toString(), JobState.CONSENT, null, now, now,
        now.plus(spec.consentTimeout()), spec.scales() ? 0 : 1, null, null, null);
    if (!store.insertJob(row, devices)) {
      throw new JobExistsException(spec.id());
    }
    JobOffer offer = new JobOffer(spec.id(), spec.title(), spec.requester(), spec.purpose(),
        spec.reads().stream().map(r -> new DatasetColumns(r.dataset(), r.columns())).toList(), row.consentUntil());
    for (String d : devices) {
      transport.send(d, Kinds.JOB_OFFER, offer);
    }
    LOG.info("job {} submitted: {} participant(s), quorum {}, offered until {}", spec.id(), devices.size(),
        spec.quorum(), row.consentUntil());
    return row;
  }

  /** A job id that is taken. */
  public static final class JobExistsException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    JobExistsException(String id) {
      super("a job with id '" + id + "' exists; choose another id");
    }
  }

  /**
   * Records a device's consent decision. An approval counts only if it covers every dataset and
   * column the job reads; otherwise it is recorded as a refusal with that reason.
   */
  public void onConsent(String deviceId, ConsentDecision d) {
    awaitRecovered();
    onConsentLocked(deviceId, d);
  }

  private synchronized void onConsentLocked(String deviceId, ConsentDecision d) {
    JobRow job = store.job(d.jobId()).orElse(null);
    if (job == null || store.participants(job.jobId()).stream().noneMatch(p -> p.deviceId().equals(deviceId))) {
      throw new WireException(WireException.Reason.INVALID_FIELD, "no job '" + d.jobId() + "' offered to this device");
    }
    JobSpec spec = JobParser.parse(job.document().getBytes(java.nio.charset.StandardCharsets.UTF_8));
    boolean approved = d.approved();
    String reason = d.basis();
    if (approved && !covers(d.reads(), spec.reads())) {
      approved = false;
      reason = "approval does not cover every dataset and column the job reads";
    }
    store.recordConsent(job.jobId(), deviceId, approved, reason, d.decidedBy(), d.decidedAt());
    try {
      listener.consentRecorded(job.jobId(), deviceId, approved, reason, d.decidedBy(), d.decidedAt());
    } catch (RuntimeException e) {
      LOG.error("round listener failed for the consent of {} to job {}", deviceId, job.jobId(), e);
    }
    LOG.info("device {} {} job {} ({})", deviceId, approved ? "approved" : "refused", job.jobId(), reason);
    if (job.state() == JobState.CONSENT) {
      maybeStart(job, spec);
    }
  }

  /**
   * Offers a waiting job again to participants that have not answered, every {@link #REOFFER}: a
   * device that had no broker session yet when the job was submitted would otherwise never see it.
   * Devices answer an offer once per job, so repeats are harmless.
   */
  private void reoffer(JobRow j, Instant now) {
    Instant last = offered.get(j.jobId());
    if (last == null) {
      offered.put(j.jobId(), now);
      return;
    }
    if (now.isBefore(last.plus(REOFFER))) {
      return;
    }
    offered.put(j.jobId(), now);
    JobSpec spec = spec(j);
    JobOffer offer = new JobOffer(spec.id(), spec.title(), spec.requester(), spec.purpose(),
        spec.reads().stream().map(r -> new DatasetColumns(r.dataset(), r.columns())).toList(), j.consentUntil());
    for (ParticipantRow p : store.participants(j.jobId())) {
      if (p.consent().equals("pending")) {
        transport.send(p.deviceId(), Kinds.JOB_OFFER, offer);
      }
    }
  }

  private static boolean covers(List<DatasetColumns> approved, List<DatasetRead> reads) {
    for (DatasetRead r : reads) {
      boolean ok = approved.stream().anyMatch(a -> a.dataset().equals(r.dataset()) && a.columns().containsAll(r.columns()));
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  private void maybeStart(JobRow job, JobSpec spec) {
    List<ParticipantRow> ps = store.participants(job.jobId());
    long approved = ps.stream().filter(p -> p.consent().equals("approved")).count();
    boolean allDecided = ps.stream().noneMatch(p -> p.consent().equals("pending"));
    boolean expired = !clock.instant().isBefore(job.consentUntil());
    if (!allDecided && !expired) {
      return;
    }
    if (approved < spec.quorum()) {
      failJob(job.jobId(), approved + " of " + ps.size() + " participants consented, fewer than the quorum " + spec.quorum());
      return;
    }
    Model0 init = initialModel(spec);
    store.setGlobalParams(job.jobId(), Aggregation.encode(init.params), clock.instant());
    store.setJobState(job.jobId(), JobState.RUNNING, null, clock.instant());
    startAttempt(spec, job.nextRound(), 1);
  }

  private record Model0(double[] params) {}

  private Model0 initialModel(JobSpec spec) {
    return new Model0(Models.create(JobParser.modelSpec(spec.model()), spec.features().size()).parameters());
  }

  /** Cancels a job that is not over; its open attempt is failed. */
  public synchronized boolean cancel(String jobId, String reason) {
    Attempt a = open.remove(jobId);
    if (a != null) {
      endAttempt(a, RoundState.FAILED, "job cancelled");
    }
    boolean changed = store.setJobState(jobId, JobState.CANCELLED, reason, clock.instant());
    store.dropChunksOfJob(jobId);
    return changed;
  }

  /** The job's open round attempt as the console shows it, if one is open on this hub. */
  public synchronized java.util.Optional<RoundProgress> progress(String jobId) {
    Attempt a = open.get(jobId);
    return a == null ? java.util.Optional.empty() : java.util.Optional.of(RoundProgress.of(a));
  }

  // ------------------------------------------------------------------ attempts

  private void startAttempt(JobSpec spec, int round, int attempt) {
    JobRow job = store.job(spec.id()).orElseThrow();
    List<String> devices = store.participants(spec.id()).stream()
        .filter(p -> p.consent().equals("approved")).map(ParticipantRow::deviceId).toList();
    if (devices.size() < spec.quorum()) {
      failJob(spec.id(), "only " + devices.size() + " consenting participant(s) left, fewer than the quorum " + spec.quorum());
      return;
    }
    boolean scale = round == 0;
    String phase = scale ? RoundInvite.SCALE : RoundInvite.TRAIN;
    Instant now = clock.instant();
    RoundKeyPair key = RoundKeyPair.generate(random);
    double[] global = job.globalParams() == null ? null : Aggregation.decode(job.globalParams());
    Scaler scaler = scaler(job);
    SecAggParams secagg = null;
    if (spec.secureAggregation() && !scale) {
      Map<String, Integer> ids = new TreeMap<>();
      int k = 1;
      for (String d : devices) {
        ids.put(d, k++);
      }
      int n = devices.size();
      int t = Math.max(Math.max(2, spec.quorum()), Math.max(n / 2 + 1, (int) Math.ceil(n * (1 - spec.maxDropoutFraction()))));
      t = Math.min(t, n);
      long roundId = ((long) spec.id().hashCode() << 32) ^ ((long) round << 12) ^ attempt;
      secagg = new SecAggParams(roundId, ids, t, global.length + 1, 64, 24, 1L << 30);
    }
    RoundInvite invite = new RoundInvite(spec.id(), round, attempt, phase, key.publicKey(),
        now.plus(spec.roundDeadline()), devices, spec.reads(), spec.label(), spec.model(), hyper(spec),
        spec.strategy(), scale ? null : RoundIds.paramsTransfer(spec.id(), round, attempt),
        global == null ? 0 : global.length, scaler == null ? null : scaler.mean(),
        scaler == null ? null : scaler.std(), secagg, spec.dp(), spec.rounds());
    RoundState state = secagg != null ? RoundState.ADVERTISING : RoundState.COLLECTING;
    store.insertRound(new RoundRow(spec.id(), round, attempt, phase, state, now, invite.deadline(), null, null,
        key.privateKey(), json(invite), null, null));
    Attempt a = new Attempt(spec, invite, key, now, state);
    if (secagg != null) {
      a.secagg = new SecAggServer(secagg.config());
    }
    open.put(spec.id(), a);
    LOG.info("job {} round {} attempt {} ({}{}): inviting {} device(s), deadline {}", spec.id(), round, attempt, phase,
        secagg != null ? ", secure aggregation t=" + secagg.threshold() : "", devices.size(), invite.deadline());
    sendInvite(a, devices, global);
  }

  private void sendInvite(Attempt a, List<String> devices, double[] global) {
    List<Chunk> params = global == null || a.invite.paramsTransfer() == null ? List.<Chunk>of()
        : Chunks.split(a.invite.paramsTransfer(), UpdatePayload.plain(0, 0, global).encode());
    for (String d : devices) {
      transport.send(d, Kinds.ROUND_INVITE, a.invite);
      for (Chunk c : params) {
        transport.send(d, Kinds.ROUND_CHUNK, c);
      }
    }
  }

  private static ObjectNode hyper(JobSpec spec) {
    ObjectNode h = spec.hyper().deepCopy();
    h.set("featureList", WireCodec.mapper().valueToTree(spec.features()));
    if (spec.strategy().equals("fedprox")) {
      h.put("proxMu", spec.proxMu());
    }
    return h;
  }

  // ------------------------------------------------------------------ device messages

  /** A chunk of a device's upload: stored at once; when the upload is complete it is verified and counted. */
  public void onChunk(String deviceId, Chunk chunk) {
    awaitRecovered();
    onChunkLocked(deviceId, chunk);
  }

  private synchronized void onChunkLocked(String deviceId, Chunk chunk) {
    Attempt a = attemptFor(chunk.transferId(), deviceId);
    if (a == null) {
      return; // late chunk of an attempt that is over: nothing to do, acknowledged
    }
    if (a.state != RoundState.COLLECTING) {
      if (a.state == RoundState.ADVERTISING || a.state == RoundState.SHARING) {
        throw new WireException(WireException.Reason.INVALID_FIELD, "upload before the key exchange finished");
      }
      return;
    }
    if (a.updates.containsKey(deviceId) || a.refused.containsKey(deviceId)) {
      return;
    }
    int have = store.putChunk(a.jobId(), deviceId, chunk);
    if (have < chunk.count()) {
      return;
    }
    // the upload's buffers (tens of MB) are released when accept returns, before aggregation
    if (accept(a, deviceId, chunk)) {
      advanceIfComplete(a);
    }
  }

  /** Joins, verifies, opens and records a complete upload; true if it was counted. */
  private boolean accept(Attempt a, String deviceId, Chunk chunk) {
    byte[] upload;
    try {
      upload = Chunks.join(store.chunks(chunk.transferId()));
    } catch (WireException e) {
      reject(a, deviceId, Chunks.sha256Hex(new byte[0]), "upload does not reassemble: " + e.getMessage(), chunk.transferId());
      return false;
    }
    String commitment = Chunks.sha256Hex(upload);
    UpdatePayload payload;
    try {
      UpdateTransfer t = UpdateTransfer.decode(upload);
      PublicKey pk = keys.verifiedKey(deviceId, t.chain());
      if (!java.util.Arrays.equals(t.envelope().header(),
          RoundIds.updateHeader(a.jobId(), a.invite.round(), a.invite.attempt(), deviceId))) {
        throw new CryptoException("the sealed header names another job, round, attempt or device");
      }
      payload = UpdatePayload.decode(t.envelope().open(a.key, pk));
      checkShape(a, payload);
    } catch (CryptoException | WireException e) {
      reject(a, deviceId, commitment, e.getMessage(), chunk.transferId());
      return false;
    }
    if (!store.recordUpdate(a.jobId(), a.invite.round(), a.invite.attempt(),
        new UpdateRow(deviceId, clock.instant(), commitment, "accepted", null, upload), chunk.transferId())) {
      return false;
    }
    a.commitments.put(deviceId, commitment);
    if (a.secagg != null) {
      try {
        a.secagg.receiveMaskedInput(new io.fedge.federation.secagg.MaskedInput(
            a.invite.secagg().secAggRoundId(), a.invite.secagg().clientIds().get(deviceId), payload.ring()));
      } catch (SecAggException e) {
        a.refused.put(deviceId, e.getMessage());
        return false;
      }
    }
    a.updates.put(deviceId, payload);
    LOG.info("job {} round {} attempt {}: update from {} ({} bytes)", a.jobId(), a.invite.round(), a.invite.attempt(),
        deviceId, upload.length);
    return true;
  }

  private void checkShape(Attempt a, UpdatePayload p) {
    UpdatePayload.Kind want = RoundInvite.SCALE.equals(a.invite.phase()) ? UpdatePayload.Kind.STATS
        : a.secagg != null ? UpdatePayload.Kind.MASKED : UpdatePayload.Kind.PLAIN;
    if (p.kind() != want) {
      throw new WireException(WireException.Reason.INVALID_FIELD, "expected a " + want + " update, got " + p.kind());
    }
    int len = want == UpdatePayload.Kind.STATS ? 1 + 2 * a.spec.features().size()
        : want == UpdatePayload.Kind.MASKED ? a.invite.parameterCount() + 1 : a.invite.parameterCount();
    if (p.length() != len) {
      throw new WireException(WireException.Reason.INVALID_FIELD, "update has " + p.length() + " values, expected " + len);
    }
  }

  private void reject(Attempt a, String deviceId, String commitment, String reason, String transferId) {
    LOG.warn("job {} round {} attempt {}: refused the update of {}: {}", a.jobId(), a.invite.round(), a.invite.attempt(),
        deviceId, reason);
    store.recordUpdate(a.jobId(), a.invite.round(), a.invite.attempt(),
        new UpdateRow(deviceId, clock.instant(), commitment, "rejected", reason, null), transferId);
    a.refused.put(deviceId, reason);
    advanceIfComplete(a);
  }

  private Attempt attemptFor(String transferId, String deviceId) {
    for (Attempt a : open.values()) {
      if (transferId.equals(a.invite.updateTransfer(deviceId))) {
        return a;
      }
    }
    return null;
  }

  /** A device cannot take part in an attempt: counted as a dropout at once. */
  public void onDecline(String deviceId, RoundDecline d) {
    awaitRecovered();
    onDeclineLocked(deviceId, d);
  }

  private synchronized void onDeclineLocked(String deviceId, RoundDecline d) {
    Attempt a = open.get(d.jobId());
    if (a == null || a.invite.round() != d.round() || a.invite.attempt() != d.attempt()
        || !a.invite.participants().contains(deviceId) || a.updates.containsKey(deviceId)) {
      return;
    }
    a.refused.putIfAbsent(deviceId, "declined: " + d.reason());
    LOG.info("job {} round {} attempt {}: {} declined: {}", d.jobId(), d.round(), d.attempt(), deviceId, d.reason());
    advanceIfComplete(a);
  }

  /** A secure-aggregation step from a device, checked against the device's client id. */
  public void onSecAgg(String deviceId, SecAggMessage m) {
    awaitRecovered();
    onSecAggLocked(deviceId, m);
  }

  private synchronized void onSecAggLocked(String deviceId, SecAggMessage m) {
    Attempt a = open.get(m.jobId());
    if (a == null || a.secagg == null || a.invite.round() != m.round() || a.invite.attempt() != m.attempt()) {
      return;
    }
    Integer id = a.invite.secagg().clientIds().get(deviceId);
    if (id == null) {
      throw new WireException(WireException.Reason.INVALID_FIELD, "device is not a client of this secure round");
    }
    try {
      switch (m.step()) {
        case ADVERTISE_KEYS -> {
          requireSender(id, m.keys() == null ? -1 : m.keys().clientId());
          if (a.state == RoundState.ADVERTISING && a.advertised.add(deviceId)) {
            a.secagg.receiveAdvertiseKeys(m.keys());
          }
        }
        case SHARE_KEYS -> {
          requireSender(id, m.shares() == null ? -1 : m.shares().senderId());
          if (a.state == RoundState.SHARING && a.shared.add(deviceId)) {
            a.secagg.receiveEncryptedShares(m.shares());
          }
        }
        case UNMASK_RESPONSE -> {
          requireSender(id, m.unmaskResponse() == null ? -1 : m.unmaskResponse().clientId());
          if (a.state == RoundState.UNMASKING && a.unmasked.add(deviceId)) {
            a.secagg.receiveUnmaskResponse(m.unmaskResponse());
          }
        }
        default -> throw new WireException(WireException.Reason.INVALID_FIELD, "devices do not send " + m.step());
      }
    } catch (SecAggException e) {
      a.refused.putIfAbsent(deviceId, e.getMessage());
      if (a.secagg.phase() == SecAggServer.Phase.ABORTED) {
        failAttempt(a, "secure aggregation aborted: " + e.getMessage());
        return;
      }
    }
    advanceIfComplete(a);
  }

  private static void requireSender(int expected, int claimed) {
    if (expected != claimed) {
      throw new WireException(WireException.Reason.INVALID_FIELD,
          "secagg message claims client " + claimed + " but this device is client " + expected);
    }
  }

  // ------------------------------------------------------------------ progress

  /** Closes every phase whose time is up, and consent periods that ended. */
  public synchronized void tick() {
    Instant now = clock.instant();
    for (Attempt a : new ArrayList<>(open.values())) {
      if (!now.isBefore(a.phaseDeadline())) {
        closePhase(a, true);
      }
    }
    for (JobRow j : store.jobsIn(JobState.CONSENT)) {
      if (!now.isBefore(j.consentUntil())) {
        maybeStart(j, spec(j));
      } else {
        reoffer(j, now);
      }
    }
  }

  private void advanceIfComplete(Attempt a) {
    boolean complete = switch (a.state) {
      case ADVERTISING -> a.everyoneAnswered(a.advertised);
      case SHARING -> a.everyoneAnswered(a.shared);
      case COLLECTING -> a.everyoneAnswered(a.updates.keySet());
      case UNMASKING -> a.everyoneAnswered(a.unmasked);
      default -> false;
    };
    if (complete) {
      closePhase(a, false);
    }
  }

  private void closePhase(Attempt a, boolean timedOut) {
    if (open.get(a.jobId()) != a) {
      return;
    }
    try {
      switch (a.state) {
        case ADVERTISING -> {
          var directory = a.secagg.closeAdvertising();
          setState(a, RoundState.SHARING);
          for (String d : a.advertised) {
            transport.send(d, Kinds.SECAGG, SecAggMessage.of(a.jobId(), a.invite.round(), a.invite.attempt(), directory));
          }
          markMissing(a, a.advertised, "did not advertise keys in time");
        }
        case SHARING -> {
          List<ShareDelivery> deliveries = a.secagg.closeSharing();
          setState(a, RoundState.COLLECTING);
          for (ShareDelivery d : deliveries) {
            transport.send(a.invite.secagg().deviceOf(d.recipientId()), Kinds.SECAGG,
                SecAggMessage.of(a.jobId(), a.invite.round(), a.invite.attempt(), d));
          }
          markMissing(a, a.shared, "did not share keys in time");
        }
        case COLLECTING -> {
          markMissing(a, a.updates.keySet(), "sent no update before the deadline");
          if (a.secagg != null) {
            var request = a.secagg.closeMaskedInput();
            setState(a, RoundState.UNMASKING);
            for (int id : request.survivors()) {
              transport.send(a.invite.secagg().deviceOf(id), Kinds.SECAGG,
                  SecAggMessage.of(a.jobId(), a.invite.round(), a.invite.attempt(), request));
            }
          } else {
            aggregate(a);
          }
        }
        case UNMASKING -> aggregate(a);
        default -> { }
      }
    } catch (SecAggException | IllegalStateException | IllegalArgumentException e) {
      failAttempt(a, (timedOut ? "deadline passed: " : "") + e.getMessage());
    }
  }

  private void markMissing(Attempt a, java.util.Collection<String> answered, String reason) {
    for (String d : a.invite.participants()) {
      if (!answered.contains(d)) {
        a.refused.putIfAbsent(d, reason);
      }
    }
  }

  private void setState(Attempt a, RoundState s) {
    a.state = s;
    store.setRoundState(a.jobId(), a.invite.round(), a.invite.attempt(), s, null, clock.instant());
  }

  private void aggregate(Attempt a) {
    long aggregationStart = System.nanoTime();
    setState(a, RoundState.AGGREGATING);
    JobRow job = store.job(a.jobId()).orElseThrow();
    double[] global = Aggregation.decode(job.globalParams());
    Table validation = validation(a.spec);
    int round = a.invite.round();
    Aggregation.Result r;
    if (RoundInvite.SCALE.equals(a.invite.phase())) {
      if (a.updates.size() < a.spec.quorum()) {
        throw new IllegalStateException(a.updates.size() + " statistics received, fewer than the quorum " + a.spec.quorum());
      }
      r = Aggregation.scale(a.updates);
    } else if (a.secagg != null) {
      SecAggResult sum = a.secagg.finish();
      List<String> contributors = new ArrayList<>();
      double loss = 0;
      long n = 0;
      for (int id : sum.contributors()) {
        String d = a.invite.secagg().deviceOf(id);
        contributors.add(d);
        UpdatePayload p = a.updates.get(d);
        loss += p.loss() * p.sampleCount();
        n += p.sampleCount();
      }
      if (contributors.size() < a.spec.quorum()) {
        throw new IllegalStateException(contributors.size() + " masked inputs, fewer than the quorum " + a.spec.quorum());
      }
      r = Aggregation.secure(a.spec, sum, contributors, n == 0 ? Double.NaN : loss / n, validation, round);
    } else {
      r = Aggregation.plain(a.spec, global, a.updates, validation, round);
    }
    byte[] next = r.global() == null ? null : Aggregation.encode(r.global());
    String aggregateSha = Aggregation.sha256(next != null ? next
        : Aggregation.encode(concat(r.scaler().mean(), r.scaler().std())));
    Map<String, String> anomalies = new TreeMap<>(r.anomalies());
    for (Map.Entry<String, String> e : a.refused.entrySet()) {
      if (a.commitments.containsKey(e.getKey())) {
        anomalies.putIfAbsent(e.getKey(), e.getValue());
      }
    }
    RoundDigest digest = new RoundDigest(a.jobId(), round, a.invite.attempt(), a.invite.phase(), r.participants(),
        a.commitments, aggregateSha, r.metrics(), r.contributions(), anomalies, clock.instant());
    int nextRound = round + 1;
    store.completeRound(a.jobId(), round, a.invite.attempt(), aggregateSha, json(digest), next,
        r.scaler() == null ? null : json(Map.of("mean", r.scaler().mean(), "std", r.scaler().std())), nextRound,
        clock.instant());
    open.remove(a.jobId());
    a.state = RoundState.DONE;
    LOG.info("job {} round {} attempt {} done: {} participant(s), metrics {}", a.jobId(), round, a.invite.attempt(),
        r.participants().size(), r.metrics());
    sendEnd(a, "DONE", null, aggregateSha, r.metrics().getOrDefault("trainLoss", Double.NaN), r.global());
    attemptEnded(a, r.participants().size(), Duration.ofNanos(System.nanoTime() - aggregationStart));
    try {
      listener.roundCompleted(digest);
    } catch (RuntimeException e) {
      LOG.error("round listener failed for job {} round {}", a.jobId(), round, e);
    }
    if (nextRound > a.spec.rounds()) {
      finishJob(a.spec, r.metrics());
    } else {
      startAttempt(a.spec, nextRound, 1);
    }
  }

  private static double[] concat(double[] x, double[] y) {
    double[] o = new double[x.length + y.length];
    System.arraycopy(x, 0, o, 0, x.length);
    System.arraycopy(y, 0, o, x.length, y.length);
    return o;
  }

  private void failAttempt(Attempt a, String reason) {
    open.remove(a.jobId());
    endAttempt(a, RoundState.FAILED, reason);
    LOG.warn("job {} round {} attempt {} failed: {}", a.jobId(), a.invite.round(), a.invite.attempt(), reason);
    if (a.invite.attempt() >= a.spec.maxAttempts()) {
      failJob(a.jobId(), "round " + a.invite.round() + " failed " + a.invite.attempt() + " time(s); last: " + reason);
    } else {
      startAttempt(a.spec, a.invite.round(), a.invite.attempt() + 1);
    }
  }

  private void endAttempt(Attempt a, RoundState s, String reason) {
    a.state = s;
    store.setRoundState(a.jobId(), a.invite.round(), a.invite.attempt(), s, reason, clock.instant());
    sendEnd(a, s.name(), reason, null, Double.NaN, null);
    attemptEnded(a, a.updates.size(), Duration.ZERO);
  }

  private void attemptEnded(Attempt a, int participants, Duration aggregation) {
    try {
      listener.attemptEnded(new RoundListener.AttemptOutcome(a.jobId(), a.invite.round(), a.invite.attempt(),
          a.invite.phase(), a.state.name(), a.invite.participants().size(), participants,
          Duration.between(a.startedAt, clock.instant()), aggregation));
    } catch (RuntimeException e) {
      LOG.error("round listener failed for the end of job {} round {}", a.jobId(), a.invite.round(), e);
    }
  }

  /**
   * Largest model (in parameters, 4 MiB of doubles) whose global parameters are sent back after a
   * round for local evaluation. Larger ones would put a second full copy per participant into the
   * hub's outgoing queue at once; their participants skip local evaluation (docs/rounds-ml.md).
   */
  static final int MAX_EVALUATION_PARAMETERS = 512 * 1024;

  /**
   * Tells the attempt's participants it is over; a DONE training round then sends them the new
   * global parameters ({@code global}, transfer {@link RoundIds#globalTransfer}) to evaluate locally.
   */
  private void sendEnd(Attempt a, String status, String reason, String sha, double loss, double[] global) {
    if (global != null && global.length > MAX_EVALUATION_PARAMETERS) {
      global = null; // too large to send every participant a second copy: no local evaluation
    }
    String transfer = global == null ? null : RoundIds.globalTransfer(a.jobId(), a.invite.round(), a.invite.attempt());
    RoundEnd end = new RoundEnd(a.jobId(), a.invite.round(), a.invite.attempt(), status, reason, sha, loss, transfer);
    List<Chunk> params = global == null ? List.of() : Chunks.split(transfer, UpdatePayload.plain(0, 0, global).encode());
    for (String d : a.invite.participants()) {
      transport.send(d, Kinds.ROUND_END, end);
      for (Chunk c : params) {
        transport.send(d, Kinds.ROUND_CHUNK, c);
      }
    }
  }

  private void failJob(String jobId, String reason) {
    store.setJobState(jobId, JobState.FAILED, reason, clock.instant());
    store.dropChunksOfJob(jobId);
    LOG.warn("job {} failed: {}", jobId, reason);
  }

  private void finishJob(JobSpec spec, Map<String, Double> lastMetrics) {
    JobRow job = store.job(spec.id()).orElseThrow();
    if (spec.publishes()) {
      RoundRecords.ModelRow model = ModelRegistry.publish(store, spec, job, lastMetrics, clock.instant());
      try {
        listener.modelPublished(model);
      } catch (RuntimeException e) {
        LOG.error("round listener failed for model {}", model.modelId(), e);
      }
    }
    store.setJobState(spec.id(), JobState.DONE, null, clock.instant());
    store.dropChunksOfJob(spec.id());
    LOG.info("job {} done after {} round(s)", spec.id(), spec.rounds());
  }

  // ------------------------------------------------------------------ restart

  /**
   * Settles what a previous run of the hub left open: a plain attempt that was collecting resumes
   * (its key, invite and stored updates are reloaded and devices that had not sent are invited
   * again); any other open attempt fails with the reason and the round is retried; a running job
   * without an open attempt continues with its next round.
   */
  public void recover() {
    try {
      recoverLocked();
    } finally {
      recovered.countDown();
    }
  }

  private void awaitRecovered() {
    try {
      if (!recovered.await(10, java.util.concurrent.TimeUnit.MINUTES)) {
        throw new WireException(WireException.Reason.INVALID_FIELD, "the hub is still recovering its rounds; retry");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while the hub recovers its rounds", e);
    }
  }

  private synchronized void recoverLocked() {
    Set<String> resumed = new LinkedHashSet<>();
    for (RoundRow r : store.openRounds()) {
      JobRow job = store.job(r.jobId()).orElseThrow();
      JobSpec spec = spec(job);
      RoundInvite invite = read(r.inviteJson(), RoundInvite.class);
      Attempt a = new Attempt(spec, invite, RoundKeyPair.fromPrivate(r.roundKey()), r.startedAt(), r.state());
      if (job.state() != JobState.RUNNING) {
        store.setRoundState(r.jobId(), r.round(), r.attempt(), RoundState.FAILED, "job is " + job.state(), clock.instant());
        continue;
      }
      if (invite.secure() || r.state() != RoundState.COLLECTING) {
        store.setRoundState(r.jobId(), r.round(), r.attempt(), RoundState.FAILED,
            "hub restarted in state " + r.state() + (invite.secure() ? "; secure-aggregation state is not kept across restarts" : ""),
            clock.instant());
        sendEnd(a, "FAILED", "hub restarted", null, Double.NaN, null);
        resumed.add(r.jobId());
        if (r.attempt() >= spec.maxAttempts()) {
          failJob(r.jobId(), "round " + r.round() + " failed " + r.attempt() + " time(s); last: hub restarted");
        } else {
          startAttempt(spec, r.round(), r.attempt() + 1);
        }
        continue;
      }
      for (UpdateRow u : store.updates(r.jobId(), r.round(), r.attempt())) {
        a.commitments.put(u.deviceId(), u.commitment());
        if (!"accepted".equals(u.status())) {
          a.refused.put(u.deviceId(), u.reason());
          continue;
        }
        UpdateTransfer t = UpdateTransfer.decode(u.payload());
        a.updates.put(u.deviceId(), UpdatePayload.decode(t.envelope().open(a.key, keys.verifiedKey(u.deviceId(), t.chain()))));
      }
      open.put(r.jobId(), a);
      resumed.add(r.jobId());
      // a device whose upload had begun keeps sending from its durable outbox; the others are invited again
      List<String> missing = invite.participants().stream()
          .filter(d -> !a.updates.containsKey(d) && !a.refused.containsKey(d))
          .filter(d -> store.chunkCount(invite.updateTransfer(d)) == 0).toList();
      LOG.info("job {} round {} attempt {} resumed after restart: {} update(s) kept, re-inviting {}", r.jobId(), r.round(),
          r.attempt(), a.updates.size(), missing);
      sendInvite(a, missing, job.globalParams() == null ? null : Aggregation.decode(job.globalParams()));
      advanceIfComplete(a);
    }
    for (JobRow j : store.jobsIn(JobState.RUNNING)) {
      if (!resumed.contains(j.jobId()) && !open.containsKey(j.jobId())) {
        JobSpec spec = spec(j);
        if (j.nextRound() > spec.rounds()) {
          finishJob(spec, Map.of());
        } else {
          startAttempt(spec, j.nextRound(), nextAttempt(j.jobId(), j.nextRound()));
        }
      }
    }
  }

  private int nextAttempt(String jobId, int round) {
    return store.rounds(jobId).stream().filter(r -> r.round() == round).mapToInt(RoundRow::attempt).max().orElse(0) + 1;
  }

  // ------------------------------------------------------------------ helpers

  static JobSpec spec(JobRow j) {
    return JobParser.parse(j.document().getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }

  private static Scaler scaler(JobRow job) {
    if (job.scalerJson() == null) {
      return null;
    }
    var n = read(job.scalerJson(), com.fasterxml.jackson.databind.JsonNode.class);
    return new Scaler(WireCodec.mapper().convertValue(n.get("mean"), double[].class),
        WireCodec.mapper().convertValue(n.get("std"), double[].class));
  }

  private Table validation(JobSpec spec) {
    if (spec.validationPath() == null) {
      return null;
    }
    JobRow job = store.job(spec.id()).orElse(null);
    Scaler s = job == null ? null : scaler(job);
    return validationCache.computeIfAbsent(spec.id() + "|" + (job == null ? null : job.scalerJson()), k -> {
      try {
        Table t = TableCsv.read(Path.of(spec.validationPath()), spec.label(), null);
        t = TableColumns.project(t, spec.features());
        return s == null ? t : s.transform(t);
      } catch (IOException | IllegalArgumentException e) {
        throw new JobParser.InvalidJobException("validation file " + spec.validationPath() + " cannot be used: " + e.getMessage());
      }
    });
  }

  static String json(Object o) {
    try {
      return WireCodec.mapper().writeValueAsString(o);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  static <T> T read(String s, Class<T> type) {
    try {
      return WireCodec.mapper().readValue(s, type);
    } catch (IOException e) {
      throw new IllegalStateException("stored JSON does not read back as " + type.getSimpleName(), e);
    }
  }

  static String hex(byte[] b) {
    return HexFormat.of().formatHex(b);
  }
}
