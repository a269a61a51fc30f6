package io.fedge.agent.dashboard;

import io.fedge.agent.Agent;
import io.fedge.federation.wire.WireCodec;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The dealer's local web page on the appliance's LAN port. For now: status (device, hub
 * connection, certificate, version) and health; the pages of the data and training features hang
 * off the same router.
 */
public final class DashboardServer {
  private final Vertx vertx;
  private final Agent agent;
  private final Buffer indexHtml;

  public DashboardServer(Vertx vertx, Agent agent) {
    this.vertx = vertx;
    this.agent = agent;
    this.indexHtml = resource("/dashboard/index.html");
  }

  /** Starts listening; returns the bound port (useful when {@code port} is 0). */
  public int listen(String bind, int port) {
    Router r = Router.router(vertx);
    r.get("/healthz").handler(ctx -> json(ctx.response(), Map.of("status", "ok")));
    r.get("/api/status").handler(ctx -> json(ctx.response(), agent.status()));
    r.get("/")
        .handler(
            ctx ->
                ctx.response()
                    .putHeader(HttpHeaders.CONTENT_TYPE, "text/html; charset=utf-8")
                    .putHeader("Content-Security-Policy", "default-src 'self'; style-src 'self' 'unsafe-inline'; script-src 'self' 'unsafe-inline'")
                    .putHeader("X-Content-Type-Options", "nosniff")
                    .putHeader("X-Frame-Options", "DENY")
                    .end(indexHtml));
    HttpServer server = vertx.createHttpServer().requestHandler(r);
    try {
      return server
          .listen(port, bind)
          .toCompletionStage()
          .toCompletableFuture()
          .get(10, TimeUnit.SECONDS)
          .actualPort();
    } catch (Exception e) {
      throw new IllegalStateException(
          "cannot serve the dashboard on " + bind + ":" + port + " (is the port in use?): " + e.getMessage(), e);
    }
  }

  private static void json(io.vertx.core.http.HttpServerResponse res, Object body) {
    try {
      res.putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
          .putHeader("Cache-Control", "no-store")
          .end(Buffer.buffer(WireCodec.mapper().writeValueAsBytes(body)));
    } catch (IOException e) {
      res.setStatusCode(500).end();
    }
  }

  private static Buffer resource(String path) {
    try (InputStream in = DashboardServer.class.getResourceAsStream(path)) {
      if (in == null) {
        throw new IllegalStateException(path + " missing from the agent's resources");
      }
      return Buffer.buffer(in.readAllBytes());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
