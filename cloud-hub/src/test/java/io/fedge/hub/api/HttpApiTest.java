package io.fedge.hub.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fedge.federation.config.Settings;
import io.fedge.federation.wire.WireCodec;
import io.fedge.hub.Hub;
import io.fedge.hub.config.HubConfig;
import io.fedge.hub.db.Database;
import io.fedge.hub.db.JdbcHubStore;
import io.fedge.hub.db.Migrations;
import io.fedge.hub.fleet.DeviceAdmin;
import io.fedge.provisioning.CertificateAuthority;
import io.fedge.provisioning.EnrollmentService;
import io.fedge.provisioning.EnrollmentSettings;
import io.fedge.provisioning.RateLimiter;
import io.fedge.provisioning.TlsContexts;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Route;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The hub's HTTP surface, in process: a real hub with its broker, database and TLS. */
class HttpApiTest {
  private static final String TOKEN = "http-api-test-token-0123456789";
  @TempDir static Path dir;
  static Hub hub;
  static HttpClient http;
  static String base;

  @BeforeAll
  static void start() throws Exception {
    HubConfig config =
        HubConfig.from(
            Settings.of(Map.of("http.port", "0", "mqtt.port", "0", "ops.token", TOKEN), HubConfig.ENV_PREFIX),
            dir.resolve("hub"));
    hub = new Hub(config);
    hub.start();
    JsonNode run = WireCodec.mapper().readTree(dir.resolve("hub/run/hub.json").toFile());
    base = "https://127.0.0.1:" + run.path("httpPort").asInt();
    http = HttpClient.newBuilder().sslContext(TlsContexts.pinnedClient(run.path("caFingerprint").asText())).build();
  }

  @AfterAll
  static void stop() {
    hub.close();
  }

  @Test
  void everyRouteIsDescribedInTheOpenApiDocument() throws Exception {
    Vertx vertx = Vertx.vertx();
    Database db = Database.open("jdbc:sqlite::memory:");
    try {
      Migrations.migrateToLatest(db);
      JdbcHubStore store = new JdbcHubStore(db);
      CertificateAuthority ca = CertificateAuthority.loadOrCreate(dir.resolve("ca2"), Clock.systemUTC());
      EnrollmentService enrollment =
          new EnrollmentService(
              ca, store, new RateLimiter(RateLimiter.Settings.defaults()), Clock.systemUTC(), EnrollmentSettings.defaults());
      HttpApi api =
          new HttpApi(
              vertx, enrollment, store, store, new DeviceAdmin(enrollment, store, id -> false), new OpsAuth(TOKEN),
              new HttpApi.HubInfo("https://localhost:1", ca.rootFingerprint(), "localhost", 1, Duration.ofDays(1)),
              () -> true);
      Set<String> routed = new HashSet<>();
      for (Route r : api.router().getRoutes()) {
        String p = r.getPath();
        if (p != null && !p.endsWith("/") && !p.endsWith("*")) {
          routed.add(p.replaceAll(":([a-zA-Z]+)", "{$1}"));
        }
      }
      // Guard: the test must have found the routes it checks.
      assertThat(routed).hasSizeGreaterThanOrEqualTo(10).contains("/api/v1/devices", "/enroll/v1/device");
      JsonNode doc = WireCodec.mapper().readTree(get("/openapi.json", null).body());
      Set<String> documented = new HashSet<>();
      doc.path("paths").fieldNames().forEachRemaining(documented::add);
      assertThat(documented).containsAll(routed);
    } finally {
      db.close();
      vertx.close();
    }
  }

  @Test
  void healthAndReadinessAnswerWithoutAToken() throws Exception {
    assertThat(get("/healthz", null).statusCode()).isEqualTo(200);
    assertThat(get("/readyz", null).statusCode()).isEqualTo(200);
  }

  @Test
  void theOpsApiNeedsTheBearerToken() throws Exception {
    HttpResponse<String> r = get("/api/v1/devices", null);
    assertThat(r.statusCode()).isEqualTo(401);
    assertThat(r.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));
    assertThat(get("/api/v1/devices", "nope-" + TOKEN).statusCode()).isEqualTo(401);
    assertThat(get("/api/v1/devices", TOKEN).statusCode()).isEqualTo(200);
  }

  @Test
  void badInputGetsAClearError() throws Exception {
    assertError(post("/api/v1/claim-tokens", "{not json", TOKEN), 400, "bad_request");
    assertError(post("/api/v1/claim-tokens", "{\"group\":\"UPPER case\"}", TOKEN), 400, "bad_request");
    assertError(post("/api/v1/claim-tokens", "{\"group\":\"ok-group\",\"ttlSeconds\":-5}", TOKEN), 400, "bad_request");
    assertError(get("/api/v1/devices/d-nosuchdevice", TOKEN), 404, "not_found");
    assertError(get("/api/v1/devices/..%2F..%2Fetc", TOKEN), 400, "bad_request");
    assertError(get("/api/v1/devices?online=maybe", TOKEN), 400, "bad_request");
    assertError(post("/api/v1/devices/d-nosuchdevice/revoke", "{\"reason\":\"x\"}", TOKEN), 404, "not_found");
    assertError(post("/api/v1/devices/d-nosuchdevice/revoke", "{}", TOKEN), 400, "bad_request");
    assertError(post("/api/v1/claim-tokens", "{\"group\":\"" + "a".repeat(70_000) + "\"}", TOKEN), 413, "too_large");
    assertError(get("/no/such/endpoint", TOKEN), 404, "not_found");
  }

  @Test
  void aMintedTokenComesWithAClaimBundlePinnedToThisHub() throws Exception {
    HttpResponse<String> r = post("/api/v1/claim-tokens", "{\"group\":\"north-dealers\",\"ttlSeconds\":60}", TOKEN);
    assertThat(r.statusCode()).isEqualTo(201);
    JsonNode b = WireCodec.mapper().readTree(r.body());
    assertThat(b.path("token").asText()).startsWith("fct_");
    assertThat(b.path("claimBundle").path("token").asText()).isEqualTo(b.path("token").asText());
    assertThat(b.path("claimBundle").path("caFingerprint").asText()).hasSize(64);
    JsonNode audit = WireCodec.mapper().readTree(get("/api/v1/audit?subject=" + b.path("tokenId").asText(), TOKEN).body());
    assertThat(audit.path("events").findValuesAsText("action")).contains("claim-token.mint");
  }

  private static void assertError(HttpResponse<String> r, int status, String code) throws Exception {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
    JsonNode b = WireCodec.mapper().readTree(r.body());
    assertThat(b.path("error").asText()).isEqualTo(code);
    assertThat(b.path("message").asText()).isNotBlank();
  }

  @Test
  void aConsoleSessionIsAHardenedCookieThatNeedsItsCsrfTokenAndANewPasswordFirst() throws Exception {
    String otp = java.nio.file.Files.readString(dir.resolve("hub").resolve("console-admin-password")).strip();
    String login = "{\"username\":\"admin\",\"password\":\"" + otp + "\"}";
    assertError(send("POST", "/api/v1/session", login, "text/plain", null, null), 415, "unsupported_media_type");
    assertError(send("POST", "/api/v1/session", "{\"username\":\"admin\",\"password\":\"wrong password\"}",
        "application/json", null, null), 403, "bad_credentials");

    HttpResponse<String> in = send("POST", "/api/v1/session", login, "application/json", null, null);
    assertThat(in.statusCode()).isEqualTo(200);
    String setCookie = in.headers().firstValue("set-cookie").orElseThrow();
    assertThat(setCookie).startsWith(SessionResolver.COOKIE + "=").contains("HTTPOnly").contains("Secure")
        .contains("SameSite=Strict").contains("Path=/").doesNotContain("Max-Age");
    String cookie = setCookie.substring(0, setCookie.indexOf(';'));
    String csrf = WireCodec.mapper().readTree(in.body()).path("csrfToken").asText();
    assertThat(csrf).hasSize(43);

    assertError(send("GET", "/api/v1/devices", null, null, cookie, null), 403, "password_change_required");
    String change = "{\"currentPassword\":\"" + otp + "\",\"newPassword\":\"a new admin password\"}";
    assertError(send("POST", "/api/v1/session/password", change, "application/json", cookie, null), 403, "csrf_token_invalid");
    assertThat(send("POST", "/api/v1/session/password", change, "application/json", cookie, csrf).statusCode()).isEqualTo(200);
    assertThat(send("GET", "/api/v1/devices", null, null, cookie, null).statusCode()).isEqualTo(200);
    assertError(send("POST", "/api/v1/claim-tokens", "{\"group\":\"g-1\"}", "application/json", cookie, null), 403,
        "csrf_token_invalid");

    HttpResponse<String> page = send("GET", "/console/", null, null, null, null);
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.headers().firstValue("content-security-policy")).hasValueSatisfying(v ->
        assertThat(v).contains("default-src 'none'").contains("script-src 'self'").contains("frame-ancestors 'none'"));
    assertThat(page.body()).contains("app.js");

    assertThat(send("DELETE", "/api/v1/session", null, null, cookie, csrf).statusCode()).isEqualTo(200);
    assertError(send("GET", "/api/v1/devices", null, null, cookie, null), 401, "unauthorized");
  }

  private static HttpResponse<String> send(String method, String path, String body, String type, String cookie, String csrf)
      throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (type != null) {
      b.header("Content-Type", type);
    }
    if (cookie != null) {
      b.header("Cookie", cookie);
    }
    if (csrf != null) {
      b.header(SessionResolver.CSRF_HEADER, csrf);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> get(String path, String token) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).GET();
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> post(String path, String body, String token) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(base + path))
            .header("Authorization", "Bearer " + token)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
