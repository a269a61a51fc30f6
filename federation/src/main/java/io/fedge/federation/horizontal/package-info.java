/**
 * Horizontal federated learning on the hub: aggregation {@link
 * io.fedge.federation.horizontal.Strategy strategies} ({@link io.fedge.federation.horizontal.FedAvg},
 * {@link io.fedge.federation.horizontal.FedProx}), screening of plaintext updates ({@link
 * io.fedge.federation.horizontal.AnomalyDetector}) and per-participant contribution scores
 * ({@link io.fedge.federation.horizontal.Contributions}). Pure functions over {@code double[]}; no
 * transport. See docs/rounds-ml.md for how they combine with secure aggregation.
 */
package io.fedge.federation.horizontal;
