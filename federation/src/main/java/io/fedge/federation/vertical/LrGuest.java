package io.fedge.federation.vertical;

import io.fedge.federation.vertical.LrMessages.EpochReport;
import io.fedge.federation.vertical.LrMessages.EvaluateValidation;
import io.fedge.federation.vertical.LrMessages.PartialScores;
import io.fedge.federation.vertical.LrMessages.ScoreRequest;
import io.fedge.federation.vertical.LrMessages.ScoreResult;
import java.util.HashMap;
import java.util.Map;

/**
 * The guest of vertical LR: labels, some features and the intercept. Combines partial scores into
 * probabilities for validation (early stopping) and scoring; labels never leave it.
 */
public final class LrGuest extends LrParty {
  private final int[] labels;
  private final Map<String, Pending> pending = new HashMap<>();
  private final Map<String, double[]> results = new HashMap<>();

  private record Pending(String requester, boolean reply, int epoch, double[] own, Map<String, double[]> hosts) {}

  public LrGuest(String id, String arbiter, GuestTable data, Outbox outbox) {
    super(id, arbiter, data.features(), outbox);
    this.labels = data.labels();
  }

  static String validationRequestId(int epoch) {
    return "validation/" + epoch;
  }

  @Override
  protected boolean hasIntercept() {
    return true;
  }

  @Override
  protected double[] residualShare(int[] rows, double[] partialScores) {
    double[] d = new double[rows.length];
    for (int k = 0; k < d.length; k++) {
      d[k] = 0.25 * partialScores[k] + 0.5 - labels[rows[k]];
    }
    return d;
  }

  /** Probabilities of a finished batch-scoring request (kept at the guest), or null. */
  public double[] result(String requestId) {
    double[] r = results.get(requestId);
    return r == null ? null : r.clone();
  }

  @Override
  protected boolean receiveOther(String from, VerticalMessage message) {
    if (message instanceof EvaluateValidation e) {
      requireFrom(from, arbiter, e);
      Pending p = pendingFor(validationRequestId(e.epoch()));
      pending.put(validationRequestId(e.epoch()),
          new Pending(from, false, e.epoch(), partialScores(validationRows), p.hosts()));
      complete(validationRequestId(e.epoch()));
      return true;
    }
    if (message instanceof ScoreRequest r) {
      requireFrom(from, arbiter, r);
      Pending p = pendingFor(r.requestId());
      pending.put(r.requestId(), new Pending(from, r.replyToRequester(), -1, partialScoresForIds(r.ids()), p.hosts()));
      complete(r.requestId());
      return true;
    }
    if (message instanceof PartialScores s) {
      if (!hostIds.contains(from)) {
        throw new VerticalException("partial scores from " + from + ", which is not a host of job " + jobId);
      }
      pendingFor(s.requestId()).hosts().put(from, s.scores());
      complete(s.requestId());
      return true;
    }
    return false;
  }

  private Pending pendingFor(String requestId) {
    return pending.computeIfAbsent(requestId, k -> new Pending(null, false, -1, null, new HashMap<>()));
  }

  private void complete(String requestId) {
    Pending p = pending.get(requestId);
    if (p.own() == null || p.hosts().size() < hostIds.size()) {
      return;
    }
    double[] z = p.own().clone();
    for (double[] h : p.hosts().values()) {
      if (h.length != z.length) {
        throw new VerticalException("a host returned " + h.length + " partial scores for " + z.length + " rows");
      }
      for (int k = 0; k < z.length; k++) {
        z[k] += h[k];
      }
    }
    double[] prob = new double[z.length];
    for (int k = 0; k < z.length; k++) {
      prob[k] = 1 / (1 + Math.exp(-z[k]));
    }
    pending.remove(requestId);
    if (p.epoch() >= 0) {
      int[] y = new int[validationRows.length];
      for (int k = 0; k < y.length; k++) {
        y[k] = labels[validationRows[k]];
      }
      outbox.send(arbiter, new EpochReport(jobId, p.epoch(), BinaryMetrics.logLoss(prob, y), BinaryMetrics.auc(prob, y)));
    } else if (p.reply()) {
      outbox.send(p.requester(), new ScoreResult(jobId, requestId, prob));
    } else {
      results.put(requestId, prob);
    }
  }
}
