package io.fedge.hub.broker;

import io.fedge.provisioning.Identity;

import io.fedge.federation.wire.Ids;
import io.fedge.federation.wire.Kinds;
import io.fedge.federation.wire.ProtocolVersion;
import java.util.Arrays;

/**
 * Which topics an identity may publish to and subscribe to. Pure and stateless; every rule is an
 * exact match on topic levels, so there is no way to reach another device's subtree through
 * wildcards, shared-subscription prefixes or odd levels.
 *
 * <p>A {@link Identity.Role#DEVICE} with id {@code d} may
 *
 * <ul>
 *   <li>publish to {@code fedge/v1/dev/d/up/<kind>} only;
 *   <li>subscribe to {@code fedge/v1/dev/d/down/#}, {@code fedge/v1/dev/d/down/<kind>}, {@code
 *       fedge/v1/all/#} and {@code fedge/v1/all/<kind>} only.
 * </ul>
 *
 * <p>A {@link Identity.Role#SERVICE} may
 *
 * <ul>
 *   <li>publish to {@code fedge/v1/dev/<any valid id>/down/<kind>} and {@code fedge/v1/all/<kind>};
 *   <li>subscribe to {@code fedge/v1/dev/<D>/up/<K>}, plain or as {@code $share/<group>/...}, where
 *       {@code D} is {@code +} or a valid id and {@code K} is {@code #}, {@code +} or a kind.
 * </ul>
 *
 * <p>Everything else is refused, as is any topic or filter that is empty, longer than {@value
 * #MAX_TOPIC_LENGTH} characters, contains NUL, or has an empty, {@code .} or {@code ..} level.
 */
public final class TopicAcl {

  /** Longest topic name or filter accepted, in characters. */
  public static final int MAX_TOPIC_LENGTH = 256;

  private static final String ROOT = "fedge";
  private static final String VERSION = "v" + ProtocolVersion.CURRENT;
  private static final String DEV = "dev";
  private static final String ALL = "all";
  private static final String UP = "up";
  private static final String DOWN = "down";
  private static final String SHARE = "$share";

  public TopicAcl() {}

  /** True if {@code who} may publish a message to the topic name {@code topic}. */
  public boolean canPublish(Identity who, String topic) {
    String[] levels = levels(who, topic);
    if (levels == null) {
      return false;
    }
    return switch (who.role()) {
      case DEVICE -> isDeviceTopic(levels, UP) && levels[3].equals(who.id()) && Kinds.isValid(levels[5]);
      case SERVICE ->
          (isDeviceTopic(levels, DOWN) && Ids.isValid(levels[3]) && Kinds.isValid(levels[5]))
              || (isBroadcast(levels) && Kinds.isValid(levels[3]));
    };
  }

  /** True if {@code who} may subscribe with the topic filter {@code topicFilter}. */
  public boolean canSubscribe(Identity who, String topicFilter) {
    String[] levels = levels(who, topicFilter);
    if (levels == null) {
      return false;
    }
    return switch (who.role()) {
      case DEVICE ->
          (isDeviceTopic(levels, DOWN) && levels[3].equals(who.id()) && isKindOrHash(levels[5]))
              || (isBroadcast(levels) && isKindOrHash(levels[3]));
      case SERVICE -> serviceMaySubscribe(levels);
    };
  }

  private static boolean serviceMaySubscribe(String[] levels) {
    String[] rest = levels;
    if (SHARE.equals(levels[0])) {
      if (levels.length < 3 || !Ids.isValid(levels[1])) {
        return false;
      }
      rest = Arrays.copyOfRange(levels, 2, levels.length);
    }
    return isDeviceTopic(rest, UP)
        && (rest[3].equals("+") || Ids.isValid(rest[3]))
        && (isKindOrHash(rest[5]) || rest[5].equals("+"));
  }

  /** {@code fedge/v1/dev/?/<direction>/?}, exactly six levels. */
  private static boolean isDeviceTopic(String[] levels, String direction) {
    return levels.length == 6
        && ROOT.equals(levels[0])
        && VERSION.equals(levels[1])
        && DEV.equals(levels[2])
        && direction.equals(levels[4]);
  }

  /** {@code fedge/v1/all/?}, exactly four levels. */
  private static boolean isBroadcast(String[] levels) {
    return levels.length == 4
        && ROOT.equals(levels[0])
        && VERSION.equals(levels[1])
        && ALL.equals(levels[2]);
  }

  private static boolean isKindOrHash(String level) {
    return level.equals("#") || Kinds.isValid(level);
  }

  /** The topic's levels, or null if it fails the checks every topic must pass. */
  private static String[] levels(Identity who, String topic) {
    if (who == null || topic == null || topic.isEmpty() || topic.length() > MAX_TOPIC_LENGTH) {
      return null;
    }
    if (topic.indexOf('\0') >= 0) {
      return null;
    }
    String[] levels = topic.split("/", -1);
    for (String level : levels) {
      if (level.isEmpty() || level.equals(".") || level.equals("..")) {
        return null;
      }
    }
    return levels;
  }
}
