package io.fedge.hub.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fedge.federation.wire.Ids;
import io.fedge.federation.wire.WireCodec;
import io.fedge.hub.fleet.DeviceAdmin;
import io.fedge.hub.fleet.DeviceView;
import io.fedge.hub.fleet.FleetStore;
import io.fedge.provisioning.ClaimBundle;
import io.fedge.provisioning.ClaimTokens.MintedToken;
import io.fedge.provisioning.EnrollmentException;
import io.fedge.provisioning.EnrollmentService;
import io.fedge.provisioning.store.AuditEvent;
import io.fedge.provisioning.store.ProvisioningStore;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.BooleanSupplier;
import javax.net.ssl.SSLPeerUnverifiedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The hub's HTTP surface: enrollment for devices, the ops REST API under {@code /api/v1}, health,
 * and the OpenAPI document. Handlers only decode, call a domain service off the event loop, and
 * encode; the logic lives in provisioning and fleet classes.
 */
public final class HttpApi {
  private static final Logger LOG = LoggerFactory.getLogger(HttpApi.class);
  private static final long MAX_BODY_BYTES = 64 * 1024;
  private static final ObjectMapper JSON = WireCodec.mapper();

  /** What the hub tells devices and operators about itself. */
  public record HubInfo(String hubUrl, String caFingerprint, String mqttHost, int mqttPort, Duration defaultTokenTtl) {}

  private final Vertx vertx;
  private final EnrollmentRoutes enrollment;
  private final EnrollmentService enrollmentService;
  private final ProvisioningStore provisioning;
  private final FleetStore fleet;
  private final DeviceAdmin admin;
  private final OpsAuth auth;
  private final HubInfo info;
  private final BooleanSupplier ready;
  private volatile java.util.function.Supplier<Map<String, Object>> readyDetails = Map::of;
  private final Buffer openApi;
  private final List<ApiRoutes> features = new java.util.ArrayList<>();
  private volatile SessionResolver sessions = id -> java.util.Optional.empty();
  /** Key under which the authenticated {@link Principal} is kept in the routing context. */
  public static final String PRINCIPAL = "fedge.principal";

  public HttpApi(
      Vertx vertx,
      EnrollmentService enrollmentService,
      ProvisioningStore provisioning,
      FleetStore fleet,
      DeviceAdmin admin,
      OpsAuth auth,
      HubInfo info,
      BooleanSupplier ready) {
    this.vertx = vertx;
    this.enrollmentService = enrollmentService;
    this.enrollment = new EnrollmentRoutes(enrollmentService, info);
    this.provisioning = provisioning;
    this.fleet = fleet;
    this.admin = admin;
    this.auth = auth;
    this.info = info;
    this.ready = ready;
    this.openApi = loadOpenApi();
  }

  /** Adds a feature's routes (rounds, ledger, OTA, ...); call before {@link #router()}. */
  public HttpApi mount(ApiRoutes routes) {
    features.add(routes);
    return this;
  }

  /** Lets console sessions (cookie + CSRF token) call {@code /api/v1} besides the ops token. */
  public HttpApi sessions(SessionResolver resolver) {
    this.sessions = java.util.Objects.requireNonNull(resolver, "resolver");
    return this;
  }

  /** Extra fields of the {@code /readyz} answer (e.g. the hub's certificates and their next renewal). */
  public HttpApi readyDetails(java.util.function.Supplier<Map<String, Object>> details) {
    this.readyDetails = java.util.Objects.requireNonNull(details, "details");
    return this;
  }

  /** Every route of the hub, declared in one place. */
  public Router router() {
    Router r = Router.router(vertx);
    r.route().handler(BodyHandler.create(false).setBodyLimit(MAX_BODY_BYTES));

    r.get("/healthz").handler(ctx -> json(ctx, 200, Map.of("status", "ok")));
    r.get("/readyz")
        .handler(ctx -> {
          boolean ok = ready.getAsBoolean();
          Map<String, Object> body = new java.util.LinkedHashMap<>();
          body.put("status", ok ? "ready" : "not_ready");
          body.putAll(readyDetails.get());
          json(ctx, ok ? 200 : 503, body);
        });
    r.get("/openapi.json")
        .handler(ctx -> ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, "application/json").end(openApi));

    r.post(EnrollmentRoutes.DEVICE_PATH).handler(ctx -> blocking(ctx, 201, () -> enrollment.enroll(rawBody(ctx), source(ctx))));
    r.post(EnrollmentRoutes.RENEW_PATH)
        .handler(ctx -> blocking(ctx, 200, () -> enrollment.renew(clientCertificate(ctx), rawBody(ctx), source(ctx))));

    r.route("/api/v1/*").handler(this::requireOps);
    r.get("/api/v1/devices").handler(ctx -> blocking(ctx, 200, () -> listDevices(ctx)));
    r.get("/api/v1/devices/:id").handler(ctx -> blocking(ctx, 200, () -> device(deviceId(ctx))));
    r.get("/api/v1/devices/:id/events").handler(ctx -> blocking(ctx, 200, () -> events(deviceId(ctx), limit(ctx))));
    r.post("/api/v1/devices/:id/revoke").handler(ctx -> blocking(ctx, 200, () -> revoke(deviceId(ctx), body(ctx), actor(ctx))));
    r.post("/api/v1/claim-tokens").handler(ctx -> blocking(ctx, 201, () -> mintToken(body(ctx), actor(ctx))));
    r.get("/api/v1/audit").handler(ctx -> blocking(ctx, 200, () -> audit(ctx)));
    features.forEach(f -> f.mount(r, this));

    r.route().last().handler(ctx -> error(ctx, new ApiError(404, "not_found", "no such endpoint; see /openapi.json")));
    r.route().failureHandler(this::failure);
    return r;
  }

  // ---- ops API ----

  /**
   * The one gate of {@code /api/v1}: the ops bearer token or a console session, then the role
   * matrix and the CSRF check of {@link AccessPolicy}. The session lookup touches the database, so
   * it runs off the event loop.
   */
  private void requireOps(RoutingContext ctx) {
    String method = ctx.request().method().name();
    String path = ctx.normalizedPath();
    if (auth.allows(ctx.request().getHeader(HttpHeaders.AUTHORIZATION))) {
      ctx.put(PRINCIPAL, Principal.opsToken());
      auditWhenAnswered(ctx, Principal.opsToken(), method, path);
      ctx.next();
      return;
    }
    io.vertx.core.http.Cookie cookie = ctx.request().getCookie(SessionResolver.COOKIE);
    if (cookie == null) {
      admit(ctx, null, method, path);
      return;
    }
    vertx.executeBlocking(() -> sessions.resolve(cookie.getValue()).orElse(null), false)
        .onComplete(r -> {
          if (r.failed()) {
            ctx.fail(r.cause());
          } else {
            admit(ctx, r.result(), method, path);
          }
        });
  }

  private void admit(RoutingContext ctx, Principal who, String method, String path) {
    AccessPolicy.Decision d = AccessPolicy.decide(who, method, path, ctx.request().getHeader(SessionResolver.CSRF_HEADER));
    if (d instanceof AccessPolicy.Deny deny) {
      if (deny.error().status() == 401) {
        ctx.response().putHeader("WWW-Authenticate", "Bearer realm=\"fedge\"");
      }
      ApiAudit.refusedByGate(who, method, path, deny.error(), source(ctx), java.time.Instant.now()).ifPresent(this::auditLater);
      error(ctx, deny.error());
      return;
    }
    if (who != null) {
      ctx.put(PRINCIPAL, who);
      auditWhenAnswered(ctx, who, method, path);
    }
    ctx.next();
  }

  /** Every state-changing /api/v1 request is audited with its actor once answered (see {@link ApiAudit}). */
  private void auditWhenAnswered(RoutingContext ctx, Principal who, String method, String path) {
    if (!ApiAudit.changesState(method)) {
      return;
    }
    String src = source(ctx);
    ctx.addBodyEndHandler(v -> ApiAudit.answered(who, method, path, ctx.response().getStatusCode(), src, java.time.Instant.now())
        .ifPresent(this::auditLater));
  }

  private void auditLater(AuditEvent e) {
    vertx.executeBlocking(() -> {
      provisioning.audit(e);
      return null;
    }, false).onFailure(t -> LOG.error("could not write audit event {} by {}: {}", e.action(), e.actor(), t.toString()));
  }

  /** The authenticated caller of an {@code /api/v1} route, or null on the public login route. */
  public static Principal principal(RoutingContext ctx) {
    return ctx.get(PRINCIPAL);
  }

  /** The name audit events record for this request's caller: a console user, or "ops" for the token. */
  public static String actor(RoutingContext ctx) {
    Principal p = principal(ctx);
    if (p == null) {
      throw new IllegalStateException("no authenticated caller on " + ctx.normalizedPath());
    }
    return p.actor();
  }

  /** The caller's address, as audit events record it. */
  public static String sourceOf(RoutingContext ctx) {
    return source(ctx);
  }

  private Object listDevices(RoutingContext ctx) {
    String group = ctx.queryParams().get("group");
    if (group != null && !Ids.isValid(group)) {
      throw ApiError.badRequest("group must be 3-64 characters of [a-z0-9-]");
    }
    FleetStore.DeviceFilter f =
        new FleetStore.DeviceFilter(
            group,
            bool(ctx, "online"),
            bool(ctx, "revoked"),
            ctx.queryParams().get("version"));
    List<ObjectNode> devices = fleet.listDevices(f).stream().map(HttpApi::deviceJson).toList();
    return Map.of("devices", devices, "count", devices.size());
  }

  private Object device(String id) {
    return fleet.device(id).map(HttpApi::deviceJson).orElseThrow(() -> ApiError.notFound("device " + id));
  }

  private Object events(String id, int limit) {
    if (fleet.device(id).isEmpty()) {
      throw ApiError.notFound("device " + id);
    }
    return Map.of("events", fleet.deviceEvents(id, limit));
  }

  private Object revoke(String id, JsonNode body, String actor) {
    String reason = body.path("reason").asText("");
    if (reason.isBlank() || reason.length() > 500) {
      throw ApiError.badRequest("give a 'reason' of 1-500 characters; it is kept in the audit log");
    }
    return switch (admin.revoke(id, actor, reason)) {
      case REVOKED -> Map.of("deviceId", id, "revoked", true);
      case ALREADY_REVOKED -> throw new ApiError(409, "already_revoked", "device " + id + " is already revoked");
      case UNKNOWN_DEVICE -> throw ApiError.notFound("device " + id);
    };
  }

  private Object mintToken(JsonNode body, String actor) {
    String group = body.path("group").asText(null);
    if (!Ids.isValid(group)) {
      throw ApiError.badRequest("'group' is required: 3-64 characters of [a-z0-9-]");
    }
    Duration ttl = info.defaultTokenTtl();
    if (body.has("ttlSeconds")) {
      JsonNode t = body.get("ttlSeconds");
      if (!t.canConvertToLong() || t.asLong() < 1 || t.asLong() > Duration.ofDays(365).toSeconds()) {
        throw ApiError.badRequest("'ttlSeconds' must be a whole number from 1 to 31536000");
      }
      ttl = Duration.ofSeconds(t.asLong());
    }
    MintedToken m = enrollmentService.mintClaimToken(group, ttl, actor);
    ClaimBundle bundle = new ClaimBundle(info.hubUrl(), info.caFingerprint(), m.token(), group);
    ObjectNode out = JSON.createObjectNode();
    out.put("tokenId", m.record().tokenId());
    out.put("token", m.token());
    out.put("group", group);
    out.put("expiresAt", m.record().expiresAt().toString());
    out.set("claimBundle", JSON.valueToTree(bundle));
    try {
      // The same JSON a claim.json file holds, as a QR code for provisioning tools and phones.
      out.put("claimBundleQrSvg", io.fedge.hub.console.QrSvg.encode(JSON.writeValueAsString(bundle)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }

  private Object audit(RoutingContext ctx) {
    String subject = ctx.queryParams().get("subject");
    List<AuditEvent> trail = provisioning.auditTrail(subject, limit(ctx));
    return Map.of("events", trail);
  }

  private static ObjectNode deviceJson(DeviceView d) {
    ObjectNode n = JSON.createObjectNode();
    n.put("deviceId", d.deviceId());
    n.put("group", d.group());
    n.put("status", d.revoked() ? "revoked" : d.online() ? "online" : "offline");
    n.put("online", d.online());
    n.put("revoked", d.revoked());
    n.put("lastSeen", d.lastSeen() == null ? null : d.lastSeen().toString());
    n.put("agentVersion", d.agentVersion());
    n.put("certSerial", d.certSerial());
    n.put("certNotAfter", d.certNotAfter() == null ? null : d.certNotAfter().toString());
    n.put("enrolledAt", d.enrolledAt() == null ? null : d.enrolledAt().toString());
    n.put("revokedAt", d.revokedAt() == null ? null : d.revokedAt().toString());
    n.put("revokedReason", d.revokedReason());
    if (d.resourcesJson() != null) {
      try {
        n.set("resources", JSON.readTree(d.resourcesJson()));
      } catch (IOException e) {
        n.putNull("resources");
      }
    }
    return n;
  }

  // ---- plumbing ----

  /** Runs {@code work} off the event loop and answers its result as JSON with {@code status}. */
  public void blocking(RoutingContext ctx, int status, Callable<Object> work) {
    vertx.executeBlocking(work, false)
        .onSuccess(result -> json(ctx, status, result))
        .onFailure(ctx::fail);
  }

  private void failure(RoutingContext ctx) {
    Throwable t = ctx.failure();
    if (t instanceof ApiError e) {
      error(ctx, e);
    } else if (t instanceof EnrollmentException e) {
      error(ctx, new ApiError(e.httpStatus(), e.code(), e.getMessage()));
    } else if (ctx.statusCode() == 413) {
      error(ctx, new ApiError(413, "too_large", "request body exceeds " + MAX_BODY_BYTES + " bytes"));
    } else if (t == null && ctx.statusCode() >= 400 && ctx.statusCode() < 500) {
      error(ctx, new ApiError(ctx.statusCode(), "bad_request", "the request could not be read"));
    } else {
      LOG.error("request {} {} failed", ctx.request().method(), ctx.request().path(), t);
      error(ctx, new ApiError(500, "internal_error", "the hub failed to handle this request; see the hub log"));
    }
  }

  public static void error(RoutingContext ctx, ApiError e) {
    json(ctx, e.status(), Map.of("error", e.code(), "message", e.getMessage()));
  }

  public static void json(RoutingContext ctx, int status, Object body) {
    if (ctx.response().ended()) {
      return;
    }
    try {
      ctx.response()
          .setStatusCode(status)
          .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
          .putHeader("Cache-Control", "no-store")
          .end(Buffer.buffer(JSON.writeValueAsBytes(body)));
    } catch (IOException e) {
      ctx.response().setStatusCode(500).end();
    }
  }

  public static byte[] rawBody(RoutingContext ctx) {
    Buffer b = ctx.body() == null ? null : ctx.body().buffer();
    if (b == null || b.length() == 0) {
      throw ApiError.badRequest("a JSON request body is required");
    }
    return b.getBytes();
  }

  public static JsonNode body(RoutingContext ctx) {
    byte[] raw = rawBody(ctx);
    try {
      JsonNode n = JSON.readTree(raw);
      if (n == null || !n.isObject()) {
        throw ApiError.badRequest("the request body must be a JSON object");
      }
      return n;
    } catch (IOException e) {
      throw ApiError.badRequest("the request body is not valid JSON");
    }
  }

  private static String deviceId(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    if (!Ids.isValid(id)) {
      throw ApiError.badRequest("device id must be 3-64 characters of [a-z0-9-]");
    }
    return id;
  }

  private static Boolean bool(RoutingContext ctx, String name) {
    String v = ctx.queryParams().get(name);
    if (v == null) {
      return null;
    }
    if (!v.equals("true") && !v.equals("false")) {
      throw ApiError.badRequest("'" + name + "' must be true or false");
    }
    return Boolean.valueOf(v);
  }

  public static int limit(RoutingContext ctx) {
    String v = ctx.queryParams().get("limit");
    if (v == null) {
      return 100;
    }
    try {
      int n = Integer.parseInt(v);
      if (n < 1 || n > 1000) {
        throw ApiError.badRequest("'limit' must be from 1 to 1000");
      }
      return n;
    } catch (NumberFormatException e) {
      throw ApiError.badRequest("'limit' must be a whole number");
    }
  }

  private static String source(RoutingContext ctx) {
    return ctx.request().remoteAddress() == null ? null : ctx.request().remoteAddress().hostAddress();
  }

  public static X509Certificate clientCertificate(RoutingContext ctx) {
    try {
      List<Certificate> chain = ctx.request().connection().peerCertificates();
      if (chain != null && !chain.isEmpty() && chain.get(0) instanceof X509Certificate x) {
        return x;
      }
    } catch (SSLPeerUnverifiedException e) {
      // fall through
    }
    throw new ApiError(
        401, "client_certificate_required", "renewal needs the device's current certificate over mutual TLS");
  }

  private static Buffer loadOpenApi() {
    try (InputStream in = HttpApi.class.getResourceAsStream("/openapi.json")) {
      if (in == null) {
        throw new IllegalStateException("openapi.json is missing from the hub's resources");
      }
      return Buffer.buffer(in.readAllBytes());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
