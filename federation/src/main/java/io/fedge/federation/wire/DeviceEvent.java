package io.fedge.federation.wire;

import java.util.Map;

/**
 * Body of a {@link Kinds#EVENT}: a durable fact the device reports once (delivered at least once,
 * applied once by message id).
 *
 * @param name what happened, e.g. {@code agent.started}, {@code identity.renewed}
 * @param detail small key/value facts; never key material, tokens or customer rows
 */
public record DeviceEvent(String name, Map<String, String> detail) {}
