package io.fedge.federation.horizontal;

/**
 * A participant's contribution to one round.
 *
 * @param clientId the participant
 * @param score its marginal value in utility units (e.g. AUC points); may be negative
 * @param method {@code leave-one-out}, {@code shapley-tmc} or {@code shapley-exact}
 */
public record Contribution(String clientId, double score, String method) {}
