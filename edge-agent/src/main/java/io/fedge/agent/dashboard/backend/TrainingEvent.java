package io.fedge.agent.dashboard.backend;

import java.time.Instant;
import java.util.List;

/**
 * Progress of a federated job on this appliance, as the round runner reports it.
 *
 * @param round 1-based round number
 * @param rounds planned rounds, or 0 when open-ended
 * @param progress 0..1 within the round (local epochs, upload), or -1 when not known
 * @param loss training loss after the round, or NaN when not yet known
 * @param metrics named metric points of the round (e.g. "auc" -> 0.81)
 * @param roc ROC curve points of the latest evaluation (false positive rate, true positive rate), may be empty
 */
public record TrainingEvent(
    String jobId,
    String phase,
    int round,
    int rounds,
    double progress,
    double loss,
    java.util.Map<String, Double> metrics,
    List<RocPoint> roc,
    Instant at) {

  public TrainingEvent {
    metrics = java.util.Map.copyOf(metrics);
    roc = List.copyOf(roc);
  }

  /** One point of a ROC curve. */
  public record RocPoint(double fpr, double tpr) {}
}
