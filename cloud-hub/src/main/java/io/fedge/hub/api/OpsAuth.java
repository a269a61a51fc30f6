package io.fedge.hub.api;

import io.fedge.federation.metrics.BearerToken;

/**
 * Bearer-token check for the ops API. Only the token's SHA-256 is kept in memory after start, and
 * tokens are compared in constant time.
 */
public final class OpsAuth {
  public static final String OPS_ACTOR = "ops";
  private final BearerToken token;

  public OpsAuth(String token) {
    this.token = new BearerToken(token, "the ops token");
  }

  /** True if the {@code Authorization} header carries the ops token. */
  public boolean allows(String authorizationHeader) {
    return token.allows(authorizationHeader);
  }
}
