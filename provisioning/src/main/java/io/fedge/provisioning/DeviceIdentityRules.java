package io.fedge.provisioning;

import io.fedge.federation.wire.Ids;
import java.util.HexFormat;

/**
 * How the hub names devices: {@code d-} followed by the first 20 characters (100 bits) of the
 * lower-case, unpadded RFC 4648 base32 of the SHA-256 of the device key's SubjectPublicKeyInfo.
 * The same key always yields the same id, and the id never depends on anything the device chose.
 */
public final class DeviceIdentityRules {
  public static final String PREFIX = "d-";
  static final int HASH_CHARS = 20;

  private DeviceIdentityRules() {}

  /**
   * @param publicKeyFingerprint lower-case hex SHA-256 of the SubjectPublicKeyInfo (64 chars)
   */
  public static String deviceIdFor(String publicKeyFingerprint) {
    if (!Hashes.isSha256Hex(publicKeyFingerprint)) {
      throw new IllegalArgumentException("public key fingerprint must be 64 lower-case hex characters");
    }
    byte[] hash = HexFormat.of().parseHex(publicKeyFingerprint);
    String id = PREFIX + Base32.encode(hash).substring(0, HASH_CHARS);
    if (!Ids.isValid(id)) {
      throw new IllegalStateException("derived device id violates the id alphabet");
    }
    return id;
  }
}
