package io.fedge.hub.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A real Vert.x router and server: requests are labelled by route template, never by raw path. */
class HttpMetricsTest {
  private Vertx vertx;
  private HttpServer server;
  private final MeterRegistry registry = new SimpleMeterRegistry();
  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeEach
  void setUp() throws Exception {
    vertx = Vertx.vertx();
    Router r = Router.router(vertx);
    r.get("/healthz").handler(ctx -> ctx.response().end("ok"));
    r.route("/api/v1/*").handler(ctx -> {
      if (ctx.request().getHeader("Authorization") == null) {
        ctx.response().setStatusCode(401).end();
      } else {
        ctx.next();
      }
    });
    r.get("/api/v1/devices").handler(ctx -> ctx.response().end("[]"));
    r.get("/api/v1/devices/:id").handler(ctx -> ctx.response().end(ctx.pathParam("id")));
    r.post("/api/v1/devices/:id/revoke").handler(ctx -> ctx.response().setStatusCode(409).end());
    r.route().last().handler(ctx -> ctx.response().setStatusCode(404).end());
    new HttpMetrics(registry).install(r);
    server = vertx.createHttpServer().requestHandler(r).listen(0, "127.0.0.1")
        .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @AfterEach
  void tearDown() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void requestsAreCountedByMethodRouteTemplateAndStatus() throws Exception {
    get("/healthz", true);
    get("/api/v1/devices/d-aaaaaaaaaaaaaaaaaaaa", true);
    get("/api/v1/devices/d-bbbbbbbbbbbbbbbbbbbb", true);
    get("/api/v1/devices", true);
    get("/api/v1/devices", false);
    send("POST", "/api/v1/devices/d-aaaaaaaaaaaaaaaaaaaa/revoke");

    assertThat(count("GET", "/healthz", "200")).isEqualTo(1);
    assertThat(count("GET", "/api/v1/devices/:id", "200")).isEqualTo(2);
    assertThat(count("GET", "/api/v1/devices", "200")).isEqualTo(1);
    assertThat(count("GET", "/api/v1/devices", "401")).isEqualTo(1);
    assertThat(count("POST", "/api/v1/devices/:id/revoke", "409")).isEqualTo(1);
  }

  @Test
  void pathsNoRouteDeclaresShareTheUnmatchedLabel() throws Exception {
    get("/no/such/thing", true);
    get("/another-" + System.nanoTime(), true);
    get("/api/v1/not-a-route", true);
    assertThat(count("GET", "unmatched", "404")).isEqualTo(2);
    assertThat(count("GET", "/api/v1/*", "404")).isEqualTo(1);
    assertThat(registry.find("fedge_hub_http_requests_seconds").timers())
        .allSatisfy(t -> assertThat(t.getId().getTag("route")).doesNotContain("d-", "no/such", "another-"));
  }

  private double count(String method, String route, String status) {
    var t = registry.find("fedge_hub_http_requests_seconds").tags("method", method, "route", route, "status", status).timer();
    return t == null ? 0 : t.count();
  }

  private void get(String path, boolean auth) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.actualPort() + path));
    if (auth) {
      b.header("Authorization", "Bearer x");
    }
    http.send(b.build(), HttpResponse.BodyHandlers.discarding());
  }

  private void send(String method, String path) throws Exception {
    http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.actualPort() + path))
        .header("Authorization", "Bearer x").method(method, HttpRequest.BodyPublishers.noBody()).build(),
        HttpResponse.BodyHandlers.discarding());
  }
}
