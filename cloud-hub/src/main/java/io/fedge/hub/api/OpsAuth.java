package io.fedge.hub.api;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Bearer-token check for the ops API. Only the token's SHA-256 is kept in memory after start, and
 * tokens are compared in constant time.
 */
public final class OpsAuth {
  public static final String OPS_ACTOR = "ops";
  private final byte[] tokenHash;

  public OpsAuth(String token) {
    if (token == null || token.length() < 20) {
      throw new IllegalArgumentException("the ops token must be at least 20 characters");
    }
    this.tokenHash = sha256(token);
  }

  /** True if the {@code Authorization} header carries the ops token. */
  public boolean allows(String authorizationHeader) {
    if (authorizationHeader == null || !authorizationHeader.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return false;
    }
    return MessageDigest.isEqual(tokenHash, sha256(authorizationHeader.substring(7).trim()));
  }

  private static byte[] sha256(String s) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
