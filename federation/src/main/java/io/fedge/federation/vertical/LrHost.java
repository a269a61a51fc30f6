package io.fedge.federation.vertical;

import io.fedge.federation.vertical.LrMessages.EvaluateValidation;
import io.fedge.federation.vertical.LrMessages.PartialScores;
import io.fedge.federation.vertical.LrMessages.ScoreRequest;

/**
 * A host of vertical LR: features only. It sees its own columns, the masked columns of the others,
 * masked residual vectors and its own gradient; never a label or another party's partial score.
 */
public final class LrHost extends LrParty {
  public LrHost(String id, String arbiter, PartyTable table, Outbox outbox) {
    super(id, arbiter, table, outbox);
  }

  @Override
  protected boolean hasIntercept() {
    return false;
  }

  @Override
  protected double[] residualShare(int[] rows, double[] partialScores, int model) {
    // linear regression's residual is exact (d = z - y); logistic models use the Taylor term z/4
    double slope = config.objective().kind() == Objective.Kind.REGRESSION ? 1.0 : 0.25;
    double[] d = new double[rows.length];
    for (int k = 0; k < d.length; k++) {
      d[k] = slope * partialScores[k];
    }
    return d;
  }

  @Override
  protected boolean receiveOther(String from, VerticalMessage message) {
    if (message instanceof EvaluateValidation e) {
      requireFrom(from, arbiter, e);
      outbox.send(guestId, new PartialScores(jobId, LrGuest.validationRequestId(e.epoch()),
          partialScores(validationRows)));
      return true;
    }
    if (message instanceof ScoreRequest r) {
      requireFrom(from, arbiter, r);
      outbox.send(guestId, new PartialScores(jobId, r.requestId(), partialScoresForIds(r.ids())));
      return true;
    }
    return false;
  }
}
