package io.fedge.agent.data;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** {@code next = SHA-256(previous-hex || ":" || unit-hex)}, starting from 64 zeros. */
public final class HashChain {
  public static final String EMPTY = "0".repeat(64);

  private HashChain() {}

  public static String extend(String previous, String unitHex) {
    return HexFormat.of().formatHex(sha256().digest((previous + ":" + unitHex).getBytes(StandardCharsets.US_ASCII)));
  }

  public static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }
}
