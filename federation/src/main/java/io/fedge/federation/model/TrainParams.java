package io.fedge.federation.model;

/**
 * Hyper-parameters of one party's local training in one round.
 *
 * @param epochs passes over the local data, at least 1
 * @param batchSize mini-batch size, at least 1 (a batch larger than the table is the whole table)
 * @param learningRate SGD step size, positive
 * @param l2 L2 penalty (l2/2)·|w|² on weights (not biases), at least 0
 * @param proxMu FedProx proximal term (mu/2)·|p - center|², at least 0; 0 means plain FedAvg
 * @param seed seed of the mini-batch shuffling
 */
public record TrainParams(
    int epochs, int batchSize, double learningRate, double l2, double proxMu, long seed) {
  public TrainParams {
    if (epochs < 1 || epochs > 100_000) {
      throw new IllegalArgumentException("epochs must be in [1, 100000], got " + epochs);
    }
    if (batchSize < 1) {
      throw new IllegalArgumentException("batchSize must be at least 1, got " + batchSize);
    }
    if (!(learningRate > 0) || !Double.isFinite(learningRate)) {
      throw new IllegalArgumentException("learningRate must be positive, got " + learningRate);
    }
    if (!(l2 >= 0) || !Double.isFinite(l2)) {
      throw new IllegalArgumentException("l2 must be >= 0, got " + l2);
    }
    if (!(proxMu >= 0) || !Double.isFinite(proxMu)) {
      throw new IllegalArgumentException("proxMu must be >= 0, got " + proxMu);
    }
  }
}
