package io.fedge.hub.console;

import com.fasterxml.jackson.databind.JsonNode;
import io.fedge.federation.wire.Ids;
import io.fedge.hub.api.AccessPolicy;
import io.fedge.hub.api.ApiError;
import io.fedge.hub.api.ApiRoutes;
import io.fedge.hub.api.HttpApi;
import io.fedge.hub.api.Principal;
import io.fedge.hub.api.Role;
import io.fedge.hub.api.SessionResolver;
import io.fedge.hub.fleet.FleetStore;
import io.fedge.provisioning.auth.BrowserHeaders;
import io.fedge.provisioning.store.AuditEvent;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.StaticHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * The console's HTTP side: its static pages under {@code /console/} and the routes behind them
 * ({@code /api/v1/session}, {@code /api/v1/users}, heartbeat history, audit search). Access is
 * decided by {@link AccessPolicy} in {@link HttpApi}'s gate before any of these run; the logic is
 * in {@link ConsoleAuth} and {@link ConsoleStore}.
 */
public final class ConsoleRoutes implements ApiRoutes {
  private final ConsoleAuth auth;
  private final ConsoleStore store;
  private final FleetStore fleet;
  private final Buffer chartJs = resource(chartJsPath());

  public ConsoleRoutes(ConsoleAuth auth, ConsoleStore store, FleetStore fleet) {
    this.auth = auth;
    this.store = store;
    this.fleet = fleet;
  }

  @Override
  public void mount(Router r, HttpApi api) {
    r.get("/").handler(ctx -> ctx.redirect("/console/"));
    r.get("/console").handler(ctx -> {
      if (ctx.request().path().equals("/console")) {
        ctx.redirect("/console/");
      } else {
        ctx.next();
      }
    });
    r.route("/console/*").handler(ConsoleRoutes::securityHeaders);
    r.get("/console/vendor/chart.umd.js").handler(ctx -> ctx.response()
        .putHeader(HttpHeaders.CONTENT_TYPE, "text/javascript; charset=utf-8").end(chartJs));
    r.route("/console/*").handler(StaticHandler.create("console")
        .setCachingEnabled(false)
        .setDirectoryListing(false)
        .setIncludeHidden(false)
        .setDefaultContentEncoding("UTF-8"));

    r.post(AccessPolicy.SESSION_PATH).handler(ctx -> api.blocking(ctx, 200, () -> login(ctx)));
    r.get(AccessPolicy.SESSION_PATH).handler(ctx -> HttpApi.json(ctx, 200, me(HttpApi.principal(ctx))));
    r.delete(AccessPolicy.SESSION_PATH).handler(ctx -> api.blocking(ctx, 200, () -> logout(ctx)));
    r.post(AccessPolicy.SESSION_PATH + "/password").handler(ctx -> api.blocking(ctx, 200, () -> changePassword(ctx)));

    r.get(AccessPolicy.USERS_PATH).handler(ctx -> api.blocking(ctx, 200, () -> Map.of("users", auth.users())));
    r.post(AccessPolicy.USERS_PATH).handler(ctx -> api.blocking(ctx, 201, () -> createUser(ctx)));
    r.patch(AccessPolicy.USERS_PATH + "/:name").handler(ctx -> api.blocking(ctx, 200, () -> updateUser(ctx)));
    r.post(AccessPolicy.USERS_PATH + "/:name/password").handler(ctx -> api.blocking(ctx, 200, () -> resetPassword(ctx)));

    r.get("/api/v1/devices/:id/heartbeats").handler(ctx -> api.blocking(ctx, 200, () -> heartbeats(ctx)));
    r.get("/api/v1/audit/events").handler(ctx -> api.blocking(ctx, 200, () -> auditEvents(ctx)));
  }

  // ---- session

  private Object login(RoutingContext ctx) {
    // A cross-site form can post text/plain that looks like JSON (login CSRF); it cannot send this type.
    String type = ctx.request().getHeader(HttpHeaders.CONTENT_TYPE);
    if (type == null || !type.toLowerCase(java.util.Locale.ROOT).startsWith("application/json")) {
      throw new ApiError(415, "unsupported_media_type", "send the login as JSON with 'Content-Type: application/json'");
    }
    JsonNode b = HttpApi.body(ctx);
    ConsoleAuth.Outcome o = auth.login(text(b, "username"), text(b, "password"), HttpApi.sourceOf(ctx));
    if (o instanceof ConsoleAuth.Refused no) {
      if (!no.retryAfter().isZero()) {
        ctx.response().putHeader("Retry-After", Long.toString(Math.max(1, no.retryAfter().toSeconds())));
      }
      throw new ApiError(no.status(), no.code(), no.message());
    }
    ConsoleAuth.Granted g = (ConsoleAuth.Granted) o;
    ctx.response().addCookie(Cookie.cookie(SessionResolver.COOKIE, g.sessionId())
        .setPath("/").setHttpOnly(true).setSecure(true).setSameSite(CookieSameSite.STRICT));
    return me(g.session().principal());
  }

  private Object logout(RoutingContext ctx) {
    Cookie c = ctx.request().getCookie(SessionResolver.COOKIE);
    if (c != null) {
      auth.logout(c.getValue(), HttpApi.sourceOf(ctx));
    }
    ctx.response().addCookie(Cookie.cookie(SessionResolver.COOKIE, "").setPath("/").setHttpOnly(true).setSecure(true)
        .setSameSite(CookieSameSite.STRICT).setMaxAge(0));
    return Map.of("loggedOut", true);
  }

  private Object changePassword(RoutingContext ctx) {
    Cookie c = ctx.request().getCookie(SessionResolver.COOKIE);
    Principal p = HttpApi.principal(ctx);
    if (c == null || p == null || !p.viaSession()) {
      throw ApiError.badRequest("only a console session can change its password; the ops token has none");
    }
    JsonNode b = HttpApi.body(ctx);
    auth.changeOwnPassword(c.getValue(), text(b, "currentPassword"), text(b, "newPassword"), HttpApi.sourceOf(ctx));
    return me(new Principal(p.actor(), p.role(), p.csrfToken(), false));
  }

  private static Map<String, Object> me(Principal p) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("username", p.actor());
    m.put("role", p.role().wire());
    m.put("csrfToken", p.csrfToken());
    m.put("mustChangePassword", p.mustChangePassword());
    m.put("viaSession", p.viaSession());
    return m;
  }

  // ---- users

  private Object createUser(RoutingContext ctx) {
    JsonNode b = HttpApi.body(ctx);
    Role role = Role.parse(text(b, "role")).orElse(null);
    return auth.createUser(HttpApi.actor(ctx), text(b, "username"), role, text(b, "password"), HttpApi.sourceOf(ctx));
  }

  private Object updateUser(RoutingContext ctx) {
    JsonNode b = HttpApi.body(ctx);
    Role role = null;
    if (b.has("role")) {
      role = Role.parse(text(b, "role"))
          .orElseThrow(() -> ApiError.badRequest("'role' must be one of admin, operator, auditor"));
    }
    Boolean disabled = null;
    if (b.has("disabled")) {
      if (!b.get("disabled").isBoolean()) {
        throw ApiError.badRequest("'disabled' must be true or false");
      }
      disabled = b.get("disabled").asBoolean();
    }
    if (role == null && disabled == null) {
      throw ApiError.badRequest("send 'role' and/or 'disabled'");
    }
    return auth.updateUser(HttpApi.actor(ctx), ctx.pathParam("name"), role, disabled, HttpApi.sourceOf(ctx));
  }

  private Object resetPassword(RoutingContext ctx) {
    String given = null;
    if (ctx.body() != null && ctx.body().length() > 0) {
      given = text(HttpApi.body(ctx), "password");
    }
    String pw = auth.resetPassword(HttpApi.actor(ctx), ctx.pathParam("name"), given, HttpApi.sourceOf(ctx));
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("username", ctx.pathParam("name"));
    m.put("mustChangePassword", true);
    if (given == null) {
      m.put("oneTimePassword", pw);
    }
    return m;
  }

  // ---- fleet and audit views

  private Object heartbeats(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    if (!Ids.isValid(id)) {
      throw ApiError.badRequest("device id must be 3-64 characters of [a-z0-9-]");
    }
    if (fleet.device(id).isEmpty()) {
      throw ApiError.notFound("device " + id);
    }
    Instant since = instant(ctx, "since", Instant.now().minus(Duration.ofHours(24)));
    List<Map<String, Object>> out = store.heartbeats(id, since, limit(ctx, 500)).stream().map(h -> {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("at", h.at().toString());
      m.put("agentVersion", h.agentVersion());
      m.put("resources", json(h.resourcesJson()));
      return m;
    }).toList();
    return Map.of("deviceId", id, "heartbeats", out, "count", out.size());
  }

  private Object auditEvents(RoutingContext ctx) {
    var q = ctx.queryParams();
    String outcome = q.get("outcome");
    if (outcome != null && !outcome.equals("allowed") && !outcome.equals("refused")) {
      throw ApiError.badRequest("'outcome' must be allowed or refused");
    }
    for (String k : List.of("actor", "action", "subject")) {
      String v = q.get(k);
      if (v != null && (v.isEmpty() || v.length() > 200)) {
        throw ApiError.badRequest("'" + k + "' must be 1-200 characters");
      }
    }
    List<AuditEvent> events = store.audit(new ConsoleStore.AuditQuery(
        q.get("actor"), q.get("action"), q.get("subject"), outcome, instant(ctx, "since", null), limit(ctx, 200)));
    return Map.of("events", events, "count", events.size());
  }

  // ---- plumbing

  private static void securityHeaders(RoutingContext ctx) {
    BrowserHeaders.apply(ctx.response().headers()::set, true, "no-cache"); // the hub serves HTTPS only
    ctx.next();
  }

  private static String text(JsonNode b, String field) {
    JsonNode n = b.get(field);
    return n == null || n.isNull() ? null : n.isTextual() ? n.asText() : null;
  }

  private static Object json(String raw) {
    if (raw == null) {
      return null;
    }
    try {
      return io.fedge.federation.wire.WireCodec.mapper().readTree(raw);
    } catch (IOException e) {
      return null;
    }
  }

  private static Instant instant(RoutingContext ctx, String name, Instant def) {
    String v = ctx.queryParams().get(name);
    if (v == null) {
      return def;
    }
    try {
      return Instant.parse(v);
    } catch (DateTimeParseException e) {
      throw ApiError.badRequest("'" + name + "' must be a UTC time like 2026-11-23T10:15:30Z");
    }
  }

  private static int limit(RoutingContext ctx, int def) {
    return ctx.queryParams().get("limit") == null ? def : HttpApi.limit(ctx);
  }

  private static Buffer resource(String path) {
    try (InputStream in = ConsoleRoutes.class.getResourceAsStream(path)) {
      if (in == null) {
        throw new IllegalStateException(path + " is missing from the hub's class path");
      }
      return Buffer.buffer(in.readAllBytes());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The chart library comes from its WebJar; its version is read from the jar's Maven metadata. */
  private static String chartJsPath() {
    Properties p = new Properties();
    try (InputStream in = ConsoleRoutes.class.getResourceAsStream("/META-INF/maven/org.webjars.npm/chart.js/pom.properties")) {
      if (in == null) {
        throw new IllegalStateException("the chart.js WebJar is missing from the hub's class path");
      }
      p.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return "/META-INF/resources/webjars/chart.js/" + p.getProperty("version") + "/dist/chart.umd.js";
  }
}
