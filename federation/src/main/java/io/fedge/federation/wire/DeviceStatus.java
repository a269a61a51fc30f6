package io.fedge.federation.wire;

/**
 * Body of a {@link Kinds#STATUS}: sent by the agent on connect ({@code online=true}) and set as its
 * MQTT will ({@code online=false}) so the hub learns of a lost connection at once.
 */
public record DeviceStatus(boolean online, String agentVersion) {}
