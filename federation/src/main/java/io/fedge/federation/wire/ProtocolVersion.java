package io.fedge.federation.wire;

/** The one protocol version this build speaks on MQTT and HTTP. Bump on any incompatible wire change. */
public final class ProtocolVersion {
  public static final int CURRENT = 1;

  private ProtocolVersion() {}

  /** Throws a {@link WireException} naming both versions if {@code v} is not one this build understands. */
  public static void require(int v) {
    if (v != CURRENT) {
      throw new WireException(
          WireException.Reason.UNSUPPORTED_VERSION,
          "protocol version " + v + " is not supported; this build speaks version " + CURRENT);
    }
  }
}
