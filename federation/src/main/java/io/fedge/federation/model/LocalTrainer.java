package io.fedge.federation.model;

/**
 * One party's local training: plain mini-batch stochastic gradient descent on the mean
 * cross-entropy plus (l2/2)|w|² on the weights plus, when {@code proxMu > 0}, the FedProx proximal
 * term (mu/2)|p - center|² (Li et al., "Federated Optimization in Heterogeneous Networks", 2020).
 *
 * <p>Plain SGD (no momentum, no Adam) on purpose: it keeps no optimiser state between rounds, so
 * a round's result depends only on the global model, the local data and the seed, and FedAvg with
 * one local step is exactly centralised SGD. Each epoch visits the rows in a fresh order shuffled
 * with {@code seed + epoch}; the last batch of an epoch may be smaller.
 *
 * <p>Speed: the model's parameters are updated in place and the only allocations are the
 * permutation and gradient arrays, once per call.
 */
public final class LocalTrainer {
  private LocalTrainer() {}

  /**
   * Trains {@code model} in place on {@code data} and returns its new parameters.
   *
   * @param proxCenter the global parameters the round started from; required (length {@link
   *     Model#parameterCount()}) when {@code params.proxMu() > 0}, ignored otherwise
   * @throws IllegalStateException if the loss becomes NaN or infinite (lower the learning rate)
   */
  public static TrainResult train(Model model, Table data, TrainParams params, double[] proxCenter) {
    if (data.rows() == 0) {
      throw new IllegalArgumentException("cannot train on an empty table");
    }
    if (data.cols() != model.features()) {
      throw new IllegalArgumentException(
          "model expects " + model.features() + " features, table has " + data.cols());
    }
    int p = model.parameterCount();
    double mu = params.proxMu();
    if (mu > 0 && (proxCenter == null || proxCenter.length != p)) {
      throw new IllegalArgumentException(
          "FedProx (proxMu > 0) needs the global parameters as proxCenter, length " + p);
    }
    boolean inPlace = model instanceof AbstractModel;
    double[] w = inPlace ? ((AbstractModel) model).rawParameters() : model.parameters();
    boolean[] bias = model.biasMask();
    double[] grad = new double[p];
    int n = data.rows();
    int[] order = new int[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    int batch = Math.min(params.batchSize(), n);
    double lr = params.learningRate();
    double l2 = params.l2();
    double epochLoss = Double.NaN;
    java.util.SplittableRandom rnd = new java.util.SplittableRandom(params.seed());
    for (int epoch = 0; epoch < params.epochs(); epoch++) {
      Table.shuffle(order, rnd);
      double sum = 0;
      for (int from = 0; from < n; from += batch) {
        int to = Math.min(n, from + batch);
        double loss = model.lossAndGradient(data, order, from, to, grad);
        if (!Double.isFinite(loss)) {
          throw new IllegalStateException(
              "training diverged at epoch " + epoch + " (loss " + loss
                  + "); lower the learning rate (now " + lr + ")");
        }
        sum += loss * (to - from);
        if (mu > 0) {
          for (int i = 0; i < p; i++) {
            double g = grad[i] + mu * (w[i] - proxCenter[i]);
            if (!bias[i]) {
              g += l2 * w[i];
            }
            w[i] -= lr * g;
          }
        } else if (l2 > 0) {
          for (int i = 0; i < p; i++) {
            w[i] -= lr * (bias[i] ? grad[i] : grad[i] + l2 * w[i]);
          }
        } else {
          for (int i = 0; i < p; i++) {
            w[i] -= lr * grad[i];
          }
        }
        if (!inPlace) {
          model.setParameters(w);
        }
      }
      epochLoss = sum / n;
    }
    for (double v : w) {
      if (!Double.isFinite(v)) {
        throw new IllegalStateException("training produced non-finite parameters; lower the"
            + " learning rate (now " + lr + ")");
      }
    }
    return new TrainResult(w.clone(), n, epochLoss);
  }
}
