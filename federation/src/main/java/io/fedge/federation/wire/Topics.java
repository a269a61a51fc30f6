package io.fedge.federation.wire;

import java.util.Optional;

/**
 * MQTT topic names. Devices publish under their own {@code up} subtree, receive under their own
 * {@code down} subtree, and everyone receives the broadcast subtree. Hub replicas share one
 * subscription to every device's {@code up} subtree.
 *
 * <pre>
 *   fedge/v1/dev/{deviceId}/up/{kind}     device -> hub
 *   fedge/v1/dev/{deviceId}/down/{kind}   hub -> device
 *   fedge/v1/all/{kind}                   hub -> every device
 * </pre>
 */
public final class Topics {
  public static final String ROOT = "fedge/v" + ProtocolVersion.CURRENT;
  public static final String DEVICE_ROOT = ROOT + "/dev/";
  public static final String BROADCAST_ROOT = ROOT + "/all/";
  /** The hub replicas' shared subscription to everything devices send. */
  public static final String HUB_SHARED_UP = "$share/hub/" + DEVICE_ROOT + "+/up/#";

  private Topics() {}

  public static String up(String deviceId, String kind) {
    return DEVICE_ROOT + Ids.require("deviceId", deviceId) + "/up/" + requireKind(kind);
  }

  public static String down(String deviceId, String kind) {
    return DEVICE_ROOT + Ids.require("deviceId", deviceId) + "/down/" + requireKind(kind);
  }

  public static String broadcast(String kind) {
    return BROADCAST_ROOT + requireKind(kind);
  }

  /** The filter a device subscribes to for everything sent to it alone. */
  public static String downFilter(String deviceId) {
    return DEVICE_ROOT + Ids.require("deviceId", deviceId) + "/down/#";
  }

  /** The filter for broadcasts. */
  public static String broadcastFilter() {
    return BROADCAST_ROOT + "#";
  }

  /** A parsed {@code up} topic: which device sent it and what kind of message it is. */
  public record Up(String deviceId, String kind) {}

  /** Parses {@code fedge/v1/dev/{deviceId}/up/{kind}}; empty for any other topic. */
  public static Optional<Up> parseUp(String topic) {
    if (topic == null || !topic.startsWith(DEVICE_ROOT)) {
      return Optional.empty();
    }
    String[] rest = topic.substring(DEVICE_ROOT.length()).split("/", -1);
    if (rest.length != 3 || !"up".equals(rest[1])) {
      return Optional.empty();
    }
    if (!Ids.isValid(rest[0]) || !Kinds.isValid(rest[2])) {
      return Optional.empty();
    }
    return Optional.of(new Up(rest[0], rest[2]));
  }

  private static String requireKind(String kind) {
    if (!Kinds.isValid(kind)) {
      throw new WireException(WireException.Reason.INVALID_FIELD, "invalid message kind: " + kind);
    }
    return kind;
  }
}
