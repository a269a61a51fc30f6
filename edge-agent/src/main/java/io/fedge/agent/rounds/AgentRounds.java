package io.fedge.agent.rounds;

import io.fedge.agent.messaging.DownstreamHandlers;
import io.fedge.agent.messaging.Uplink;
import io.fedge.federation.rounds.Chunk;
import io.fedge.federation.rounds.LocalEvaluation;
import io.fedge.federation.rounds.ParticipantListener;
import io.fedge.federation.rounds.RoundEnd;
import io.fedge.federation.rounds.RoundInvite;
import io.fedge.federation.rounds.RoundParticipant;
import io.fedge.federation.rounds.SecAggMessage;
import io.fedge.federation.rounds.TableLearner;
import io.fedge.federation.rounds.RoundDecline;
import io.fedge.federation.wire.Kinds;
import io.fedge.federation.wire.WireCodec;
import io.fedge.provisioning.DeviceCredentials;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's side of federated rounds: the wire handlers (thin: decode, hand to the {@link
 * RoundParticipant}), local training on one background thread, and progress for the dashboard.
 *
 * <p>Consent: job offers are the consent feature's (io.fedge.agent.consent); this class never
 * answers them. An invitation for a job the dealer did not approve, or for columns beyond the
 * approval, is declined here with the reason ({@code round-decline}) before anything is read, and
 * training reads only through the {@link ConsentedTrainingData} (the consent guard).
 */
public final class AgentRounds implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(AgentRounds.class);
  /** One progress line, for the dashboard. */
  public record Progress(String jobId, int round, int attempt, String stage, double loss, String detail, String at) {}

  private final Uplink uplink;
  private final Supplier<DeviceCredentials> credentials;
  private final ConsentedTrainingData data;
  private final java.util.function.BooleanSupplier participationAllowed;
  private final Clock clock;
  private final ExecutorService training = Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "round-training");
    t.setDaemon(true);
    return t;
  });
  private final List<ParticipantListener> listeners = new CopyOnWriteArrayList<>();
  private final Deque<Progress> recent = new ArrayDeque<>();
  private volatile RoundParticipant participant;
  /** Each job's planned number of training rounds, from its latest invitation (for progress bars). */
  private final java.util.Map<String, Integer> plannedRounds = new java.util.concurrent.ConcurrentHashMap<>();

  /**
   * @param participationAllowed false while a ledger check of this appliance has failed and ops
   *     have not cleared it: every invitation is then declined (docs/ledger.md, "Alarms")
   */
  public AgentRounds(Uplink uplink, Supplier<DeviceCredentials> credentials, ConsentedTrainingData data,
      java.util.function.BooleanSupplier participationAllowed, Clock clock) {
    this.uplink = uplink;
    this.credentials = credentials;
    this.data = data;
    this.participationAllowed = participationAllowed;
    this.clock = clock;
  }

  /** Registers the hub -> device kinds of rounds (job offers are the consent feature's). */
  public void register(DownstreamHandlers downstream) {
    downstream.register(Kinds.ROUND_INVITE, e -> onInvite(WireCodec.body(e, RoundInvite.class)));
    downstream.register(Kinds.ROUND_CHUNK, e -> participant().onChunk(WireCodec.body(e, Chunk.class)));
    downstream.register(Kinds.SECAGG, e -> participant().onSecAgg(WireCodec.body(e, SecAggMessage.class)));
    downstream.register(Kinds.ROUND_END, e -> participant().onEnd(WireCodec.body(e, RoundEnd.class)));
  }

  /** Adds a listener for progress (job, round, stage, loss); the dashboard shows these. */
  public void addListener(ParticipantListener l) {
    listeners.add(l);
  }

  /** The latest progress lines, newest last. */
  public synchronized List<Progress> recent() {
    return List.copyOf(recent);
  }

  /** Takes part only if the job's consent covers every column the round reads; otherwise declines with the reason. */
  /** The job's planned number of training rounds as its latest invitation said, or 0 when not known. */
  public int plannedRounds(String jobId) {
    return plannedRounds.getOrDefault(jobId, 0);
  }

  void onInvite(RoundInvite invite) {
    if (invite.plannedRounds() != null && invite.plannedRounds() > 0) {
      plannedRounds.put(invite.jobId(), invite.plannedRounds());
    }
    try {
      if (!participationAllowed.getAsBoolean()) {
        throw new IllegalStateException(
            "a ledger check of this appliance failed; it takes part in no round until ops clear the alarm");
      }
      data.admit(invite);
    } catch (RuntimeException e) {
      String reason = "refused by the agent: " + e.getMessage();
      LOG.warn("declining round {} attempt {} of job {}: {}", invite.round(), invite.attempt(), invite.jobId(), reason);
      uplink.send(Kinds.ROUND_DECLINE, new RoundDecline(invite.jobId(), invite.round(), invite.attempt(), reason));
      progress(invite.jobId(), invite.round(), invite.attempt(), "declined", Double.NaN, reason);
      return;
    }
    participant().onInvite(invite);
  }

  private RoundParticipant participant() {
    RoundParticipant p = participant;
    if (p == null) {
      synchronized (this) {
        if (participant == null) {
          participant = new RoundParticipant(uplink.deviceId(), () -> credentials.get().privateKey(),
              () -> credentials.get().chain(),
              new TableLearner(data),
              uplink::send, training, new SecureRandom(), new ParticipantListener() {
                @Override
                public void progress(String jobId, int round, int attempt, String stage, double loss, String detail) {
                  AgentRounds.this.progress(jobId, round, attempt, stage, loss, detail);
                }

                @Override
                public void evaluated(RoundEnd end, LocalEvaluation evaluation) {
                  AgentRounds.this.evaluated(end, evaluation);
                }
              });
        }
        p = participant;
      }
    }
    return p;
  }

  private void progress(String jobId, int round, int attempt, String stage, double loss, String detail) {
    Progress p = new Progress(jobId, round, attempt, stage, loss, detail, clock.instant().toString());
    synchronized (this) {
      recent.addLast(p);
      while (recent.size() > 100) {
        recent.removeFirst();
      }
    }
    LOG.info("job {} round {} attempt {}: {}{}", jobId, round, attempt, stage,
        Double.isNaN(loss) ? "" : " (loss " + String.format("%.4f", loss) + ")");
    for (ParticipantListener l : listeners) {
      try {
        l.progress(jobId, round, attempt, stage, loss, detail);
      } catch (RuntimeException e) {
        LOG.warn("progress listener failed: {}", e.toString());
      }
    }
  }

  /** The round's global model scored on this device's own rows: logged and handed to the dashboard, never sent. */
  private void evaluated(RoundEnd end, LocalEvaluation e) {
    String detail = String.format(java.util.Locale.ROOT, "AUC %.4f, log-loss %.4f on %d local %s row(s)", e.auc(),
        e.logLoss(), e.rows(), e.heldOut() ? "held-out" : "training");
    synchronized (this) {
      recent.addLast(new Progress(e.jobId(), e.round(), e.attempt(), "evaluated", e.logLoss(), detail,
          clock.instant().toString()));
      while (recent.size() > 100) {
        recent.removeFirst();
      }
    }
    LOG.info("job {} round {} attempt {}: global model evaluated locally: {}", e.jobId(), e.round(), e.attempt(), detail);
    for (ParticipantListener l : listeners) {
      try {
        l.evaluated(end, e);
      } catch (RuntimeException ex) {
        LOG.warn("evaluation listener failed: {}", ex.toString());
      }
    }
  }

  @Override
  public void close() {
    training.shutdownNow();
  }
}
