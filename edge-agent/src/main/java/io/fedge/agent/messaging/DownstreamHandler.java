package io.fedge.agent.messaging;

import io.fedge.federation.wire.Envelope;

/**
 * What the agent does with one kind of hub -> device message. Runs on the MQTT link's handler
 * thread (never Paho's), one message at a time; the message is acknowledged after this returns or
 * throws, and may be delivered again after a crash, so handlers are idempotent by message id.
 */
@FunctionalInterface
public interface DownstreamHandler {
  void handle(Envelope message) throws Exception;
}
