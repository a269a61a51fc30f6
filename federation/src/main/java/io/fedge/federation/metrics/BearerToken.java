package io.fedge.federation.metrics;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * A bearer-token check for an HTTP endpoint: only the token's SHA-256 is kept after construction,
 * and presented tokens are compared in constant time.
 */
public final class BearerToken {
  /** Shortest token accepted: 20 characters. */
  public static final int MIN_LENGTH = 20;
  private final byte[] tokenHash;

  /** @param what names the token in the error ("the ops token") */
  public BearerToken(String token, String what) {
    if (token == null || token.length() < MIN_LENGTH) {
      throw new IllegalArgumentException(what + " must be at least " + MIN_LENGTH + " characters");
    }
    this.tokenHash = sha256(token);
  }

  /** True if the {@code Authorization} header value is {@code Bearer <this token>}. */
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
