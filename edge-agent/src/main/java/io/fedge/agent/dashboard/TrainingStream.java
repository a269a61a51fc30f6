package io.fedge.agent.dashboard;

import io.fedge.agent.dashboard.backend.DashboardBackend;
import io.fedge.agent.dashboard.backend.TrainingEvent;
import io.fedge.federation.wire.WireCodec;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Live training progress as Server-Sent Events: first the kept history, then each event as it
 * happens ({@code event: training}). A comment every 15 s keeps proxies from closing the stream and
 * re-checks the session, so a stream ends when its session does. At most {@link #MAX_STREAMS} open
 * streams, so a tab left open in many windows cannot exhaust the appliance.
 */
final class TrainingStream {
  private static final Logger LOG = LoggerFactory.getLogger(TrainingStream.class);
  static final int MAX_STREAMS = 16;

  private final Vertx vertx;
  private final DashboardBackend backend;
  private final AtomicInteger open = new AtomicInteger();

  TrainingStream(Vertx vertx, DashboardBackend backend) {
    this.vertx = vertx;
    this.backend = backend;
  }

  /** Serves one stream; {@code stillValid} tells whether the viewer's session is still alive (blocking). */
  void handle(RoutingContext ctx, BooleanSupplier stillValid) {
    if (open.incrementAndGet() > MAX_STREAMS) {
      open.decrementAndGet();
      Http.error(ctx, 503, "Too many open training views. Close another dashboard tab and reload.");
      return;
    }
    HttpServerResponse res = ctx.response();
    Context context = vertx.getOrCreateContext();
    res.setChunked(true)
        .putHeader(HttpHeaders.CONTENT_TYPE, "text/event-stream; charset=utf-8")
        .putHeader("X-Accel-Buffering", "no");
    res.write(": training progress\n\n");
    for (TrainingEvent e : backend.trainingHistory()) {
      res.write(frame(e));
    }
    AutoCloseable sub = backend.subscribeTraining(e -> context.runOnContext(v -> {
      if (!res.closed() && !res.ended()) {
        res.write(frame(e));
      }
    }));
    long timer = vertx.setPeriodic(15_000, id -> vertx.executeBlocking(() -> stillValid.getAsBoolean(), false)
        .onSuccess(valid -> {
          if (res.closed() || res.ended()) {
            return;
          }
          if (valid) {
            res.write(": keep-alive\n\n");
          } else {
            res.write("event: session-ended\ndata: {}\n\n");
            res.end();
          }
        }));
    res.closeHandler(v -> release(sub, timer));
    res.endHandler(v -> release(sub, timer));
  }

  private void release(AutoCloseable sub, long timer) {
    if (vertx.cancelTimer(timer)) {
      open.decrementAndGet();
      try {
        sub.close();
      } catch (Exception e) {
        LOG.debug("closing a training subscription: {}", e.toString());
      }
    }
  }

  int openStreams() {
    return open.get();
  }

  private static String frame(TrainingEvent e) {
    try {
      return "event: training\ndata: " + WireCodec.mapper().writeValueAsString(e) + "\n\n";
    } catch (Exception ex) {
      return ": unencodable event\n\n";
    }
  }
}
