package io.fedge.federation.ledger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fedge.federation.wire.Ids;
import io.fedge.federation.wire.WireCodec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * One ledger entry, and its only byte encoding: the {@link CanonicalJson} of
 *
 * <pre>
 * {"at":"2026-11-23T12:00:00.123Z","body":{...},"recipients":["dev-a","dev-b"],"type":"enrollment","v":1}
 * </pre>
 *
 * <ul>
 *   <li>{@code v}: entry format version, 1.
 *   <li>{@code type}: what the entry records (see docs/ledger.md): 1-32 characters of [a-z0-9-].
 *   <li>{@code at}: when the hub appended it, ISO-8601 UTC truncated to milliseconds.
 *   <li>{@code recipients}: device ids that get a receipt for it, sorted, without duplicates
 *       (possibly empty).
 *   <li>{@code body}: the type-specific content, a JSON object under the canonical rules.
 * </ul>
 *
 * The leaf hash of the entry is {@code SHA-256(0x00 || bytes)}: anyone holding the bytes (or the
 * same content) recomputes it. The leaf index is not part of the entry; it is its position.
 */
public record LedgerEntry(String type, Instant at, List<String> recipients, JsonNode body) {
  public static final int VERSION = 1;
  /** Largest encoded entry accepted, so that a receipt always fits in one MQTT message. */
  public static final int MAX_BYTES = 64 * 1024;

  private static final Pattern TYPE = Pattern.compile("[a-z][a-z0-9-]{0,31}");

  public LedgerEntry {
    if (type == null || !TYPE.matcher(type).matches()) {
      throw new IllegalArgumentException("entry type must be 1-32 characters of [a-z0-9-], starting with a letter");
    }
    if (at == null) {
      throw new IllegalArgumentException("entry time is required");
    }
    at = at.truncatedTo(ChronoUnit.MILLIS);
    TreeSet<String> sorted = new TreeSet<>();
    for (String r : recipients) {
      if (!Ids.isValid(r)) {
        throw new IllegalArgumentException("recipients must be device ids (3-64 characters of [a-z0-9-])");
      }
      sorted.add(r);
    }
    recipients = List.copyOf(sorted);
    if (body == null || !body.isObject()) {
      throw new IllegalArgumentException("entry body must be a JSON object");
    }
  }

  /** An entry whose body is a Map or record (converted through the canonical rules). */
  public static LedgerEntry of(String type, Instant at, List<String> recipients, Object body) {
    byte[] canonical = CanonicalJson.encode(body);
    try {
      return new LedgerEntry(type, at, recipients, WireCodec.mapper().readTree(canonical));
    } catch (IOException e) {
      throw new IllegalStateException("canonical JSON did not parse back", e);
    }
  }

  /** The canonical bytes: what is hashed and stored. */
  public byte[] encode() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("v", VERSION);
    m.put("type", type);
    m.put("at", at.toString());
    m.put("recipients", recipients);
    m.put("body", plain(body));
    byte[] out = CanonicalJson.encode(m);
    if (out.length > MAX_BYTES) {
      throw new IllegalArgumentException("entry encodes to " + out.length + " bytes; the limit is " + MAX_BYTES);
    }
    return out;
  }

  public byte[] leafHash() {
    return Rfc9162.leafHash(encode());
  }

  /**
   * Parses entry bytes and checks they are exactly the canonical encoding of what they say (so two
   * different byte strings can never claim to be the same entry).
   *
   * @throws IllegalArgumentException with the reason if they are not
   */
  public static LedgerEntry parse(byte[] bytes) {
    if (bytes == null || bytes.length == 0 || bytes.length > MAX_BYTES) {
      throw new IllegalArgumentException("entry must be 1 to " + MAX_BYTES + " bytes");
    }
    JsonNode n;
    try {
      n = WireCodec.mapper().readTree(bytes);
    } catch (IOException e) {
      throw new IllegalArgumentException("entry is not JSON");
    }
    if (n == null || !n.isObject() || n.size() != 5 || n.path("v").asInt(-1) != VERSION || !n.path("v").isInt()) {
      throw new IllegalArgumentException("entry must be an object with exactly v=1, type, at, recipients, body");
    }
    if (!n.path("type").isTextual() || !n.path("at").isTextual() || !n.path("recipients").isArray()) {
      throw new IllegalArgumentException("entry type and at must be strings and recipients an array");
    }
    List<String> recipients = new ArrayList<>();
    for (JsonNode r : n.get("recipients")) {
      if (!r.isTextual()) {
        throw new IllegalArgumentException("entry recipients must be strings");
      }
      recipients.add(r.textValue());
    }
    LedgerEntry e;
    try {
      e = new LedgerEntry(n.get("type").textValue(), Instant.parse(n.get("at").textValue()), recipients, n.get("body"));
    } catch (DateTimeParseException ex) {
      throw new IllegalArgumentException("entry time is not ISO-8601: " + n.get("at").textValue());
    }
    if (!Arrays.equals(e.encode(), bytes)) {
      throw new IllegalArgumentException("entry bytes are not in canonical form (see docs/ledger.md)");
    }
    return e;
  }

  /** The entry as readable JSON (an object with the five members). */
  public ObjectNode toJson() {
    try {
      return (ObjectNode) WireCodec.mapper().readTree(encode());
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  public String encodeToString() {
    return new String(encode(), StandardCharsets.UTF_8);
  }

  /** JsonNode to Map/List/String/Long/BigInteger/Boolean, so CanonicalJson applies its rules. */
  private static Object plain(JsonNode n) {
    if (n.isObject()) {
      Map<String, Object> m = new LinkedHashMap<>();
      n.fields().forEachRemaining(f -> m.put(f.getKey(), plain(f.getValue())));
      return m;
    }
    if (n.isArray()) {
      List<Object> l = new ArrayList<>();
      n.forEach(x -> l.add(plain(x)));
      return l;
    }
    if (n.isTextual()) {
      return n.textValue();
    }
    if (n.isBoolean()) {
      return n.booleanValue();
    }
    if (n.isIntegralNumber()) {
      return n.bigIntegerValue();
    }
    if (n.isNull()) {
      throw new IllegalArgumentException("null is not allowed in an entry; omit the member");
    }
    throw new IllegalArgumentException("entries hold integers only; put fractional numbers in strings");
  }
}
