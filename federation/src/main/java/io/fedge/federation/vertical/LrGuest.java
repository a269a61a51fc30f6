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
 * predictions (probabilities, regression values, or per-class probabilities) for validation (early
 * stopping) and scoring; labels never leave it.
 */
public final class LrGuest extends LrParty {
  private final double[] labels;
  private final Map<String, Pending> pending = new HashMap<>();
  private final Map<String, double[]> results = new HashMap<>();

  private record Pending(String requester, boolean reply, int epoch, double[] own, Map<String, double[]> hosts) {}

  public LrGuest(String id, String arbiter, GuestTable data, Outbox outbox) {
    super(id, arbiter, data.features(), outbox);
    this.labels = data.targets();
  }

  static String validationRequestId(int epoch) {
    return "validation/" + epoch;
  }

  @Override
  protected boolean hasIntercept() {
    return true;
  }

  @Override
  protected double[] residualShare(int[] rows, double[] partialScores, int model) {
    Objective objective = config.objective();
    double[] d = new double[rows.length];
    for (int k = 0; k < d.length; k++) {
      double y = labels[rows[k]];
      if (objective.kind() == Objective.Kind.REGRESSION) {
        d[k] = partialScores[k] - y;
      } else {
        double target = objective.kind() == Objective.Kind.MULTICLASS ? (y == model ? 1 : 0) : y;
        d[k] = 0.25 * partialScores[k] + 0.5 - target;
      }
    }
    return d;
  }

  /**
   * Checks the labels against the objective; for regression starts the intercept at the mean
   * training target (the guest's own value: only the residual's spread then matters for the
   * fixed-point range) and refuses targets too spread to encode.
   */
  @Override
  protected void initWeights(double[] w, int columnsPerModel) {
    Objective objective = config.objective();
    objective.validate(labels);
    if (objective.kind() != Objective.Kind.REGRESSION) {
      return;
    }
    double mean = 0;
    for (int r : trainRows) {
      mean += labels[r];
    }
    mean /= trainRows.length;
    double spread = 0;
    for (int r : trainRows) {
      spread = Math.max(spread, Math.abs(labels[r] - mean));
    }
    if (spread > LrConfig.CLIP / 2) {
      throw new VerticalException("regression targets lie up to " + spread + " from their mean; residuals are "
          + "encoded within +-" + LrConfig.CLIP + ": rescale the label column (e.g. to standard units) first");
    }
    w[columnsPerModel - 1] = mean;
  }

  /** Predictions (see {@link Objective#predict}) of a finished batch-scoring request kept at the guest, or null. */
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
    Objective objective = objective();
    double[] prob = objective.predict(z);
    pending.remove(requestId);
    if (p.epoch() >= 0) {
      double[] y = new double[validationRows.length];
      for (int k = 0; k < y.length; k++) {
        y[k] = labels[validationRows[k]];
      }
      outbox.send(arbiter, new EpochReport(jobId, p.epoch(), objective.loss(prob, y), objective.score(prob, y)));
    } else if (p.reply()) {
      outbox.send(p.requester(), new ScoreResult(jobId, requestId, prob));
    } else {
      results.put(requestId, prob);
    }
  }
}
