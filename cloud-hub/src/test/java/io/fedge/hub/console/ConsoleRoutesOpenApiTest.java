package io.fedge.hub.console;

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

class ConsoleRoutesOpenApiTest {
  @Test
  void everyConsoleApiRouteAndMethodIsDescribedInTheOpenApiDocument() throws Exception {
    Vertx vertx = Vertx.vertx();
    try (InputStream in = getClass().getResourceAsStream("/openapi.json")) {
      Router r = Router.router(vertx);
      new ConsoleRoutes(null, null, null).mount(r, null);
      Map<String, Set<String>> routed = new HashMap<>();
      for (Route route : r.getRoutes()) {
        String p = route.getPath();
        if (p == null || !p.startsWith("/api/")) {
          continue;
        }
        for (var m : route.methods()) {
          routed.computeIfAbsent(p.replaceAll(":([a-zA-Z]+)", "{$1}"), k -> new HashSet<>()).add(m.name().toLowerCase());
        }
      }
      // Guard: the test found the routes it checks.
      assertThat(routed).containsKeys("/api/v1/session", "/api/v1/users", "/api/v1/users/{name}", "/api/v1/audit/events");
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
