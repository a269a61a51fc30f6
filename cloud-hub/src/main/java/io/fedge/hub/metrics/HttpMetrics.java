package io.fedge.hub.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Handler;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * HTTP requests of the hub by method, route and status ({@code fedge_hub_http_requests_seconds}).
 * The route label is the template a request matched ({@code /api/v1/devices/:id}), never the raw
 * path, and {@code unmatched} for paths no route declares, so the label set is the router's route
 * list and no more.
 */
public final class HttpMetrics implements Handler<RoutingContext> {
  private static final Set<String> METHODS = Set.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS");

  private final MeterRegistry registry;
  private volatile List<Template> templates = List.of();

  private record Template(String path, Pattern pattern, int rank) {}

  public HttpMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  /** Measures every request of {@code router}: call once all routes are declared. */
  public void install(Router router) {
    List<Template> t = new ArrayList<>();
    for (Route r : router.getRoutes()) {
      String p = r.getPath();
      if (p != null) {
        t.add(template(r.isExactPath() || p.endsWith("*") ? p : p + "*"));
      }
    }
    t.sort(Comparator.comparingInt(Template::rank));
    templates = List.copyOf(t);
    router.route().order(Integer.MIN_VALUE).handler(this);
  }

  @Override
  public void handle(RoutingContext ctx) {
    long start = System.nanoTime();
    String method = METHODS.contains(ctx.request().method().name()) ? ctx.request().method().name() : "OTHER";
    String route = routeOf(ctx.normalizedPath());
    ctx.addEndHandler(done -> Timer.builder("fedge_hub_http_requests_seconds")
        .description("HTTP requests served by the hub, by method, route template and status")
        .tags("method", method, "route", route, "status", Integer.toString(ctx.response().getStatusCode()))
        .register(registry)
        .record(System.nanoTime() - start, java.util.concurrent.TimeUnit.NANOSECONDS));
    ctx.next();
  }

  /** The declared route template {@code path} falls under, or {@code unmatched}. */
  String routeOf(String path) {
    for (Template t : templates) {
      if (t.pattern.matcher(path).matches()) {
        return t.path;
      }
    }
    return "unmatched";
  }

  private static Template template(String path) {
    boolean wildcard = path.endsWith("*");
    String body = wildcard ? path.substring(0, path.length() - 1) : path;
    List<String> parts = new ArrayList<>();
    int params = 0;
    for (String seg : body.split("/", -1)) {
      if (seg.startsWith(":")) {
        parts.add("[^/]+");
        params++;
      } else {
        parts.add(Pattern.quote(seg));
      }
    }
    // exact paths first, then fewer parameters, then wildcards
    return new Template(path, Pattern.compile(String.join("/", parts) + (wildcard ? ".*" : "")), (wildcard ? 1000 : 0) + params);
  }

}
