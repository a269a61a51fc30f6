package io.fedge.agent.mqtt;

import java.time.Instant;

/** One transition of the {@link MqttLink}, with a human-readable reason (never key material). */
public record StateChange(ConnectionState from, ConnectionState to, String reason, Instant at) {}
