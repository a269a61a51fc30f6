/**
 * Differential privacy for federated rounds: per-client clipping and Gaussian noise ({@link
 * io.fedge.federation.dp.GaussianMechanism}) and a Rényi-DP accountant for the subsampled
 * Gaussian mechanism ({@link io.fedge.federation.dp.RdpAccountant}).
 */
package io.fedge.federation.dp;
