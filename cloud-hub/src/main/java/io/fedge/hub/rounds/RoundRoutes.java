package io.fedge.hub.rounds;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fedge.federation.wire.Ids;
import io.fedge.federation.wire.WireCodec;
import io.fedge.hub.api.ApiError;
import io.fedge.hub.api.ApiRoutes;
import io.fedge.hub.api.HttpApi;
import io.fedge.hub.rounds.RoundRecords.JobRow;
import io.fedge.hub.rounds.RoundRecords.ModelRow;
import io.fedge.hub.rounds.RoundRecords.ParticipantRow;
import io.fedge.hub.rounds.RoundRecords.RoundRow;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Map;

/**
 * Jobs, rounds and models over HTTP (under {@code /api/v1}, ops token required). Decodes, calls
 * the coordinator or the store, encodes; nothing else.
 */
public final class RoundRoutes implements ApiRoutes {
  private final Coordinator coordinator;
  private final RoundStore store;

  RoundRoutes(Coordinator coordinator, RoundStore store) {
    this.coordinator = coordinator;
    this.store = store;
  }

  @Override
  public void mount(Router r, HttpApi api) {
    r.post("/api/v1/jobs").handler(ctx -> api.blocking(ctx, 201, () -> submit(HttpApi.rawBody(ctx))));
    r.get("/api/v1/jobs").handler(ctx -> api.blocking(ctx, 200, this::jobs));
    r.get("/api/v1/jobs/:id").handler(ctx -> api.blocking(ctx, 200, () -> job(id(ctx))));
    r.get("/api/v1/jobs/:id/rounds").handler(ctx -> api.blocking(ctx, 200, () -> rounds(id(ctx))));
    r.get("/api/v1/jobs/:id/progress").handler(ctx -> api.blocking(ctx, 200, () -> progress(id(ctx))));
    r.get("/api/v1/jobs/:id/metrics").handler(ctx -> api.blocking(ctx, 200, () -> metrics(id(ctx))));
    r.post("/api/v1/jobs/:id/cancel").handler(ctx -> api.blocking(ctx, 200, () -> cancel(id(ctx), HttpApi.actor(ctx))));
    r.get("/api/v1/models").handler(ctx -> api.blocking(ctx, 200, this::models));
    r.get("/api/v1/models/:id").handler(ctx -> api.blocking(ctx, 200, () -> model(modelId(ctx))));
    r.get("/api/v1/models/:id/parameters").handler(this::download);
  }

  private Object submit(byte[] body) {
    try {
      return jobJson(coordinator.submit(body));
    } catch (JobParser.InvalidJobException e) {
      throw new ApiError(400, "invalid_job", e.getMessage());
    } catch (Coordinator.JobExistsException e) {
      throw new ApiError(409, "job_exists", e.getMessage());
    }
  }

  private Object jobs() {
    ArrayNode a = WireCodec.mapper().createArrayNode();
    store.jobs().forEach(j -> a.add(summary(j)));
    return Map.of("jobs", a, "count", a.size());
  }

  private Object job(String id) {
    return jobJson(store.job(id).orElseThrow(() -> ApiError.notFound("job " + id)));
  }

  private ObjectNode summary(JobRow j) {
    ObjectNode n = WireCodec.mapper().createObjectNode();
    n.put("id", j.jobId());
    n.put("state", j.state().name());
    n.put("reason", j.reason());
    n.put("createdAt", j.createdAt().toString());
    n.put("updatedAt", j.updatedAt().toString());
    n.put("nextRound", j.nextRound());
    n.put("modelId", j.modelId());
    return n;
  }

  private ObjectNode jobJson(JobRow j) {
    ObjectNode n = summary(j);
    n.put("consentUntil", j.consentUntil().toString());
    n.set("document", read(j.document()));
    ArrayNode ps = n.putArray("participants");
    for (ParticipantRow p : store.participants(j.jobId())) {
      ObjectNode o = ps.addObject();
      o.put("deviceId", p.deviceId());
      o.put("consent", p.consent());
      o.put("reason", p.reason());
      o.put("decidedBy", p.decidedBy());
      o.put("decidedAt", p.decidedAt() == null ? null : p.decidedAt().toString());
    }
    if (j.scalerJson() != null) {
      n.set("scaler", read(j.scalerJson()));
    }
    return n;
  }

  private Object rounds(String id) {
    store.job(id).orElseThrow(() -> ApiError.notFound("job " + id));
    ArrayNode a = WireCodec.mapper().createArrayNode();
    for (RoundRow r : store.rounds(id)) {
      ObjectNode o = a.addObject();
      o.put("round", r.round());
      o.put("attempt", r.attempt());
      o.put("phase", r.phase());
      o.put("state", r.state().name());
      o.put("startedAt", r.startedAt().toString());
      o.put("deadline", r.deadline().toString());
      o.put("endedAt", r.endedAt() == null ? null : r.endedAt().toString());
      o.put("reason", r.reason());
      o.put("aggregateSha256", r.aggregateSha256());
      if (r.digestJson() != null) {
        o.set("digest", read(r.digestJson()));
      }
    }
    return Map.of("job", id, "rounds", a);
  }

  private Object progress(String id) {
    JobRow j = store.job(id).orElseThrow(() -> ApiError.notFound("job " + id));
    ObjectNode n = WireCodec.mapper().createObjectNode();
    n.put("job", id);
    n.put("state", j.state().name());
    n.put("nextRound", j.nextRound());
    n.put("totalRounds", read(j.document()).path("rounds").asInt(0));
    RoundProgress p = coordinator.progress(id).orElse(null);
    if (p == null) {
      n.putNull("open");
      return n;
    }
    ObjectNode o = n.putObject("open");
    o.put("round", p.round());
    o.put("attempt", p.attempt());
    o.put("phase", p.phase());
    o.put("state", p.state());
    o.put("secure", p.secure());
    o.put("startedAt", p.startedAt().toString());
    o.put("deadline", p.deadline().toString());
    o.put("phaseDeadline", p.phaseDeadline().toString());
    o.set("invited", WireCodec.mapper().valueToTree(p.invited()));
    o.set("uploaded", WireCodec.mapper().valueToTree(p.uploaded()));
    o.set("declined", WireCodec.mapper().valueToTree(p.declined()));
    o.set("waiting", WireCodec.mapper().valueToTree(p.waiting()));
    if (p.secure()) {
      o.set("advertised", WireCodec.mapper().valueToTree(p.advertised()));
      o.set("shared", WireCodec.mapper().valueToTree(p.shared()));
      o.set("unmasked", WireCodec.mapper().valueToTree(p.unmasked()));
    }
    return n;
  }

  private Object metrics(String id) {
    store.job(id).orElseThrow(() -> ApiError.notFound("job " + id));
    MetricsHistory h = MetricsHistory.of(store.rounds(id));
    return Map.of("job", id, "rounds", h.rounds(), "series", h.series());
  }

  private Object cancel(String id, String actor) {
    JobRow j = store.job(id).orElseThrow(() -> ApiError.notFound("job " + id));
    if (j.state().terminal()) {
      throw new ApiError(409, "job_over", "job " + id + " is already " + j.state() + "; nothing to cancel");
    }
    coordinator.cancel(id, "cancelled by " + actor);
    return jobJson(store.job(id).orElseThrow());
  }

  private Object models() {
    ArrayNode a = WireCodec.mapper().createArrayNode();
    store.models().forEach(m -> a.add(modelJson(m)));
    return Map.of("models", a, "count", a.size());
  }

  private Object model(String id) {
    return modelJson(store.model(id, false).orElseThrow(() -> ApiError.notFound("model " + id)));
  }

  private static ObjectNode modelJson(ModelRow m) {
    ObjectNode o = WireCodec.mapper().createObjectNode();
    o.put("id", m.modelId());
    o.put("job", m.jobId());
    o.put("version", m.version());
    o.put("round", m.round());
    o.put("sha256", m.sha256());
    o.put("createdAt", m.createdAt().toString());
    o.set("spec", read(m.specJson()));
    o.set("metrics", m.metricsJson() == null ? null : read(m.metricsJson()));
    o.set("participants", read(m.participantsJson()));
    o.put("download", "/api/v1/models/" + m.modelId() + "/parameters");
    return o;
  }

  private void download(RoutingContext ctx) {
    String id = modelId(ctx);
    ctx.vertx().<ModelRow>executeBlocking(() -> store.model(id, true).orElseThrow(() -> ApiError.notFound("model " + id)), false)
        .onSuccess(m -> ctx.response()
            .putHeader("Content-Type", "application/octet-stream")
            .putHeader("Content-Disposition", "attachment; filename=\"" + m.modelId() + ".f64\"")
            .putHeader("ETag", "\"" + m.sha256() + "\"")
            .putHeader("X-Fedge-SHA256", m.sha256())
            .end(Buffer.buffer(m.parameters())))
        .onFailure(ctx::fail);
  }

  private static String id(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    if (!Ids.isValid(id)) {
      throw ApiError.badRequest("job ids are 3-64 characters of [a-z0-9-]");
    }
    return id;
  }

  private static String modelId(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    if (id == null || !id.matches("[a-z0-9][a-z0-9-]{2,63}-v[0-9]{1,6}")) {
      throw ApiError.badRequest("model ids look like <job id>-v<version>");
    }
    return id;
  }

  private static JsonNode read(String json) {
    return Coordinator.read(json, JsonNode.class);
  }
}
