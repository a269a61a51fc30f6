package io.fedge.agent.mqtt;

import java.time.Instant;

/**
 * A snapshot of the link for the dashboard and the heartbeat.
 *
 * @param connectedSince when the current connection was established; null unless connected
 * @param connects successful connections since start
 * @param disconnects established connections lost or closed
 * @param published outbox rows handed to the broker (re-sends included)
 * @param acked outbox rows acknowledged with a success reason code
 * @param rejected acknowledgements with an error reason code
 * @param deadLettered rows moved to the dead-letter table
 * @param inflight rows sent and not yet acknowledged on the current connection
 * @param outboxDepth rows waiting in the outbox (in flight included)
 */
public record LinkStats(
    ConnectionState state,
    Instant connectedSince,
    long connects,
    long disconnects,
    long published,
    long acked,
    long rejected,
    long deadLettered,
    int inflight,
    long outboxDepth) {}
