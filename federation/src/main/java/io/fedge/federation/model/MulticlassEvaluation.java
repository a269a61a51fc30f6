package io.fedge.federation.model;

/**
 * Multi-class metrics of per-class probabilities against class indices.
 *
 * @param accuracy share of rows whose most probable class (lowest index on ties) is the label
 * @param logLoss mean cross-entropy, probabilities clamped below at 1e-15
 */
public record MulticlassEvaluation(double accuracy, double logLoss) {}
