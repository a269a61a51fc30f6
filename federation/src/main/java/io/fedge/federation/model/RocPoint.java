package io.fedge.federation.model;

/**
 * One point of a ROC curve: rows with score &ge; {@code threshold} are called positive.
 *
 * @param fpr false-positive rate
 * @param tpr true-positive rate
 * @param threshold the score threshold (+Infinity for the (0, 0) point)
 */
public record RocPoint(double fpr, double tpr, double threshold) {}
