package io.fedge.federation.model;

/**
 * Binary classification metrics of scores P(y=1) against 0/1 labels.
 *
 * @param auc area under the ROC curve, ties counted as one half (NaN if a class is absent)
 * @param ks Kolmogorov-Smirnov statistic max |TPR - FPR| over thresholds (NaN if a class is absent)
 * @param accuracy share of rows whose score &ge; 0.5 agrees with the label
 * @param liftAt10 positive rate among the 10% highest scores divided by the overall positive rate
 *     (rows tied at the cut count pro rata; NaN if there are no positives)
 * @param logLoss mean cross-entropy, scores clamped to [1e-15, 1 - 1e-15]
 */
public record Evaluation(double auc, double ks, double accuracy, double liftAt10, double logLoss) {}
