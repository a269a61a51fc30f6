package io.fedge.agent.dashboard;

import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;

/**
 * Headers on every dashboard response. Scripts and styles come only from the agent itself (no
 * inline script or style, so an injected string cannot run); the dashboard cannot be framed; no
 * referrer leaves the page; answers are not cached (they carry customer rows and tokens).
 */
final class SecurityHeaders implements Handler<RoutingContext> {
  static final String CSP =
      "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self';"
          + " form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

  private final boolean tls;

  SecurityHeaders(boolean tls) {
    this.tls = tls;
  }

  @Override
  public void handle(RoutingContext ctx) {
    var h = ctx.response().headers();
    h.set("Content-Security-Policy", CSP);
    h.set("X-Frame-Options", "DENY");
    h.set("X-Content-Type-Options", "nosniff");
    h.set("Referrer-Policy", "no-referrer");
    h.set("Cross-Origin-Opener-Policy", "same-origin");
    h.set("Cross-Origin-Resource-Policy", "same-origin");
    h.set("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()");
    h.set("Cache-Control", "no-store");
    if (tls) {
      h.set("Strict-Transport-Security", "max-age=31536000");
    }
    ctx.next();
  }
}
