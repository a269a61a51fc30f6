package io.fedge.hub.vertical;

import com.fasterxml.jackson.databind.JsonNode;
import io.fedge.hub.api.ApiError;
import io.fedge.hub.api.ApiRoutes;
import io.fedge.hub.api.HttpApi;
import io.vertx.ext.web.Router;
import io.fedge.federation.vertical.MulticlassMetrics;
import io.fedge.federation.vertical.Objective;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Vertical jobs and online scoring over HTTP (under {@code /api/v1}, ops token required). Decodes,
 * calls {@link VerticalJobs}, encodes.
 */
public final class VerticalRoutes implements ApiRoutes {
  private static final int MAX_SCORE_IDS = 1000;
  private final VerticalJobs jobs;

  public VerticalRoutes(VerticalJobs jobs) {
    this.jobs = jobs;
  }

  @Override
  public void mount(Router r, HttpApi api) {
    r.get("/api/v1/vertical-jobs").handler(ctx -> api.blocking(ctx, 200, () -> Map.of("jobs", jobs.list())));
    r.post("/api/v1/vertical-jobs").handler(ctx -> api.blocking(ctx, 201, () -> submit(HttpApi.rawBody(ctx))));
    r.get("/api/v1/vertical-jobs/:id").handler(ctx -> api.blocking(ctx, 200,
        () -> jobs.view(ctx.pathParam("id")).orElseThrow(() -> ApiError.notFound("vertical job " + ctx.pathParam("id")))));
    r.post("/api/v1/models/:id/score").handler(ctx -> api.blocking(ctx, 200,
        () -> score(ctx.pathParam("id"), HttpApi.body(ctx))));
    new ScoreRoutes(() -> jobs.scoreJobs()).mount(r, api);
  }

  private Object submit(byte[] body) {
    try {
      return jobs.submit(body);
    } catch (VerticalSpec.InvalidVerticalJobException e) {
      throw new ApiError(400, "invalid_job", e.getMessage());
    } catch (IllegalStateException e) {
      throw new ApiError(409, "job_exists", e.getMessage());
    }
  }

  private Object score(String modelId, JsonNode body) throws Exception {
    List<String> ids = new ArrayList<>();
    if (body != null && body.path("id").isTextual()) {
      ids.add(body.get("id").asText());
    } else if (body != null && body.path("ids").isArray() && !body.get("ids").isEmpty()
        && body.get("ids").size() <= MAX_SCORE_IDS) {
      body.get("ids").forEach(n -> ids.add(n.asText()));
    } else {
      throw ApiError.badRequest("send {\"id\": \"<customer id>\"} or {\"ids\": [...]} with 1 to " + MAX_SCORE_IDS + " ids");
    }
    try {
      VerticalJobs.Scored s = jobs.score(modelId, ids, 30_000);
      Map<String, Object> out = new LinkedHashMap<>();
      out.put("modelId", s.modelId());
      out.put("ids", s.ids());
      Objective objective = jobs.objectiveOf(s.modelId());
      double[] p = s.probabilities();
      if (objective.kind() == Objective.Kind.REGRESSION) {
        out.put("predictions", p);
        if (p.length == 1) {
          out.put("prediction", p[0]);
        }
      } else if (objective.kind() == Objective.Kind.MULTICLASS) {
        // row-major ids x K from the guest; one row of class probabilities per id, and the argmax
        int k = objective.classes();
        List<double[]> rows = new ArrayList<>();
        for (int i = 0; i < p.length / k; i++) {
          rows.add(java.util.Arrays.copyOfRange(p, i * k, (i + 1) * k));
        }
        out.put("probabilities", rows);
        out.put("classes", MulticlassMetrics.argmax(p, k));
      } else {
        out.put("probabilities", p);
        if (p.length == 1) {
          out.put("probability", p[0]);
        }
      }
      out.put("latencyMs", s.latencyMs());
      return out;
    } catch (java.util.NoSuchElementException e) {
      throw ApiError.notFound(e.getMessage());
    } catch (IllegalArgumentException | io.fedge.federation.vertical.VerticalException e) {
      throw new ApiError(422, "cannot_score", e.getMessage());
    } catch (java.util.concurrent.TimeoutException e) {
      throw new ApiError(504, "score_timeout", "the parties did not answer within 30 s; check that they are online");
    }
  }
}
