package io.fedge.agent.dashboard;

import io.fedge.agent.dashboard.auth.DashboardAuth;
import io.fedge.agent.dashboard.backend.DashboardBackend;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The dealer's web dashboard on the appliance's LAN port: the pages, their static assets, and the
 * JSON API over {@link DashboardBackend}, all behind {@link DashboardAuth}. Public without a session:
 * {@code /healthz}, the login and pairing pages and their POSTs, and {@code /assets/} (code and
 * styles, no data), plus the {@link #publicRoutes} (readiness, and metrics behind their own token).
 * Everything else needs a session; see docs/dashboard.md.
 */
public final class DashboardServer {
  private static final Logger LOG = LoggerFactory.getLogger(DashboardServer.class);
  private static final Map<String, String> ASSETS =
      Map.of(
          "dashboard.css", "text/css; charset=utf-8",
          "common.js", "text/javascript; charset=utf-8",
          "app.js", "text/javascript; charset=utf-8",
          "login.js", "text/javascript; charset=utf-8",
          "pair.js", "text/javascript; charset=utf-8",
          "logo.svg", "image/svg+xml");

  private final Vertx vertx;
  private final DashboardBackend backend;
  private final DashboardAuth auth;
  private final DashboardSettings settings;
  private final Buffer appHtml = Http.resource("/dashboard/app.html");
  private final Buffer chartJs = Http.resource(chartJsPath());
  private final Map<String, Buffer> assets;
  private TrainingStream training;
  private final java.util.List<java.util.function.Consumer<Router>> publicRoutes = new java.util.ArrayList<>();

  public DashboardServer(Vertx vertx, DashboardBackend backend, DashboardAuth auth, DashboardSettings settings) {
    this.vertx = vertx;
    this.backend = backend;
    this.auth = auth;
    this.settings = settings;
    java.util.HashMap<String, Buffer> a = new java.util.HashMap<>();
    ASSETS.keySet().forEach(k -> a.put(k, Http.resource("/dashboard/" + k)));
    this.assets = Map.copyOf(a);
  }

  /** "https" when the dashboard has a TLS certificate, else "http". */
  public String scheme() {
    return settings.tls() ? "https" : "http";
  }

  /** Adds routes served without a session (readiness, metrics with their own check); call before {@link #listen}. */
  public DashboardServer publicRoutes(java.util.function.Consumer<Router> routes) {
    publicRoutes.add(routes);
    return this;
  }

  /** Starts listening; returns the bound port (useful when {@code port} is 0). */
  public int listen(String bind, int port) {
    Router r = Router.router(vertx);
    r.route().handler(new SecurityHeaders(settings.tls()));
    r.get("/healthz").handler(ctx -> Http.json(ctx, 200, Map.of("status", "ok", "bootStage", String.valueOf(backend.status().get("bootStage")))));
    publicRoutes.forEach(p -> p.accept(r));
    r.get("/assets/vendor/chart.umd.js").handler(ctx -> asset(ctx, chartJs, "text/javascript; charset=utf-8"));
    r.get("/assets/:file").handler(this::asset);
    AuthRoutes authRoutes = new AuthRoutes(auth, settings.tls());
    authRoutes.mountPublic(r);
    authRoutes.mountGate(r);
    r.get("/").handler(ctx -> AuthRoutes.html(ctx, appHtml));
    training = new TrainingStream(vertx, backend);
    r.get("/api/training/stream").handler(ctx -> training.handle(ctx, () -> authRoutes.session(ctx, false).isPresent()));
    new ApiRoutes(backend).mount(r);
    r.route("/api/*").handler(ctx -> Http.error(ctx, 404, "No such API: " + ctx.request().path()));
    r.route().failureHandler(ctx -> {
      int code = ctx.statusCode() > 0 ? ctx.statusCode() : 500;
      if (code >= 500) {
        LOG.error("dashboard request {} failed", ctx.request().path(), ctx.failure());
      }
      Http.error(ctx, code, code == 413 ? "That request is too large." : code >= 500
          ? "The appliance could not answer this request. Try again; if it persists, restart the appliance." : "Bad request.");
    });
    vertx.setPeriodic(10 * 60_000L, id -> vertx.executeBlocking(() -> {
      auth.prune();
      return null;
    }, false));

    HttpServerOptions opts = new HttpServerOptions().setMaxFormAttributeSize(16 * 1024);
    if (settings.tls()) {
      opts.setSsl(true).setKeyCertOptions(
          new PemKeyCertOptions().setCertPath(settings.tlsCert().toString()).setKeyPath(settings.tlsKey().toString()));
    }
    HttpServer server = vertx.createHttpServer(opts).requestHandler(r);
    try {
      return server.listen(port, bind).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS).actualPort();
    } catch (Exception e) {
      throw new IllegalStateException(
          "cannot serve the dashboard on " + bind + ":" + port + " (is the port in use?): " + e.getMessage(), e);
    }
  }

  private void asset(RoutingContext ctx) {
    String f = ctx.pathParam("file");
    Buffer b = assets.get(f);
    if (b == null) {
      ctx.response().setStatusCode(404).end();
      return;
    }
    asset(ctx, b, ASSETS.get(f));
  }

  private static void asset(RoutingContext ctx, Buffer b, String type) {
    ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, type).putHeader("Cache-Control", "no-cache").end(b);
  }

  /** The chart library comes from its WebJar; its version is read from the jar's Maven metadata. */
  private static String chartJsPath() {
    Properties p = new Properties();
    try (InputStream in = DashboardServer.class.getResourceAsStream("/META-INF/maven/org.webjars.npm/chart.js/pom.properties")) {
      if (in == null) {
        throw new IllegalStateException("the chart.js WebJar is missing from the agent's class path");
      }
      p.load(in);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return "/META-INF/resources/webjars/chart.js/" + p.getProperty("version") + "/dist/chart.umd.js";
  }
}
