package io.fedge.federation.wire;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.UUID;

/**
 * The one place where MQTT messages are turned into bytes and back. JSON, UTF-8; see
 * docs/protocol.md. Decoding checks size, version, ids and kind before anything else looks at a
 * message.
 */
public final class WireCodec {
  /** Largest envelope accepted on MQTT; larger payloads travel chunked or over HTTPS. */
  public static final int MAX_MESSAGE_BYTES = 256 * 1024;

  private static final ObjectMapper MAPPER = newMapper();

  private WireCodec() {}

  /** The shared, configured JSON mapper for wire types (strict, size-limited). */
  public static ObjectMapper mapper() {
    return MAPPER;
  }

  public static String newMessageId() {
    return UUID.randomUUID().toString();
  }

  /** Builds an envelope for {@code body} (any Jackson-serializable value) with a fresh id. */
  public static Envelope envelope(String type, String sender, Instant ts, Object body) {
    return new Envelope(ProtocolVersion.CURRENT, newMessageId(), type, sender, ts, MAPPER.valueToTree(body));
  }

  public static byte[] encode(Envelope e) {
    ObjectNode n = MAPPER.createObjectNode();
    n.put("v", e.v());
    n.put("id", e.id());
    n.put("type", e.type());
    n.put("sender", e.sender());
    n.put("ts", e.ts().toString());
    n.set("body", e.body());
    try {
      byte[] bytes = MAPPER.writeValueAsBytes(n);
      if (bytes.length > MAX_MESSAGE_BYTES) {
        throw new WireException(
            WireException.Reason.TOO_LARGE,
            "message of " + bytes.length + " bytes exceeds the limit of " + MAX_MESSAGE_BYTES);
      }
      return bytes;
    } catch (JsonProcessingException ex) {
      throw new WireException(WireException.Reason.MALFORMED, "cannot encode message", ex);
    }
  }

  public static Envelope decode(byte[] bytes) {
    if (bytes == null || bytes.length == 0) {
      throw new WireException(WireException.Reason.MALFORMED, "empty message");
    }
    if (bytes.length > MAX_MESSAGE_BYTES) {
      throw new WireException(
          WireException.Reason.TOO_LARGE,
          "message of " + bytes.length + " bytes exceeds the limit of " + MAX_MESSAGE_BYTES);
    }
    JsonNode n;
    try {
      n = MAPPER.readTree(bytes);
    } catch (IOException ex) {
      throw new WireException(WireException.Reason.MALFORMED, "message is not valid JSON");
    }
    if (n == null || !n.isObject()) {
      throw new WireException(WireException.Reason.MALFORMED, "message must be a JSON object");
    }
    JsonNode v = n.get("v");
    if (v == null || !v.isInt()) {
      throw new WireException(WireException.Reason.MALFORMED, "field 'v' (protocol version) is missing");
    }
    ProtocolVersion.require(v.intValue());
    String id = text(n, "id");
    if (id.length() > 64 || !id.matches("[A-Za-z0-9-]+")) {
      throw new WireException(WireException.Reason.INVALID_FIELD, "field 'id' must be 1-64 of [A-Za-z0-9-]");
    }
    String type = text(n, "type");
    if (!Kinds.isValid(type)) {
      throw new WireException(WireException.Reason.INVALID_FIELD, "field 'type' is not a valid kind");
    }
    String sender = Ids.require("sender", text(n, "sender"));
    Instant ts;
    try {
      ts = Instant.parse(text(n, "ts"));
    } catch (DateTimeParseException ex) {
      throw new WireException(WireException.Reason.INVALID_FIELD, "field 'ts' must be an ISO-8601 UTC instant");
    }
    JsonNode body = n.get("body");
    if (body == null || !body.isObject()) {
      throw new WireException(WireException.Reason.MALFORMED, "field 'body' must be a JSON object");
    }
    return new Envelope(v.intValue(), id, type, sender, ts, body);
  }

  /** Maps an envelope's body onto a wire record, with a clear error on a mismatch. */
  public static <T> T body(Envelope e, Class<T> type) {
    try {
      return MAPPER.treeToValue(e.body(), type);
    } catch (JsonProcessingException | IllegalArgumentException ex) {
      throw new WireException(
          WireException.Reason.INVALID_FIELD, "body of '" + e.type() + "' does not match its schema: " + firstLine(ex));
    }
  }

  private static String text(JsonNode n, String field) {
    JsonNode f = n.get(field);
    if (f == null || !f.isTextual() || f.textValue().isEmpty()) {
      throw new WireException(WireException.Reason.MALFORMED, "field '" + field + "' is missing");
    }
    return f.textValue();
  }

  private static String firstLine(Exception ex) {
    String m = String.valueOf(ex.getMessage());
    int nl = m.indexOf('\n');
    return nl < 0 ? m : m.substring(0, nl);
  }

  private static ObjectMapper newMapper() {
    JsonMapper m =
        JsonMapper.builder()
            .findAndAddModules()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .build();
    m.getFactory()
        .setStreamReadConstraints(
            StreamReadConstraints.builder().maxNestingDepth(32).maxStringLength(MAX_MESSAGE_BYTES).build());
    return m;
  }
}
