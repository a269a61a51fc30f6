package io.fedge.federation.rounds;

import io.fedge.federation.model.RocPoint;
import java.util.List;

/**
 * A participant's own evaluation of a round's global model on its local rows. It stays on the
 * device (the dashboard's training page shows it); nothing here is sent to the hub.
 *
 * @param rows number of rows scored
 * @param heldOut true when the rows are the local holdout that training never used; false when the
 *     site has too few rows for a holdout (or the job set {@code evalHoldout} to 0) and the training
 *     rows themselves were scored
 * @param auc area under the ROC curve (NaN for a multi-class model or when a class is absent)
 * @param ks Kolmogorov-Smirnov statistic (NaN as for {@code auc})
 * @param accuracy share of rows classified right (score &ge; 0.5, or argmax)
 * @param logLoss mean cross-entropy of the model on these rows
 * @param roc the ROC curve, at most {@link io.fedge.federation.model.Metrics#MAX_ROC_POINTS}
 *     points from (0, 0) to (1, 1); empty for a multi-class model or when a class is absent
 */
public record LocalEvaluation(
    String jobId, int round, int attempt, int rows, boolean heldOut, double auc, double ks, double accuracy,
    double logLoss, List<RocPoint> roc) {
  public LocalEvaluation {
    roc = List.copyOf(roc);
  }
}
