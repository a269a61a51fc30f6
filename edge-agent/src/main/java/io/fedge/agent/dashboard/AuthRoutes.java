package io.fedge.agent.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
import io.fedge.agent.dashboard.auth.DashboardAuth;
import io.fedge.federation.wire.WireCodec;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.io.IOException;
import java.util.Map;
import java.util.Optional;

/**
 * Pairing, login, logout and the gate in front of everything else: a valid session for every page
 * and API, and for every state-changing request a CSRF token bound to that session plus a
 * same-origin check. Translates HTTP to {@link DashboardAuth}; decides nothing itself.
 */
final class AuthRoutes {
  static final String SESSION_KEY = "fedge.session";
  static final String CSRF_HEADER = "X-CSRF-Token";
  /** Set by the page's periodic refreshes, which must not keep an unattended session alive. */
  static final String BACKGROUND_HEADER = "X-Fedge-Background";
  private static final int MAX_BODY = 16 * 1024;

  private final DashboardAuth auth;
  private final boolean tls;
  private final String cookieName;
  private final Buffer loginHtml = Http.resource("/dashboard/login.html");
  private final Buffer pairHtml = Http.resource("/dashboard/pair.html");

  AuthRoutes(DashboardAuth auth, boolean tls) {
    this.auth = auth;
    this.tls = tls;
    // With TLS the __Host- prefix makes the browser refuse a cookie planted without Secure or for a parent domain.
    this.cookieName = tls ? "__Host-fedge_session" : "fedge_session";
  }

  /** Routes that work without a session. */
  void mountPublic(Router r) {
    // Every body is read (and capped) before any decision, so an early refusal never leaves a request half-read.
    r.route().method(HttpMethod.POST).method(HttpMethod.PUT).method(HttpMethod.PATCH).method(HttpMethod.DELETE)
        .handler(BodyHandler.create(false).setBodyLimit(MAX_BODY));
    r.get("/login").blockingHandler(ctx -> {
      if (!auth.paired()) {
        redirect(ctx, "/pair");
      } else if (session(ctx, false).isPresent()) {
        redirect(ctx, "/");
      } else {
        html(ctx, loginHtml);
      }
    }, false);
    r.get("/pair").blockingHandler(ctx -> {
      if (auth.paired()) {
        redirect(ctx, "/login");
      } else {
        html(ctx, pairHtml);
      }
    }, false);
    r.get("/api/auth").blockingHandler(ctx -> Http.json(ctx, 200,
        Map.of("paired", auth.paired(), "minPasswordLength", auth.settings().minPasswordLength())), false);
    r.post("/api/login").blockingHandler(this::login, false);
    r.post("/api/pair").blockingHandler(this::pair, false);
  }

  /** The gate: after it, {@code ctx.get(SESSION_KEY)} is the dealer's session. */
  void mountGate(Router r) {
    r.route().blockingHandler(this::gate, false);
    r.post("/api/logout").blockingHandler(ctx -> {
      auth.logout(cookieValue(ctx));
      ctx.response().addCookie(expired());
      Http.json(ctx, 200, Map.of("ok", true));
    }, false);
    r.get("/api/session").handler(ctx -> {
      DashboardAuth.Session s = ctx.get(SESSION_KEY);
      Http.json(ctx, 200, Map.of(
          "username", s.username(),
          "csrfToken", s.csrfToken(),
          "idleTimeoutSeconds", auth.settings().idleTimeout().toSeconds(),
          "expiresAt", s.createdAt().plus(auth.settings().absoluteTimeout()).toString()));
    });
  }

  private void gate(RoutingContext ctx) {
    boolean background = "1".equals(ctx.request().getHeader(BACKGROUND_HEADER));
    Optional<DashboardAuth.Session> s = session(ctx, !background);
    if (s.isEmpty()) {
      if (ctx.request().path().startsWith("/api/")) {
        Http.error(ctx, 401, "Your session has ended. Log in again.");
      } else {
        redirect(ctx, auth.paired() ? "/login" : "/pair");
      }
      return;
    }
    if (changesState(ctx.request().method())) {
      String refusal = crossSite(ctx);
      if (refusal == null && !DashboardAuth.csrfMatches(s.get(), ctx.request().getHeader(CSRF_HEADER))) {
        refusal = "This request lacks the page's security token. Reload the page and try again.";
      }
      if (refusal != null) {
        Http.error(ctx, 403, refusal);
        return;
      }
    }
    ctx.put(SESSION_KEY, s.get());
    ctx.next();
  }

  private void login(RoutingContext ctx) {
    JsonNode body = jsonBody(ctx);
    if (body == null) {
      return;
    }
    DashboardAuth.Outcome o = auth.login(text(body, "username"), text(body, "password"), Http.source(ctx));
    answer(ctx, o);
  }

  private void pair(RoutingContext ctx) {
    JsonNode body = jsonBody(ctx);
    if (body == null) {
      return;
    }
    DashboardAuth.Outcome o =
        auth.pair(text(body, "code"), text(body, "username"), text(body, "password"), Http.source(ctx));
    answer(ctx, o);
  }

  private void answer(RoutingContext ctx, DashboardAuth.Outcome o) {
    if (o instanceof DashboardAuth.Granted g) {
      auth.logout(cookieValue(ctx)); // a login replaces any earlier session of this browser
      ctx.response().addCookie(
          Cookie.cookie(cookieName, g.sessionId()).setPath("/").setHttpOnly(true).setSecure(tls).setSameSite(CookieSameSite.STRICT));
      Http.json(ctx, 200, Map.of("ok", true, "username", g.session().username()));
    } else if (o instanceof DashboardAuth.Refused f) {
      if (!f.retryAfter().isZero()) {
        ctx.response().putHeader(HttpHeaders.RETRY_AFTER, Long.toString(Math.max(1, f.retryAfter().toSeconds())));
      }
      Http.json(ctx, f.status(), Map.of("error", f.message(), "retryAfterSeconds", f.retryAfter().toSeconds()));
    }
  }

  /** A pre-session POST must be JSON (which a cross-site form cannot send) from this origin. */
  private JsonNode jsonBody(RoutingContext ctx) {
    String refusal = crossSite(ctx);
    if (refusal != null) {
      Http.error(ctx, 403, refusal);
      return null;
    }
    String type = ctx.request().getHeader(HttpHeaders.CONTENT_TYPE);
    if (type == null || !type.toLowerCase(java.util.Locale.ROOT).startsWith("application/json")) {
      Http.error(ctx, 415, "Send the form as application/json.");
      return null;
    }
    try {
      JsonNode n = WireCodec.mapper().readTree(ctx.body().buffer() == null ? new byte[0] : ctx.body().buffer().getBytes());
      if (n == null || !n.isObject()) {
        throw new IOException("not a JSON object");
      }
      return n;
    } catch (IOException e) {
      Http.error(ctx, 400, "The form could not be read (" + e.getMessage() + "). Reload the page and try again.");
      return null;
    }
  }

  /** Null if the request is same-origin as far as the browser tells; otherwise why it is refused. */
  private String crossSite(RoutingContext ctx) {
    String origin = ctx.request().getHeader("Origin");
    String host = ctx.request().getHeader(HttpHeaders.HOST);
    if (origin != null && !origin.equals((tls ? "https://" : "http://") + host)) {
      return "Requests from other sites are refused (origin " + origin + ").";
    }
    String site = ctx.request().getHeader("Sec-Fetch-Site");
    if (site != null && !site.equals("same-origin") && !site.equals("none")) {
      return "Requests from other sites are refused.";
    }
    return null;
  }

  Optional<DashboardAuth.Session> session(RoutingContext ctx, boolean touch) {
    return auth.session(cookieValue(ctx), touch);
  }

  private String cookieValue(RoutingContext ctx) {
    Cookie c = ctx.request().getCookie(cookieName);
    return c == null ? null : c.getValue();
  }

  private Cookie expired() {
    return Cookie.cookie(cookieName, "").setPath("/").setMaxAge(0).setHttpOnly(true).setSecure(tls).setSameSite(CookieSameSite.STRICT);
  }

  private static boolean changesState(HttpMethod m) {
    return !(m.equals(HttpMethod.GET) || m.equals(HttpMethod.HEAD) || m.equals(HttpMethod.OPTIONS));
  }

  private static String text(JsonNode body, String field) {
    JsonNode n = body.get(field);
    return n == null || !n.isTextual() ? null : n.asText();
  }

  static void redirect(RoutingContext ctx, String to) {
    ctx.response().setStatusCode(303).putHeader(HttpHeaders.LOCATION, to).end();
  }

  static void html(RoutingContext ctx, Buffer page) {
    ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, "text/html; charset=utf-8").end(page);
  }
}
