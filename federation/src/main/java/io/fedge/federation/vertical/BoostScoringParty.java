package io.fedge.federation.vertical;

import io.fedge.federation.vertical.BoostMessages.RouteRequest;
import io.fedge.federation.vertical.BoostMessages.Routes;
import io.fedge.federation.vertical.BoostMessages.ScoreRequest;
import io.fedge.federation.vertical.BoostMessages.ScoreResult;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A party of a finished tree job rebuilt from its kept {@link BoostModelShare} for a scoring
 * session (docs/vertical.md, "Durability"): after a restart of the hub or of the agent, when the
 * {@link BoostGuest} / {@link BoostHost} of the training job are gone. It answers online scoring
 * with the same messages as the trained parties: the guest takes a {@link ScoreRequest} from the
 * requester, asks each host for its {@link RouteRequest}s and answers {@link ScoreResult}; a host
 * answers the guest's {@link RouteRequest} with its {@link Routes} (decisions only). The routing and
 * tree walk are those of batch scoring ({@link SbtBatchScorer}).
 */
public final class BoostScoringParty implements VerticalEndpoint {
  private final String id;
  private final String sessionId;
  private final String guest;
  private final List<String> hosts;
  private final SbtBatchScorer scorer;
  private final BoostModelShare share;
  private final PartyTable rows;
  private final Outbox outbox;
  private final Map<String, Pending> pending = new HashMap<>();

  private record Pending(String requester, boolean reply, double[][] rows, Map<String, ChunkPart> parts) {}

  /**
   * @param sessionId the session's stream id (every message of the session names it)
   * @param rows the party's aligned rows (columns {@code share.features()})
   */
  public BoostScoringParty(String id, String sessionId, String guest, List<String> hosts, BoostModelShare share,
      PartyTable rows, Outbox outbox) {
    if (!rows.features().equals(share.features())) {
      throw new VerticalException("the aligned rows have columns " + rows.features() + ", the kept tree share "
          + share.features());
    }
    if (hosts.isEmpty()) {
      throw new VerticalException("a vertical job needs at least one host");
    }
    if (id.equals(guest) != "guest".equals(share.role())) {
      throw new VerticalException("party " + id + " kept a " + share.role() + " share but is "
          + (id.equals(guest) ? "the guest" : "a host") + " of the session");
    }
    this.id = id;
    this.sessionId = sessionId;
    this.guest = guest;
    this.hosts = List.copyOf(hosts);
    this.scorer = new SbtBatchScorer(share);
    this.share = share;
    this.rows = rows;
    this.outbox = outbox;
  }

  @Override
  public String partyId() {
    return id;
  }

  private double[][] lookup(List<String> ids) {
    double[][] x = new double[ids.size()][];
    for (int k = 0; k < x.length; k++) {
      int r = rows.indexOf(ids.get(k));
      if (r < 0) {
        throw new VerticalException("party " + id + " has no aligned row for a requested id (row " + k
            + " of the request)");
      }
      x[k] = rows.row(r);
    }
    return x;
  }

  @Override
  public void receive(String from, VerticalMessage message) {
    if (!sessionId.equals(message.jobId())) {
      throw new VerticalException("message for " + message.jobId() + " reached scoring session " + sessionId);
    }
    if ("guest".equals(share.role())) {
      if (message instanceof ScoreRequest r) {
        if (hosts.contains(from)) {
          throw new VerticalException("score requests come from the hub, not from host " + from);
        }
        pending.put(r.requestId(), new Pending(from, r.replyToRequester(), lookup(r.ids()), new HashMap<>()));
        for (String h : hosts) {
          outbox.send(h, new RouteRequest(sessionId, r.requestId(), r.ids()));
        }
      } else if (message instanceof Routes r) {
        if (!hosts.contains(from)) {
          throw new VerticalException("routes from " + from + ", who is not a host of the session");
        }
        Pending p = pending.get(r.requestId());
        if (p == null) {
          throw new VerticalException("routes for an unknown request from " + from);
        }
        p.parts().put(from, new SbtBatchScorer.Part(sessionId, 0, r.routes()));
        if (p.parts().size() == hosts.size()) {
          pending.remove(r.requestId());
          double[] out = scorer.combine(p.rows(), p.parts());
          if (p.reply()) {
            outbox.send(p.requester(), new ScoreResult(sessionId, r.requestId(), out));
          }
        }
      } else {
        throw new VerticalException("a restored guest takes no " + message.getClass().getSimpleName());
      }
    } else if (message instanceof RouteRequest r) {
      if (!guest.equals(from)) {
        throw new VerticalException("route requests come only from the guest, not " + from);
      }
      SbtBatchScorer.Part part = (SbtBatchScorer.Part) scorer.hostPart(sessionId, 0, lookup(r.ids()));
      outbox.send(guest, new Routes(sessionId, r.requestId(), part.routes()));
    } else {
      throw new VerticalException("a restored host takes no " + message.getClass().getSimpleName());
    }
  }
}
