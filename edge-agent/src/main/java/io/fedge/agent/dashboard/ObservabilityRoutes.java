package io.fedge.agent.dashboard;

import io.fedge.federation.metrics.BearerToken;
import io.fedge.federation.metrics.PrometheusMetrics;
import io.fedge.federation.metrics.Readiness;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The agent's {@code /readyz} and {@code /metrics} on the dashboard port, outside the dashboard's
 * session gate. {@code /readyz} is public and says only ready or not and which check failed.
 * {@code /metrics} needs the metrics token ({@code metrics.token}) as a bearer token when one is
 * configured; without one it answers loopback clients only (docs/decisions.md).
 */
public final class ObservabilityRoutes implements Consumer<Router> {
  private final PrometheusMetrics metrics;
  private final BearerToken token;
  private final Readiness readiness;

  /**
   * @param metricsToken null to serve /metrics to loopback clients only
   * @param readiness the named checks {@code /readyz} runs
   */
  public ObservabilityRoutes(PrometheusMetrics metrics, String metricsToken, Readiness readiness) {
    this.metrics = metrics;
    this.token = metricsToken == null ? null : new BearerToken(metricsToken, "metrics.token");
    this.readiness = readiness;
  }

  @Override
  public void accept(Router r) {
    r.get("/readyz").handler(this::readyz);
    r.get("/metrics").handler(this::scrape);
  }

  private void readyz(RoutingContext ctx) {
    ctx.vertx().executeBlocking(readiness::results, false).onSuccess(r -> {
      boolean ok = !r.containsValue(false);
      Http.json(ctx, ok ? 200 : 503, Map.of("status", ok ? "ready" : "not_ready", "checks", r));
    }).onFailure(ctx::fail);
  }

  private void scrape(RoutingContext ctx) {
    if (token != null) {
      if (!token.allows(ctx.request().getHeader(HttpHeaders.AUTHORIZATION))) {
        ctx.response().putHeader("WWW-Authenticate", "Bearer realm=\"fedge-agent-metrics\"");
        Http.error(ctx, 401, "Send the metrics token as 'Authorization: Bearer <token>'.");
        return;
      }
    } else if (!fromLoopback(ctx)) {
      Http.error(ctx, 403, "Metrics are served to this machine only; set metrics.token to scrape from elsewhere.");
      return;
    }
    ctx.vertx().executeBlocking(metrics::scrape, false).onSuccess(text -> ctx.response()
        .putHeader(HttpHeaders.CONTENT_TYPE, PrometheusMetrics.CONTENT_TYPE)
        .putHeader("Cache-Control", "no-store")
        .end(text)).onFailure(ctx::fail);
  }

  private static boolean fromLoopback(RoutingContext ctx) {
    if (ctx.request().remoteAddress() == null || ctx.request().remoteAddress().hostAddress() == null) {
      return false;
    }
    try {
      return InetAddress.getByName(ctx.request().remoteAddress().hostAddress()).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }
}
