package io.fedge.agent.dashboard;

import io.fedge.provisioning.auth.BrowserHeaders;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;

/**
 * Headers on every dashboard response: the console's ({@link BrowserHeaders}), answers not cached at
 * all (they carry customer rows and tokens), and resources neither embeddable by other origins nor
 * given camera, microphone, location or payment access.
 */
final class SecurityHeaders implements Handler<RoutingContext> {
  private final boolean tls;

  SecurityHeaders(boolean tls) {
    this.tls = tls;
  }

  @Override
  public void handle(RoutingContext ctx) {
    var h = ctx.response().headers();
    BrowserHeaders.apply(h::set, tls, "no-store");
    h.set("Cross-Origin-Resource-Policy", "same-origin");
    h.set("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()");
    ctx.next();
  }
}
