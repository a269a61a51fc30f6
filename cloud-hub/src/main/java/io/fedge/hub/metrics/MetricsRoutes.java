package io.fedge.hub.metrics;

import io.fedge.federation.metrics.BearerToken;
import io.fedge.federation.metrics.PrometheusMetrics;
import io.fedge.hub.api.ApiError;
import io.fedge.hub.api.ApiRoutes;
import io.fedge.hub.api.HttpApi;
import io.fedge.hub.api.OpsAuth;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code GET /metrics}: the Prometheus text format, on the hub's HTTPS port, for a bearer token
 * that is either the ops token or the metrics token (key {@code metrics.token}, so a Prometheus
 * server need not hold the ops token). Store-backed gauges are refreshed off the event loop first.
 */
public final class MetricsRoutes implements ApiRoutes {
  public static final String PATH = "/metrics";

  private final PrometheusMetrics metrics;
  private final HubMetrics hub;
  private final OpsAuth ops;
  private final BearerToken metricsToken;

  /** @param metricsToken null when only the ops token may scrape */
  public MetricsRoutes(PrometheusMetrics metrics, HubMetrics hub, OpsAuth ops, String metricsToken) {
    this.metrics = metrics;
    this.hub = hub;
    this.ops = ops;
    this.metricsToken = metricsToken == null ? null : new BearerToken(metricsToken, "metrics.token");
  }

  @Override
  public void mount(Router router, HttpApi api) {
    router.get(PATH).handler(ctx -> scrape(ctx));
  }

  private void scrape(RoutingContext ctx) {
    String auth = ctx.request().getHeader(HttpHeaders.AUTHORIZATION);
    if (!ops.allows(auth) && (metricsToken == null || !metricsToken.allows(auth))) {
      ctx.response().putHeader("WWW-Authenticate", "Bearer realm=\"fedge-metrics\"");
      HttpApi.error(ctx, new ApiError(401, "unauthorized",
          "send the metrics token (or the ops token) as 'Authorization: Bearer <token>'"));
      return;
    }
    ctx.vertx().executeBlocking(() -> {
      hub.refresh();
      return metrics.scrape();
    }, false).onSuccess(text -> ctx.response()
        .putHeader(HttpHeaders.CONTENT_TYPE, PrometheusMetrics.CONTENT_TYPE)
        .putHeader("Cache-Control", "no-store")
        .end(text)).onFailure(ctx::fail);
  }
}
