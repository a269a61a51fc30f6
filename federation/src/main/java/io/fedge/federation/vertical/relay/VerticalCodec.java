package io.fedge.federation.vertical.relay;

import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fedge.federation.psi.PsiCodec;
import io.fedge.federation.psi.PsiMessage;
import io.fedge.federation.vertical.BoostMessages;
import io.fedge.federation.vertical.LrMessages;
import io.fedge.federation.wire.WireCodec;
import io.fedge.federation.wire.WireException;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The bytes of one vertical-job message (before sealing and chunking). First byte:
 * {@code 'P'} a PSI message in {@link PsiCodec}'s binary form; {@code 'J'} a JSON object
 * {@code {"type": name, "body": record}} of one of the registered records ({@link LrMessages},
 * {@link BoostMessages} as {@code lr.X} / {@code boost.X}, {@link KeyAnnouncement} and the
 * coordination records as their simple names). Byte arrays are base64, long arrays JSON numbers.
 */
public final class VerticalCodec {
  private static final ObjectMapper MAPPER = newMapper();
  private static final Map<String, Class<?>> TYPES = new ConcurrentHashMap<>();
  private static final Map<Class<?>, String> NAMES = new ConcurrentHashMap<>();

  static {
    for (Class<?> c : LrMessages.class.getDeclaredClasses()) {
      register("lr." + c.getSimpleName(), c);
    }
    for (Class<?> c : BoostMessages.class.getDeclaredClasses()) {
      register("boost." + c.getSimpleName(), c);
    }
    register("KeyAnnouncement", KeyAnnouncement.class);
  }

  private VerticalCodec() {}

  /** Adds a record type the codec may carry (coordination messages of hub and agent). */
  public static void register(String name, Class<?> type) {
    TYPES.put(name, type);
    NAMES.put(type, name);
  }

  public static byte[] encode(Object message) {
    if (message instanceof PsiMessage p) {
      byte[] b = PsiCodec.encode(p);
      byte[] out = new byte[b.length + 1];
      out[0] = 'P';
      System.arraycopy(b, 0, out, 1, b.length);
      return out;
    }
    String name = NAMES.get(message.getClass());
    if (name == null) {
      throw new IllegalArgumentException("no vertical wire type for " + message.getClass().getName());
    }
    ObjectNode n = MAPPER.createObjectNode();
    n.put("type", name);
    n.set("body", MAPPER.valueToTree(message));
    try {
      byte[] b = MAPPER.writeValueAsBytes(n);
      byte[] out = new byte[b.length + 1];
      out[0] = 'J';
      System.arraycopy(b, 0, out, 1, b.length);
      return out;
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  public static Object decode(byte[] bytes) {
    if (bytes.length < 2) {
      throw new WireException(WireException.Reason.MALFORMED, "vertical message is empty");
    }
    if (bytes[0] == 'P') {
      return PsiCodec.decode(java.util.Arrays.copyOfRange(bytes, 1, bytes.length));
    }
    if (bytes[0] != 'J') {
      throw new WireException(WireException.Reason.MALFORMED, "vertical message has unknown form " + bytes[0]);
    }
    try {
      JsonNode n = MAPPER.readTree(bytes, 1, bytes.length - 1);
      JsonNode type = n == null ? null : n.get("type");
      Class<?> c = type == null ? null : TYPES.get(type.asText());
      if (c == null || !n.has("body")) {
        throw new WireException(WireException.Reason.INVALID_FIELD, "vertical message has no known type");
      }
      return MAPPER.treeToValue(n.get("body"), c);
    } catch (IOException | IllegalArgumentException e) {
      throw new WireException(WireException.Reason.INVALID_FIELD, "vertical message does not match its schema: "
          + String.valueOf(e.getMessage()).lines().findFirst().orElse(""));
    }
  }

  private static ObjectMapper newMapper() {
    ObjectMapper m = WireCodec.mapper().copy();
    m.getFactory().setStreamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(32)
        .maxStringLength(VerticalPacket.MAX_MESSAGE_BYTES).maxDocumentLength(VerticalPacket.MAX_MESSAGE_BYTES).build());
    return m;
  }
}
