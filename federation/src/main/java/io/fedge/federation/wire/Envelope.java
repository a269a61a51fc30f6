package io.fedge.federation.wire;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.Objects;

/**
 * Every MQTT message is one envelope, encoded by {@link WireCodec}.
 *
 * @param v protocol version ({@link ProtocolVersion#CURRENT})
 * @param id unique message id chosen by the sender; receivers use it to make delivery idempotent
 * @param type the message kind ({@link Kinds})
 * @param sender device id (or hub id) of the sender; receivers check it against the topic
 * @param ts when the sender created the message, UTC
 * @param body the kind-specific payload
 */
public record Envelope(int v, String id, String type, String sender, Instant ts, JsonNode body) {
  public Envelope {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(sender, "sender");
    Objects.requireNonNull(ts, "ts");
    Objects.requireNonNull(body, "body");
  }
}
