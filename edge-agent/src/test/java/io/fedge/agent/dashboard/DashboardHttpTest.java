package io.fedge.agent.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The dashboard's HTTP contract, byte by byte, against a real agent: the browser test's complement. */
class DashboardHttpTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String PASSWORD = "dealer password 2026";
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @TempDir static Path dir;
  static TestAgent agent;
  static String url;
  static String cookie;
  static String csrf;

  @BeforeAll
  static void pair() throws Exception {
    agent = new TestAgent(dir.resolve("agent"), Map.of());
    url = agent.url();
    HttpResponse<String> r = post("/api/pair", Map.of("code", agent.pairingCode(), "username", "admin", "password", PASSWORD), null, null, null);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    cookie = r.headers().firstValue("set-cookie").orElseThrow();
    HttpResponse<String> s = get("/api/session", cookie.split(";")[0]);
    csrf = JSON.readTree(s.body()).path("csrfToken").asText();
  }

  @AfterAll
  static void stop() {
    agent.close();
  }

  private static String session() {
    return cookie.split(";")[0];
  }

  static HttpResponse<String> get(String path, String cookieHeader) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url + path));
    if (cookieHeader != null) {
      b.header("Cookie", cookieHeader);
    }
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  static HttpResponse<String> post(String path, Object body, String cookieHeader, String csrfToken, String origin) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url + path))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
    if (cookieHeader != null) {
      b.header("Cookie", cookieHeader);
    }
    if (csrfToken != null) {
      b.header("X-CSRF-Token", csrfToken);
    }
    if (origin != null) {
      b.header("Origin", origin);
    }
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void theSessionCookieIsHttpOnlyAndSameSiteStrictWithA256BitId() {
    assertThat(cookie).startsWith("fedge_session=").containsIgnoringCase("HttpOnly").containsIgnoringCase("SameSite=Strict").contains("Path=/");
    assertThat(cookie).doesNotContainIgnoringCase("Secure"); // served over plain HTTP here: Secure would drop it
    String id = session().substring("fedge_session=".length());
    assertThat(java.util.Base64.getUrlDecoder().decode(id)).hasSize(32);
  }

  @Test
  void everyPageAndApiNeedsASessionExceptHealthAndLogin() throws Exception {
    for (String p : List.of("/api/status", "/api/datasets", "/api/consents", "/api/consents/history", "/api/training",
        "/api/training/stream", "/api/updates", "/api/receipts", "/api/session", "/api/datasets/x/quarantine.csv",
        "/api/score-jobs/x/scores.csv")) {
      assertThat(get(p, null).statusCode()).as(p).isEqualTo(401);
      assertThat(get(p, "fedge_session=" + "A".repeat(43)).statusCode()).as(p + " with a made-up session").isEqualTo(401);
    }
    HttpResponse<String> page = get("/", null);
    assertThat(page.statusCode()).isEqualTo(303);
    assertThat(page.headers().firstValue("location")).contains("/login");
    assertThat(get("/healthz", null).statusCode()).isEqualTo(200);
    assertThat(get("/login", null).statusCode()).isEqualTo(200);
    assertThat(get("/api/status", session()).statusCode()).isEqualTo(200);
  }

  @Test
  void aStateChangingRequestWithoutTheCsrfTokenIsRefused() throws Exception {
    HttpResponse<String> none = post("/api/consents/job-1/refuse", Map.of("reason", "no"), session(), null, null);
    assertThat(none.statusCode()).isEqualTo(403);
    assertThat(none.body()).contains("security token");
    HttpResponse<String> wrong = post("/api/consents/job-1/refuse", Map.of("reason", "no"), session(), csrf.substring(1) + "A", null);
    assertThat(wrong.statusCode()).isEqualTo(403);
    HttpResponse<String> logout = post("/api/logout", Map.of(), session(), null, null);
    assertThat(logout.statusCode()).as("forced logout needs the token too").isEqualTo(403);
    // with the token the request reaches the backend, which has no such job
    HttpResponse<String> ok = post("/api/consents/job-1/refuse", Map.of("reason", "no"), session(), csrf, null);
    assertThat(ok.statusCode()).isEqualTo(409);
    assertThat(ok.body()).contains("no job job-1 is known");
  }

  @Test
  void aRequestFromAnotherOriginIsRefusedEvenWithTheToken() throws Exception {
    HttpResponse<String> r = post("/api/consents/job-1/approve", Map.of(), session(), csrf, "http://evil.example");
    assertThat(r.statusCode()).isEqualTo(403);
    assertThat(r.body()).contains("other sites");
    HttpResponse<String> login = post("/api/login", Map.of("username", "admin", "password", PASSWORD), null, null, "http://evil.example");
    assertThat(login.statusCode()).as("login CSRF").isEqualTo(403);
  }

  @Test
  void aLoginFormPostedAsAFormIsRefused() throws Exception {
    HttpRequest req = HttpRequest.newBuilder(URI.create(url + "/api/login"))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString("username=admin&password=x")).build();
    assertThat(HTTP.send(req, HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(415);
  }

  @Test
  void everyAnswerCarriesTheSecurityHeaders() throws Exception {
    for (String p : List.of("/", "/login", "/api/status", "/healthz", "/assets/app.js")) {
      HttpResponse<String> r = get(p, session());
      assertThat(r.headers().firstValue("content-security-policy")).as(p).hasValueSatisfying(csp -> {
        assertThat(csp).contains("script-src 'self'").contains("frame-ancestors 'none'").doesNotContain("unsafe-inline").doesNotContain("unsafe-eval");
      });
      assertThat(r.headers().firstValue("x-frame-options")).as(p).contains("DENY");
      assertThat(r.headers().firstValue("x-content-type-options")).as(p).contains("nosniff");
      assertThat(r.headers().firstValue("referrer-policy")).as(p).contains("no-referrer");
    }
  }

  @Test
  void theApiAnswersWithTheAgentsRealStateWhileEnrolling() throws Exception {
    JsonNode status = JSON.readTree(get("/api/status", session()).body());
    assertThat(status.path("bootStage").asText()).isIn("STARTING", "ENROLLING");
    assertThat(status.path("deviceId").isNull()).isTrue();
    JsonNode datasets = JSON.readTree(get("/api/datasets", session()).body());
    assertThat(datasets.path("datasets").isArray()).isTrue();
    assertThat(datasets.path("datasets")).isEmpty();
    assertThat(get("/api/datasets/nope/rows", session()).statusCode()).isEqualTo(404);
    assertThat(get("/api/datasets/nope/quarantine.csv", session()).statusCode()).isEqualTo(404);
    assertThat(JSON.readTree(get("/api/updates", session()).body())).isEmpty();
    assertThat(JSON.readTree(get("/api/receipts", session()).body())).isEmpty();
  }

  @Test
  void theScoresOfABatchScoringJobDownloadAsCsvAcrossPagesAndUnknownJobsAre404() throws Exception {
    io.fedge.agent.data.Schema schema = new io.fedge.agent.data.Schema(List.of(
        new io.fedge.agent.data.Column("psi_id", io.fedge.agent.data.ColumnType.STRING),
        new io.fedge.agent.data.Column("score", io.fedge.agent.data.ColumnType.FLOAT),
        new io.fedge.agent.data.Column("y", io.fedge.agent.data.ColumnType.INT)));
    try (io.fedge.agent.data.DataStore store = io.fedge.agent.data.DataStore.open(
        agent.dataDir().resolve("state").resolve("data.db"))) {
      io.fedge.agent.data.DatasetBatch b = new io.fedge.agent.data.DatasetBatch("churn_scores", "score:churn-scores",
          schema, List.of("psi_id"));
      for (int i = 0; i < 2500; i++) {
        b.add(new Object[] {"c" + i, i / 2500.0, (long) (i % 2)}, "score:churn-scores", i + 1);
      }
      b.commit(store, "score:churn-scores", "scored 2500 rows", java.time.Instant.now());
    }
    HttpResponse<String> csv = get("/api/score-jobs/churn-scores/scores.csv", session());
    assertThat(csv.statusCode()).isEqualTo(200);
    assertThat(csv.headers().firstValue("content-type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/csv"));
    assertThat(csv.headers().firstValue("content-disposition")).contains("attachment; filename=\"churn_scores.csv\"");
    List<String> lines = csv.body().lines().toList();
    assertThat(lines).hasSize(2501);
    assertThat(lines.get(0)).isEqualTo("\"psi_id\",\"score\",\"y\"");
    assertThat(lines.get(1)).isEqualTo("\"c0\",\"0.0\",\"0\"");
    assertThat(lines.get(2500)).isEqualTo("\"c2499\",\"" + (2499 / 2500.0) + "\",\"1\"");
    assertThat(get("/api/score-jobs/other-job/scores.csv", session()).statusCode()).isEqualTo(404);
    // a dataset that is not a job's scores is not served by this route
    assertThat(get("/api/score-jobs/churn_scores/scores.csv", session()).statusCode()).isEqualTo(404);
  }

  @Test
  void theChartLibraryIsServedFromItsWebJar() throws Exception {
    HttpResponse<String> r = get("/assets/vendor/chart.umd.js", null);
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("content-type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/javascript"));
    assertThat(r.body()).contains("Chart.js v4");
  }
}
