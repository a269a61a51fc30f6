package io.fedge.hub.rounds;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fedge.federation.wire.WireCodec;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import java.io.InputStream;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RoundRoutesOpenApiTest {
  @Test
  void everyJobAndModelRouteIsDescribedInTheOpenApiDocument() throws Exception {
    Vertx vertx = Vertx.vertx();
    try (InputStream in = getClass().getResourceAsStream("/openapi.json")) {
      Router r = Router.router(vertx);
      new RoundRoutes(null, null).mount(r, null);
      new io.fedge.hub.vertical.VerticalRoutes(null).mount(r, null); // vertical jobs and online scoring
      Map<String, Set<String>> routed = new HashMap<>();
      for (Route route : r.getRoutes()) {
        String p = route.getPath().replaceAll(":([a-zA-Z]+)", "{$1}");
        for (var m : route.methods()) {
          routed.computeIfAbsent(p, k -> new HashSet<>()).add(m.name().toLowerCase());
        }
      }
      // Guard: the test found the routes it checks.
      assertThat(routed).containsKeys("/api/v1/jobs", "/api/v1/jobs/{id}/rounds", "/api/v1/jobs/{id}/progress", "/api/v1/jobs/{id}/metrics", "/api/v1/models/{id}/parameters",
          "/api/v1/vertical-jobs", "/api/v1/vertical-jobs/{id}", "/api/v1/models/{id}/score",
          "/api/v1/models/{id}/score-jobs", "/api/v1/score-jobs", "/api/v1/score-jobs/{id}");
      JsonNode paths = WireCodec.mapper().readTree(in).get("paths");
      routed.forEach((path, methods) -> {
        assertThat(paths.has(path)).as("openapi.json documents %s", path).isTrue();
        methods.forEach(m -> assertThat(paths.get(path).has(m)).as("openapi.json documents %s %s", m, path).isTrue());
      });
    } finally {
      vertx.close();
    }
  }
}
