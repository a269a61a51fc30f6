package io.fedge.agent.data;

import java.time.Instant;

/**
 * A dataset's catalog entry. {@code contentHash} is a SHA-256 hash chain over the units loaded so
 * far, in order (a drop file's SHA-256 once the file is complete; the digest of each committed
 * batch of a JDBC or OPC UA source): it changes exactly when content is added.
 */
public record DatasetInfo(
    String name,
    String source,
    Schema schema,
    long rowCount,
    long quarantineCount,
    String contentHash,
    Instant createdAt,
    Instant updatedAt) {}
