package io.fedge.federation.rounds;

import io.fedge.federation.crypto.SealedEnvelope;
import io.fedge.federation.secagg.MaskedInput;
import io.fedge.federation.secagg.SecAggClient;
import io.fedge.federation.secagg.SecAggConfig;
import io.fedge.federation.secagg.ShareDelivery;
import io.fedge.federation.wire.Kinds;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A device's side of federated rounds, transport-free: feed it what the hub sends ({@link
 * #onInvite}, {@link #onChunk}, {@link #onSecAgg}, {@link #onEnd}); it answers through its {@link
 * ParticipantLink}. Training runs on the given executor, never on the caller's thread.
 *
 * <p>Per job, one attempt is active at a time; an invitation for a newer attempt replaces the
 * older one. Each update is encoded ({@link UpdatePayload}), sealed to the round key and signed
 * with the device key ({@link SealedEnvelope}), and sent as {@link Chunk}s. With secure
 * aggregation the update is the masked vector {@code [n*w_1 .. n*w_d, n]}, so the hub learns only
 * the sums.
 */
public final class RoundParticipant {
  private static final Logger LOG = LoggerFactory.getLogger(RoundParticipant.class);

  private final String deviceId;
  private final java.util.function.Supplier<PrivateKey> deviceKey;
  private final java.util.function.Supplier<List<java.security.cert.X509Certificate>> chain;
  private final LocalLearner learner;
  private final ParticipantLink link;
  private final Executor executor;
  private final SecureRandom random;
  private final ParticipantListener listener;
  private final Map<String, Attempt> byJob = new HashMap<>();
  /** Training attempts whose update was sent, waiting for the global model they produced; by global transfer id. */
  private final Map<String, PendingEvaluation> evaluations = new java.util.LinkedHashMap<>();
  /** At most this many attempts wait for their global model (older ones are forgotten). */
  static final int MAX_PENDING_EVALUATIONS = 8;

  public RoundParticipant(
      String deviceId,
      java.util.function.Supplier<PrivateKey> deviceKey,
      java.util.function.Supplier<List<java.security.cert.X509Certificate>> chain,
      LocalLearner learner,
      ParticipantLink link,
      Executor executor,
      SecureRandom random,
      ParticipantListener listener) {
    this.deviceId = deviceId;
    this.deviceKey = deviceKey;
    this.chain = chain;
    this.learner = learner;
    this.link = link;
    this.executor = executor;
    this.random = random;
    this.listener = listener;
  }

  /** State of one attempt. Guarded by the participant's lock. */
  private static final class Attempt {
    final RoundInvite invite;
    final Map<Integer, Chunk> paramChunks = new HashMap<>();
    SecAggClient secagg;
    ShareDelivery delivery;
    LocalLearner.Outcome outcome;
    boolean trainingStarted;
    boolean sent;
    boolean over;

    Attempt(RoundInvite invite) {
      this.invite = invite;
    }

    boolean is(String jobId, int round, int attempt) {
      return invite.jobId().equals(jobId) && invite.round() == round && invite.attempt() == attempt;
    }
  }

  /** A sent training attempt collecting the global model of its round. Guarded by the participant's lock. */
  private static final class PendingEvaluation {
    final RoundInvite invite;
    final Map<Integer, Chunk> chunks = new HashMap<>();
    RoundEnd end;

    PendingEvaluation(RoundInvite invite) {
      this.invite = invite;
    }
  }

  public synchronized void onInvite(RoundInvite invite) {
    Attempt current = byJob.get(invite.jobId());
    if (current != null && current.is(invite.jobId(), invite.round(), invite.attempt())) {
      return; // redelivery
    }
    if (current != null && (current.invite.round() > invite.round()
        || (current.invite.round() == invite.round() && current.invite.attempt() > invite.attempt()))) {
      return; // stale
    }
    if (!invite.participants().contains(deviceId)) {
      return;
    }
    Attempt a = new Attempt(invite);
    byJob.put(invite.jobId(), a);
    listener.progress(invite.jobId(), invite.round(), invite.attempt(), "invited", Double.NaN, invite.phase());
    if (invite.secure()) {
      Integer id = invite.secagg().clientIds().get(deviceId);
      if (id == null) {
        decline(a, "not listed in the secure-aggregation client ids");
        return;
      }
      try {
        SecAggConfig cfg = invite.secagg().config();
        a.secagg = new SecAggClient(cfg, id, random);
        link.send(Kinds.SECAGG, SecAggMessage.of(invite.jobId(), invite.round(), invite.attempt(), a.secagg.advertiseKeys()));
      } catch (RuntimeException e) {
        decline(a, "secure aggregation setup failed: " + e.getMessage());
        return;
      }
    }
    if (RoundInvite.SCALE.equals(invite.phase()) || invite.paramsTransfer() == null) {
      startTraining(a, null);
    }
  }

  public synchronized void onChunk(Chunk chunk) {
    PendingEvaluation pe = evaluations.get(chunk.transferId());
    if (pe != null) {
      if (!pe.chunks.isEmpty()) {
        Chunks.requireSameTransfer(pe.chunks.values().iterator().next(), chunk);
      }
      pe.chunks.put(chunk.index(), chunk);
      maybeEvaluate(chunk.transferId(), pe);
      return;
    }
    for (Attempt a : byJob.values()) {
      if (!a.over && chunk.transferId().equals(a.invite.paramsTransfer())) {
        if (!a.paramChunks.isEmpty()) {
          Chunks.requireSameTransfer(a.paramChunks.values().iterator().next(), chunk);
        }
        a.paramChunks.put(chunk.index(), chunk);
        if (a.paramChunks.size() == chunk.count() && !a.trainingStarted) {
          UpdatePayload p = UpdatePayload.decode(Chunks.join(a.paramChunks.values()));
          startTraining(a, p.values());
        }
        return;
      }
    }
  }

  public synchronized void onSecAgg(SecAggMessage m) {
    Attempt a = byJob.get(m.jobId());
    if (a == null || a.over || !a.is(m.jobId(), m.round(), m.attempt()) || a.secagg == null) {
      return;
    }
    try {
      switch (m.step()) {
        case KEY_DIRECTORY -> {
          if (a.secagg.state() == SecAggClient.State.KEYS_ADVERTISED) {
            link.send(Kinds.SECAGG, SecAggMessage.of(m.jobId(), m.round(), m.attempt(), a.secagg.shareKeys(m.directory())));
          }
        }
        case SHARE_DELIVERY -> {
          if (a.delivery == null) {
            a.delivery = m.delivery();
            maybeSendMasked(a);
          }
        }
        case UNMASK_REQUEST -> {
          if (a.secagg.state() == SecAggClient.State.INPUT_MASKED) {
            link.send(Kinds.SECAGG, SecAggMessage.of(m.jobId(), m.round(), m.attempt(), a.secagg.unmask(m.unmask())));
          }
        }
        default -> LOG.debug("ignored secagg step {} from the hub", m.step());
      }
    } catch (RuntimeException e) {
      fail(a, "secure aggregation refused a hub message: " + e.getMessage());
    }
  }

  public synchronized void onEnd(RoundEnd end) {
    Attempt a = byJob.get(end.jobId());
    if (a != null && a.is(end.jobId(), end.round(), end.attempt()) && !a.over) {
      a.over = true;
      listener.progress(end.jobId(), end.round(), end.attempt(),
          "DONE".equals(end.status()) ? "done" : "failed", end.trainLoss(), end.reason());
    }
    String transfer = RoundIds.globalTransfer(end.jobId(), end.round(), end.attempt());
    PendingEvaluation pe = evaluations.get(transfer);
    if (pe != null && pe.end == null) {
      if (!RoundEnd.DONE.equals(end.status()) || !transfer.equals(end.globalTransfer())) {
        evaluations.remove(transfer); // failed, or a hub that sends no global model: nothing to evaluate
        return;
      }
      pe.end = end;
      maybeEvaluate(transfer, pe);
    }
  }

  /**
   * Once a sent attempt has its DONE {@code round-end} and every chunk of the global model, checks
   * the model against the round's {@code aggregateSha256} and evaluates it on the training thread.
   */
  private void maybeEvaluate(String transfer, PendingEvaluation pe) {
    if (pe.end == null || pe.chunks.isEmpty() || pe.chunks.size() < pe.chunks.values().iterator().next().count()) {
      return;
    }
    evaluations.remove(transfer);
    RoundInvite inv = pe.invite;
    RoundEnd end = pe.end;
    double[] global;
    try {
      global = UpdatePayload.decode(Chunks.join(pe.chunks.values())).values();
      String sha = globalSha256(global);
      if (!sha.equals(end.aggregateSha256())) {
        throw new IllegalArgumentException("its SHA-256 " + sha + " is not the round's aggregate " + end.aggregateSha256());
      }
    } catch (RuntimeException e) {
      LOG.warn("job {} round {}: global model refused for local evaluation: {}", inv.jobId(), inv.round(), e.getMessage());
      listener.progress(inv.jobId(), inv.round(), inv.attempt(), "evaluation-failed", Double.NaN, e.getMessage());
      return;
    }
    executor.execute(() -> {
      LocalEvaluation ev;
      try {
        ev = learner.evaluate(inv, global);
      } catch (Exception e) {
        LOG.warn("job {} round {}: local evaluation failed: {}", inv.jobId(), inv.round(), e.toString());
        listener.progress(inv.jobId(), inv.round(), inv.attempt(), "evaluation-failed", Double.NaN, String.valueOf(e.getMessage()));
        return;
      }
      listener.evaluated(end, ev);
    });
  }

  /** SHA-256 (hex) of parameters as big-endian IEEE 754 doubles: how the hub names an aggregate. */
  static String globalSha256(double[] params) {
    java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(8 * params.length);
    b.asDoubleBuffer().put(params);
    try {
      return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(b.array()));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private void startTraining(Attempt a, double[] global) {
    a.trainingStarted = true;
    RoundInvite inv = a.invite;
    listener.progress(inv.jobId(), inv.round(), inv.attempt(), "training", Double.NaN, inv.phase());
    executor.execute(() -> {
      LocalLearner.Outcome o;
      try {
        o = RoundInvite.SCALE.equals(inv.phase()) ? learner.columnStats(inv) : learner.train(inv, global);
      } catch (Exception e) {
        synchronized (this) {
          decline(a, "local " + inv.phase() + " failed: " + e.getMessage());
        }
        return;
      }
      synchronized (this) {
        if (a.over) {
          return;
        }
        a.outcome = o;
        if (a.secagg == null || RoundInvite.SCALE.equals(inv.phase())) {
          UpdatePayload p = RoundInvite.SCALE.equals(inv.phase())
              ? UpdatePayload.stats(o.samples(), o.parameters())
              : UpdatePayload.plain(o.samples(), o.loss(), o.parameters());
          sendSealed(a, p);
        } else {
          maybeSendMasked(a);
        }
      }
    });
  }

  private void maybeSendMasked(Attempt a) {
    if (a.sent || a.outcome == null || a.delivery == null) {
      return;
    }
    double[] w = a.outcome.parameters();
    long n = a.outcome.samples();
    double[] x = new double[w.length + 1];
    for (int i = 0; i < w.length; i++) {
      x[i] = w[i] * n;
    }
    x[w.length] = n;
    try {
      MaskedInput y = a.secagg.maskInput(a.delivery, x);
      sendSealed(a, UpdatePayload.masked(n, a.outcome.loss(), y.maskedVector()));
    } catch (RuntimeException e) {
      fail(a, "masking failed: " + e.getMessage());
    }
  }

  private void sendSealed(Attempt a, UpdatePayload p) {
    RoundInvite inv = a.invite;
    SealedEnvelope env = SealedEnvelope.seal(
        RoundIds.updateHeader(inv.jobId(), inv.round(), inv.attempt(), deviceId),
        p.encode(), inv.roundPublicKey(), deviceKey.get(), random);
    List<Chunk> chunks = Chunks.split(inv.updateTransfer(deviceId), new UpdateTransfer(chain.get(), env).encode());
    for (Chunk c : chunks) {
      link.send(Kinds.ROUND_CHUNK, c);
    }
    a.sent = true;
    if (RoundInvite.TRAIN.equals(inv.phase())) {
      evaluations.put(RoundIds.globalTransfer(inv.jobId(), inv.round(), inv.attempt()), new PendingEvaluation(inv));
      while (evaluations.size() > MAX_PENDING_EVALUATIONS) {
        evaluations.remove(evaluations.keySet().iterator().next());
      }
    }
    listener.progress(inv.jobId(), inv.round(), inv.attempt(), "sent", p.loss(),
        chunks.size() + " chunk(s), " + env.ciphertextLength() + " bytes sealed");
  }

  private void decline(Attempt a, String reason) {
    a.over = true;
    RoundInvite inv = a.invite;
    LOG.warn("declining round {} attempt {} of job {}: {}", inv.round(), inv.attempt(), inv.jobId(), reason);
    link.send(Kinds.ROUND_DECLINE, new RoundDecline(inv.jobId(), inv.round(), inv.attempt(), reason));
    listener.progress(inv.jobId(), inv.round(), inv.attempt(), "declined", Double.NaN, reason);
  }

  private void fail(Attempt a, String reason) {
    decline(a, reason);
  }
}
