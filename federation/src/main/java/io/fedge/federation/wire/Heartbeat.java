package io.fedge.federation.wire;

/**
 * Body of a {@link Kinds#HEARTBEAT}: what the hub shows of a device's health.
 *
 * @param agentVersion the running agent build
 * @param uptimeSeconds seconds since the agent process started
 * @param heapUsedBytes JVM heap in use
 * @param rssBytes resident set size of the agent process (0 where unknown)
 * @param cpuLoad system load average over one minute divided by cores (-1 where unknown)
 * @param diskFreeBytes free bytes on the agent's data volume
 * @param outboxDepth messages queued locally and not yet acknowledged by the broker
 * @param certNotAfter expiry of the device certificate in use, ISO-8601 UTC
 */
public record Heartbeat(
    String agentVersion,
    long uptimeSeconds,
    long heapUsedBytes,
    long rssBytes,
    double cpuLoad,
    long diskFreeBytes,
    long outboxDepth,
    String certNotAfter) {}
