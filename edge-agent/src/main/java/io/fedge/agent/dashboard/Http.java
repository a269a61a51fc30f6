package io.fedge.agent.dashboard;

import io.fedge.federation.wire.WireCodec;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;

/** Small helpers shared by the dashboard's routes: JSON answers, errors, resources. */
final class Http {
  private Http() {}

  static void json(RoutingContext ctx, int status, Object body) {
    HttpServerResponse res = ctx.response();
    if (res.ended()) {
      return;
    }
    try {
      res.setStatusCode(status)
          .putHeader(HttpHeaders.CONTENT_TYPE, "application/json; charset=utf-8")
          .end(Buffer.buffer(WireCodec.mapper().writeValueAsBytes(body)));
    } catch (IOException e) {
      res.setStatusCode(500).end();
    }
  }

  /** An error the dealer's browser shows as is: what happened and what to do. */
  static void error(RoutingContext ctx, int status, String message) {
    json(ctx, status, Map.of("error", message));
  }

  static Buffer resource(String path) {
    try (InputStream in = Http.class.getResourceAsStream(path)) {
      if (in == null) {
        throw new IllegalStateException(path + " missing from the agent's resources");
      }
      return Buffer.buffer(in.readAllBytes());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The client's address as the socket sees it (no forwarding headers are trusted). */
  static String source(RoutingContext ctx) {
    var a = ctx.request().remoteAddress();
    return a == null ? "unknown" : a.hostAddress();
  }
}
