package io.fedge.hub.api;

import io.vertx.ext.web.Router;

/**
 * One feature's HTTP routes, mounted by {@link HttpApi}. Paths under {@code /api/v1/} already
 * require the ops token; device-facing paths authenticate the client certificate with {@link
 * HttpApi#clientCertificate}. Every route must be documented in {@code openapi.json}.
 */
@FunctionalInterface
public interface ApiRoutes {
  void mount(Router router, HttpApi api);
}
