package io.fedge.federation.rounds;

/** Device to hub ({@code round-decline}): this device cannot take part in the attempt, and why. */
public record RoundDecline(String jobId, int round, int attempt, String reason) {}
