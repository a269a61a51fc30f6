package io.fedge.federation.model;

/**
 * Outcome of local training.
 *
 * @param parameters the trained parameters (a copy, owned by the receiver)
 * @param samples number of local examples trained on (the FedAvg weight)
 * @param loss mean cross-entropy over the examples of the last epoch, each measured on its
 *     mini-batch just before that batch's step (data term only, no penalties)
 */
public record TrainResult(double[] parameters, long samples, double loss) {}
