package io.fedge.hub.vertical;

import io.fedge.hub.api.ApiError;
import io.fedge.hub.api.ApiRoutes;
import io.fedge.hub.api.HttpApi;
import io.vertx.ext.web.Router;
import java.util.Map;

/**
 * Batch-scoring jobs over HTTP (under {@code /api/v1}, ops token required): decode, call
 * {@link ScoreJobs}, encode. The scores themselves are never here: they stay at the guest.
 */
public final class ScoreRoutes implements ApiRoutes {
  private final java.util.function.Supplier<ScoreJobs> jobs;

  /** @param jobs the hub's batch-scoring jobs, looked up per request */
  public ScoreRoutes(java.util.function.Supplier<ScoreJobs> jobs) {
    this.jobs = jobs;
  }

  @Override
  public void mount(Router r, HttpApi api) {
    r.post("/api/v1/models/:id/score-jobs").handler(ctx -> api.blocking(ctx, 201,
        () -> submit(ctx.pathParam("id"), HttpApi.rawBody(ctx))));
    r.get("/api/v1/score-jobs").handler(ctx -> api.blocking(ctx, 200, () -> Map.of("jobs", jobs.get().list())));
    r.get("/api/v1/score-jobs/:id").handler(ctx -> api.blocking(ctx, 200,
        () -> jobs.get().view(ctx.pathParam("id")).orElseThrow(() -> ApiError.notFound("batch-scoring job " + ctx.pathParam("id")))));
  }

  private Object submit(String modelId, byte[] body) {
    try {
      return jobs.get().submit(modelId, body);
    } catch (ScoreJobs.InvalidScoreJobException e) {
      throw switch (e.status()) {
        case 404 -> new ApiError(404, "not_found", e.getMessage());
        case 422 -> new ApiError(422, "cannot_score", e.getMessage());
        default -> new ApiError(400, "invalid_job", e.getMessage());
      };
    } catch (IllegalStateException e) {
      throw new ApiError(409, "job_exists", e.getMessage());
    }
  }
}
