package io.fedge.agent.data;

import java.time.Instant;

/** A row set aside instead of loaded: where it came from, on which line, why, and its text. */
public record QuarantinedRow(long id, String dataset, String origin, long line, String reason, String raw, Instant at) {}
