package io.fedge.agent.rounds;

import io.fedge.agent.messaging.DownstreamHandlers;
import io.fedge.agent.messaging.Uplink;
import io.fedge.federation.rounds.Chunk;
import io.fedge.federation.rounds.ParticipantListener;
import io.fedge.federation.rounds.RoundEnd;
import io.fedge.federation.rounds.RoundInvite;
import io.fedge.federation.rounds.RoundParticipant;
import io.fedge.federation.rounds.SecAggMessage;
import io.fedge.federation.rounds.TableLearner;
import io.fedge.federation.wire.ConsentDecision;
import io.fedge.federation.wire.JobOffer;
import io.fedge.federation.wire.Kinds;
import io.fedge.federation.wire.WireCodec;
import io.fedge.provisioning.DeviceCredentials;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Set;
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
 * <p>Consent: when no other feature of the agent answers job offers, offers from the requesters
 * named in {@code autoApprove} are approved as a standing policy ({@code policy:auto-approve}) and
 * all others are refused, so the hub never waits on an agent that cannot ask a dealer.
 */
public final class AgentRounds implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(AgentRounds.class);
  /** One progress line, for the dashboard. */
  public record Progress(String jobId, int round, int attempt, String stage, double loss, String detail, String at) {}

  private final Uplink uplink;
  private final Supplier<DeviceCredentials> credentials;
  private final TrainingData data;
  private final Set<String> autoApprove;
  private final Clock clock;
  private final ExecutorService training = Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "round-training");
    t.setDaemon(true);
    return t;
  });
  private final List<ParticipantListener> listeners = new CopyOnWriteArrayList<>();
  private final Deque<Progress> recent = new ArrayDeque<>();
  private volatile RoundParticipant participant;

  public AgentRounds(Uplink uplink, Supplier<DeviceCredentials> credentials, TrainingData data, Set<String> autoApprove,
      Clock clock) {
    this.uplink = uplink;
    this.credentials = credentials;
    this.data = data;
    this.autoApprove = Set.copyOf(autoApprove);
    this.clock = clock;
  }

  /** Registers the hub -> device kinds of rounds (and job offers, unless another feature took them). */
  public void register(DownstreamHandlers downstream) {
    if (downstream.find(Kinds.JOB_OFFER).isEmpty()) {
      downstream.register(Kinds.JOB_OFFER, e -> onOffer(WireCodec.body(e, JobOffer.class)));
    }
    downstream.register(Kinds.ROUND_INVITE, e -> participant().onInvite(WireCodec.body(e, RoundInvite.class)));
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

  private void onOffer(JobOffer offer) {
    boolean ok = autoApprove.contains(offer.requester());
    LOG.info("job offer {} from {}: {}", offer.jobId(), offer.requester(), ok ? "approved by policy" : "refused");
    uplink.send(Kinds.CONSENT, new ConsentDecision(offer.jobId(), ok, ok ? offer.reads() : List.of(),
        "policy:auto-approve", clock.instant(),
        ok ? "policy:auto-approve" : "policy:auto-approve: requester '" + offer.requester() + "' is not approved on this site"));
  }

  private RoundParticipant participant() {
    RoundParticipant p = participant;
    if (p == null) {
      synchronized (this) {
        if (participant == null) {
          participant = new RoundParticipant(uplink.deviceId(), () -> credentials.get().privateKey(),
              () -> credentials.get().chain(),
              new TableLearner(inv -> data.read(inv.reads().get(0).dataset(), inv.label())),
              uplink::send, training, new SecureRandom(), this::progress);
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

  @Override
  public void close() {
    training.shutdownNow();
  }
}
