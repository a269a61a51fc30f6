package io.fedge.agent.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
import io.fedge.agent.dashboard.auth.DashboardAuth;
import io.fedge.agent.dashboard.backend.DashboardBackend;
import io.fedge.agent.dashboard.backend.QuarantinePage;
import io.fedge.federation.wire.WireCodec;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The dashboard's JSON API behind the session gate: decode, call {@link DashboardBackend}, encode.
 * Blocking backend calls run on worker threads.
 */
final class ApiRoutes {
  private static final int CSV_PAGE = 1000;

  private final DashboardBackend backend;

  ApiRoutes(DashboardBackend backend) {
    this.backend = backend;
  }

  void mount(Router r) {
    r.get("/api/status").blockingHandler(ctx -> Http.json(ctx, 200, backend.status()), false);
    r.get("/api/datasets").blockingHandler(ctx -> {
      Map<String, Object> m = new java.util.LinkedHashMap<>();
      m.put("datasets", backend.datasets());
      m.put("dropFolder", backend.dropFolder().map(Object::toString).orElse(null));
      Http.json(ctx, 200, m);
    }, false);
    r.get("/api/datasets/:name/rows").blockingHandler(this::rows, false);
    r.get("/api/datasets/:name/quarantine").blockingHandler(this::quarantine, false);
    r.get("/api/datasets/:name/quarantine.csv").blockingHandler(this::quarantineCsv, false);
    r.get("/api/score-jobs/:job/scores.csv").blockingHandler(this::scoresCsv, false);
    r.get("/api/consents").blockingHandler(ctx -> Http.json(ctx, 200, backend.pendingConsents()), false);
    r.get("/api/consents/history").blockingHandler(ctx -> Http.json(ctx, 200, backend.consentHistory()), false);
    r.post("/api/consents/:job/approve").blockingHandler(ctx -> decide(ctx, true), false);
    r.post("/api/consents/:job/refuse").blockingHandler(ctx -> decide(ctx, false), false);
    r.get("/api/training").blockingHandler(ctx -> Http.json(ctx, 200, backend.trainingHistory()), false);
    r.get("/api/updates").blockingHandler(ctx -> Http.json(ctx, 200, backend.updates()), false);
    r.get("/api/receipts").blockingHandler(ctx -> Http.json(ctx, 200, backend.receipts()), false);
  }

  private void rows(RoutingContext ctx) {
    Optional<String> name = datasetName(ctx);
    if (name.isEmpty()) {
      return;
    }
    int limit = intParam(ctx, "limit", 20, 1, 200);
    backend.recentRows(name.get(), limit).ifPresentOrElse(
        p -> Http.json(ctx, 200, p), () -> Http.error(ctx, 404, "There is no dataset named " + name.get() + "."));
  }

  private void quarantine(RoutingContext ctx) {
    Optional<String> name = datasetName(ctx);
    if (name.isEmpty()) {
      return;
    }
    long offset = intParam(ctx, "offset", 0, 0, Integer.MAX_VALUE);
    int limit = intParam(ctx, "limit", 50, 1, 500);
    backend.quarantine(name.get(), offset, limit).ifPresentOrElse(
        p -> Http.json(ctx, 200, p), () -> Http.error(ctx, 404, "There is no dataset named " + name.get() + "."));
  }

  /** Streams every quarantined row as CSV, page by page, waiting for each page to be written. */
  private void quarantineCsv(RoutingContext ctx) {
    Optional<String> name = datasetName(ctx);
    if (name.isEmpty()) {
      return;
    }
    Optional<QuarantinePage> first = backend.quarantine(name.get(), 0, CSV_PAGE);
    if (first.isEmpty()) {
      Http.error(ctx, 404, "There is no dataset named " + name.get() + ".");
      return;
    }
    HttpServerResponse res = ctx.response();
    String file = "quarantine-" + name.get().replaceAll("[^A-Za-z0-9._-]", "_") + ".csv";
    res.setChunked(true)
        .putHeader(HttpHeaders.CONTENT_TYPE, "text/csv; charset=utf-8")
        .putHeader("Content-Disposition", "attachment; filename=\"" + file + "\"");
    try {
      await(res.write(Csv.row(List.of("file", "line", "reason", "raw", "at"))));
      QuarantinePage page = first.get();
      long offset = 0;
      while (!page.rows().isEmpty()) {
        StringBuilder sb = new StringBuilder();
        for (QuarantinePage.QuarantinedRow q : page.rows()) {
          sb.append(Csv.row(List.of(q.file(), Long.toString(q.line()), q.reason(), q.raw(), String.valueOf(q.at()))));
        }
        await(res.write(sb.toString()));
        offset += page.rows().size();
        if (offset >= page.total()) {
          break;
        }
        page = backend.quarantine(name.get(), offset, CSV_PAGE).orElseThrow();
      }
      res.end();
    } catch (Exception e) {
      res.reset(); // the download is cut rather than silently short
    }
  }

  /**
   * Streams the scores of a batch-scoring job this appliance drove as guest, as CSV, page by page;
   * 404 where there are none (on a host, or before the job stored a chunk).
   */
  private void scoresCsv(RoutingContext ctx) {
    String job = ctx.pathParam("job");
    if (job == null || job.isEmpty() || job.length() > 128 || job.chars().anyMatch(Character::isISOControl)) {
      Http.error(ctx, 400, "That job id is not valid.");
      return;
    }
    Optional<DashboardBackend.ScoresPage> first = backend.scores(job, 0, CSV_PAGE);
    if (first.isEmpty()) {
      Http.error(ctx, 404, "This appliance holds no scores of job " + job + ".");
      return;
    }
    HttpServerResponse res = ctx.response();
    String file = first.get().dataset().replaceAll("[^A-Za-z0-9._-]", "_") + ".csv";
    res.setChunked(true)
        .putHeader(HttpHeaders.CONTENT_TYPE, "text/csv; charset=utf-8")
        .putHeader("Content-Disposition", "attachment; filename=\"" + file + "\"");
    try {
      await(res.write(Csv.row(first.get().columns())));
      DashboardBackend.ScoresPage page = first.get();
      while (!page.rows().isEmpty()) {
        StringBuilder sb = new StringBuilder();
        for (List<String> row : page.rows()) {
          sb.append(Csv.row(row));
        }
        await(res.write(sb.toString()));
        page = backend.scores(job, page.lastRow(), CSV_PAGE).orElseThrow();
      }
      res.end();
    } catch (Exception e) {
      res.reset(); // the download is cut rather than silently short
    }
  }

  private void decide(RoutingContext ctx, boolean approve) {
    DashboardAuth.Session s = ctx.get(AuthRoutes.SESSION_KEY);
    String job = ctx.pathParam("job");
    if (job == null || job.isEmpty() || job.length() > 128) {
      Http.error(ctx, 400, "That job id is not valid.");
      return;
    }
    try {
      if (approve) {
        Http.json(ctx, 200, backend.approve(job, s.username()));
        return;
      }
      String reason = null;
      try {
        JsonNode body = WireCodec.mapper().readTree(ctx.body().buffer() == null ? new byte[0] : ctx.body().buffer().getBytes());
        reason = body == null || body.get("reason") == null ? null : body.get("reason").asText().strip();
      } catch (IOException e) {
        // answered below as a missing reason
      }
      if (reason == null || reason.isEmpty() || reason.length() > 500) {
        Http.error(ctx, 400, "Give a reason for the refusal (1 to 500 characters); the requester sees it.");
        return;
      }
      Http.json(ctx, 200, backend.refuse(job, s.username(), reason));
    } catch (DashboardBackend.DecisionException e) {
      Http.error(ctx, 409, e.getMessage());
    }
  }

  private static Optional<String> datasetName(RoutingContext ctx) {
    String n = ctx.pathParam("name");
    if (n == null || n.isEmpty() || n.length() > 128 || n.chars().anyMatch(Character::isISOControl)) {
      Http.error(ctx, 400, "That dataset name is not valid.");
      return Optional.empty();
    }
    return Optional.of(n);
  }

  private static int intParam(RoutingContext ctx, String key, int def, int min, int max) {
    String v = ctx.request().getParam(key);
    if (v == null) {
      return def;
    }
    try {
      return Math.max(min, Math.min(max, Integer.parseInt(v)));
    } catch (NumberFormatException e) {
      return def;
    }
  }

  private static void await(io.vertx.core.Future<Void> f) throws Exception {
    f.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
  }

}
