package io.fedge.federation.horizontal;

/**
 * FedProx (Li et al., MLSys 2020): aggregation is FedAvg's weighted mean; the difference is on
 * the clients, which add the proximal term (mu/2)|p - global|² to their local objective
 * ({@link io.fedge.federation.model.TrainParams#proxMu()}). That keeps heterogeneous (non-IID)
 * clients from drifting far from the global model during their local epochs.
 */
public final class FedProx extends FedAvg {
  private final double mu;

  public FedProx(double mu) {
    if (!(mu > 0) || !Double.isFinite(mu)) {
      throw new IllegalArgumentException("FedProx needs mu > 0, got " + mu + "; mu = 0 is FedAvg");
    }
    this.mu = mu;
  }

  /** The proximal coefficient the clients must train with. */
  public double mu() {
    return mu;
  }

  @Override
  public String name() {
    return "fedprox";
  }
}
