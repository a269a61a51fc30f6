package io.fedge.hub.fleet;

import java.time.Instant;

/**
 * A device as ops see it: identity from provisioning plus what the fleet registry learned.
 *
 * @param resourcesJson the last heartbeat's body as JSON (null before the first heartbeat)
 */
public record DeviceView(
    String deviceId,
    String group,
    boolean revoked,
    boolean online,
    Instant lastSeen,
    String agentVersion,
    String certSerial,
    Instant certNotAfter,
    Instant enrolledAt,
    Instant revokedAt,
    String revokedReason,
    String resourcesJson) {}
