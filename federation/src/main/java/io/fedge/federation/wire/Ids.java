package io.fedge.federation.wire;

import java.util.regex.Pattern;

/**
 * Opaque identifiers used on the wire. Device ids, message ids and group names share one alphabet
 * so they can appear in MQTT topics and URLs without escaping: lower-case ASCII letters, digits and
 * '-', starting with a letter or digit, 3 to 64 characters.
 */
public final class Ids {
  private static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9-]{2,63}");

  private Ids() {}

  public static boolean isValid(String id) {
    return id != null && ID.matcher(id).matches();
  }

  /** Returns {@code id} if valid, else throws a {@link WireException} naming the field. */
  public static String require(String field, String id) {
    if (!isValid(id)) {
      throw new WireException(
          WireException.Reason.INVALID_FIELD,
          field + " must be 3-64 characters of [a-z0-9-] starting with a letter or digit");
    }
    return id;
  }
}
