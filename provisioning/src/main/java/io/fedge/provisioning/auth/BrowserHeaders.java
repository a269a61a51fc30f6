package io.fedge.provisioning.auth;

import java.util.function.BiConsumer;

/**
 * The security headers of the two browser UIs, the appliance dashboard and the hub console: both
 * are same-origin pages whose scripts and styles come only from their own server (no inline script
 * or style, so an injected string cannot run), that cannot be framed and send no referrer.
 */
public final class BrowserHeaders {
  public static final String CSP =
      "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self';"
          + " form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

  private BrowserHeaders() {}

  /**
   * Sets the shared headers through {@code set} (name, value): the CSP above, no framing, no MIME
   * sniffing, no referrer, a same-origin opener, {@code cacheControl}, and HSTS when {@code tls}.
   */
  public static void apply(BiConsumer<String, String> set, boolean tls, String cacheControl) {
    set.accept("Content-Security-Policy", CSP);
    set.accept("X-Frame-Options", "DENY");
    set.accept("X-Content-Type-Options", "nosniff");
    set.accept("Referrer-Policy", "no-referrer");
    set.accept("Cross-Origin-Opener-Policy", "same-origin");
    set.accept("Cache-Control", cacheControl);
    if (tls) {
      set.accept("Strict-Transport-Security", "max-age=31536000");
    }
  }
}
