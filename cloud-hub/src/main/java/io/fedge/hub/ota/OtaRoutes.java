package io.fedge.hub.ota;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fedge.federation.wire.Ids;
import io.fedge.federation.wire.WireCodec;
import io.fedge.hub.api.ApiError;
import io.fedge.hub.api.ApiRoutes;
import io.fedge.hub.api.HttpApi;
import io.fedge.hub.api.OpsAuth;
import io.fedge.ota.tuf.TufException;
import io.vertx.core.Vertx;
import io.vertx.core.file.OpenOptions;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * OTA over HTTP: thin adapters onto {@link ReleaseService} and {@link CampaignEngine}.
 *
 * <ul>
 *   <li>ops (bearer token): {@code PUT /api/v1/ota/targets/{name}} (streamed), {@code POST/GET
 *       /api/v1/releases}, {@code POST/GET /api/v1/campaigns[/{id}[/pause|resume|cancel]]},
 *       device and group profiles (time zone, tags)
 *   <li>devices (client certificate): {@code GET /ota/v1/metadata/{name}}, {@code GET
 *       /ota/v1/targets/{name}} with single-range {@code Range: bytes=N-[M]}
 * </ul>
 */
public final class OtaRoutes implements ApiRoutes {
  private static final ObjectMapper JSON = WireCodec.mapper();
  private static final Pattern RANGE = Pattern.compile("bytes=([0-9]{1,18})-([0-9]{0,18})");
  private static final Pattern META = Pattern.compile("([0-9]{1,9}\\.)?(root|timestamp|snapshot|targets)\\.json");

  private final Vertx vertx;
  private final ReleaseService releases;
  private final CampaignEngine campaigns;
  private final OtaStore store;
  private final OpsAuth auth;
  private final Function<X509Certificate, String> deviceGate;
  private final Path uploads;
  private final Map<String, AtomicLong> served = new ConcurrentHashMap<>();

  /** @param deviceGate the device id of a valid, enrolled, unrevoked device certificate; throws ApiError otherwise */
  public OtaRoutes(Vertx vertx, ReleaseService releases, CampaignEngine campaigns, OtaStore store, OpsAuth auth,
      Function<X509Certificate, String> deviceGate, Path uploads) {
    this.vertx = vertx;
    this.releases = releases;
    this.campaigns = campaigns;
    this.store = store;
    this.auth = auth;
    this.deviceGate = deviceGate;
    this.uploads = uploads;
  }

  @Override
  public void mount(Router r, HttpApi api) {
    // Streamed upload: ordered before the hub's 64 KiB body handler, so it checks the token itself.
    r.put("/api/v1/ota/targets/:name").order(-1).handler(this::upload);
    r.post("/api/v1/releases").handler(ctx -> api.blocking(ctx, 201, guard(() -> publish(HttpApi.body(ctx)))));
    r.get("/api/v1/releases").handler(ctx -> api.blocking(ctx, 200, guard(this::listReleases)));
    r.get("/api/v1/releases/:target/downloads").handler(ctx -> api.blocking(ctx, 200, guard(() -> downloads(ctx.pathParam("target")))));
    r.post("/api/v1/campaigns").handler(ctx -> api.blocking(ctx, 201, guard(() ->
        view(campaigns.create(JSON.treeToValue(HttpApi.body(ctx), CampaignSpec.class), HttpApi.actor(ctx))))));
    r.get("/api/v1/campaigns").handler(ctx -> api.blocking(ctx, 200, guard(this::listCampaigns)));
    r.get("/api/v1/campaigns/:id").handler(ctx -> api.blocking(ctx, 200, guard(() ->
        view(campaigns.view(ctx.pathParam("id")).orElseThrow(() -> ApiError.notFound("campaign " + ctx.pathParam("id")))))));
    r.post("/api/v1/campaigns/:id/pause").handler(ctx -> api.blocking(ctx, 200, guard(() ->
        view(campaigns.pause(ctx.pathParam("id"), HttpApi.actor(ctx))))));
    r.post("/api/v1/campaigns/:id/resume").handler(ctx -> api.blocking(ctx, 200, guard(() ->
        view(campaigns.resume(ctx.pathParam("id"), HttpApi.actor(ctx))))));
    r.post("/api/v1/campaigns/:id/cancel").handler(ctx -> api.blocking(ctx, 200, guard(() ->
        view(campaigns.cancel(ctx.pathParam("id"), HttpApi.actor(ctx))))));
    r.put("/api/v1/ota/devices/:id/profile").handler(ctx -> api.blocking(ctx, 200, guard(() -> deviceProfile(ctx))));
    r.put("/api/v1/ota/groups/:group/profile").handler(ctx -> api.blocking(ctx, 200, guard(() -> groupProfile(ctx))));

    r.get("/ota/v1/metadata/:name").handler(ctx -> api.blocking(ctx, 200, () -> {
      deviceGate.apply(HttpApi.clientCertificate(ctx));
      String name = ctx.pathParam("name");
      if (!META.matcher(name).matches()) {
        throw ApiError.notFound("metadata " + name);
      }
      byte[] b = store.metadata(name).orElseThrow(() -> ApiError.notFound("metadata " + name));
      return JSON.readTree(b);
    }));
    r.get("/ota/v1/targets/:name").handler(this::serveTarget);
  }

  // ---- devices ----

  private void serveTarget(RoutingContext ctx) {
    vertx.executeBlocking(() -> {
      String device = deviceGate.apply(HttpApi.clientCertificate(ctx));
      Path f;
      try {
        f = releases.targetFile(ctx.pathParam("name"));
      } catch (TufException e) {
        throw ApiError.notFound("target");
      }
      if (!Files.isRegularFile(f) || store.release(ctx.pathParam("name")).isEmpty()) {
        throw ApiError.notFound("target " + ctx.pathParam("name"));
      }
      return new Object[] {device, f, Files.size(f)};
    }, false).onFailure(ctx::fail).onSuccess(o -> {
      String device = (String) o[0];
      Path f = (Path) o[1];
      long size = (Long) o[2];
      long start = 0;
      long end = size - 1;
      String range = ctx.request().getHeader("Range");
      boolean partial = false;
      if (range != null) {
        Matcher m = RANGE.matcher(range.trim());
        if (!m.matches()) {
          HttpApi.error(ctx, new ApiError(416, "range_not_satisfiable", "only one range 'bytes=N-' or 'bytes=N-M' is served"));
          return;
        }
        start = Long.parseLong(m.group(1));
        if (!m.group(2).isEmpty()) {
          end = Math.min(end, Long.parseLong(m.group(2)));
        }
        if (start >= size || start > end) {
          ctx.response().putHeader("Content-Range", "bytes */" + size);
          HttpApi.error(ctx, new ApiError(416, "range_not_satisfiable", "the target has " + size + " bytes"));
          return;
        }
        partial = true;
      }
      long len = end - start + 1;
      served.computeIfAbsent(device + " " + ctx.pathParam("name"), k -> new AtomicLong()).addAndGet(len);
      ctx.response()
          .setStatusCode(partial ? 206 : 200)
          .putHeader(HttpHeaders.CONTENT_TYPE, "application/octet-stream")
          .putHeader("Accept-Ranges", "bytes");
      if (partial) {
        ctx.response().putHeader("Content-Range", "bytes " + start + "-" + end + "/" + size);
      }
      ctx.response().sendFile(f.toString(), start, len);
    });
  }

  // ---- ops ----

  private void upload(RoutingContext ctx) {
    if (!auth.allows(ctx.request().getHeader(HttpHeaders.AUTHORIZATION))) {
      ctx.response().putHeader("WWW-Authenticate", "Bearer realm=\"fedge\"");
      HttpApi.error(ctx, new ApiError(401, "unauthorized", "send the ops token as 'Authorization: Bearer <token>'"));
      return;
    }
    String name = ctx.pathParam("name");
    if (ctx.request().getHeader(HttpHeaders.CONTENT_LENGTH) == null) {
      HttpApi.error(ctx, new ApiError(411, "length_required", "send the target with a Content-Length"));
      return;
    }
    ctx.request().pause();
    Path tmp = uploads.resolve("upload-" + UUID.randomUUID());
    vertx.fileSystem().mkdirs(uploads.toString())
        .compose(v -> vertx.fileSystem().open(tmp.toString(), new OpenOptions().setCreateNew(true).setWrite(true)))
        .compose(file -> ctx.request().pipeTo(file))
        .compose(v -> vertx.executeBlocking(() -> {
          try (var in = Files.newInputStream(tmp)) {
            return releases.storeTarget(name, in);
          } catch (TufException e) {
            throw new ApiError(e.reason() == TufException.Reason.LENGTH_EXCEEDED ? 413 : 400, "bad_target", e.getMessage());
          } catch (IllegalStateException e) {
            throw new ApiError(409, "target_exists", e.getMessage());
          } finally {
            Files.deleteIfExists(tmp);
          }
        }, false))
        .onSuccess(created -> HttpApi.json(ctx, created ? 201 : 200, Map.of("target", name, "created", created)))
        .onFailure(t -> {
          vertx.fileSystem().delete(tmp.toString());
          if (t instanceof ApiError e) {
            HttpApi.error(ctx, e);
          } else {
            HttpApi.error(ctx, new ApiError(400, "upload_failed", "the upload did not complete: " + t.getMessage()));
          }
        });
  }

  private Object publish(JsonNode body) throws Exception {
    List<String> roots = new ArrayList<>();
    body.path("roots").forEach(n -> roots.add(n.asText()));
    ReleaseService.Published p = releases.publish(new ReleaseService.Publish(roots, text(body, "targets"),
        text(body, "snapshot"), text(body, "timestamp")));
    return Map.of("targetsVersion", p.targetsVersion(), "published", p.newTargets());
  }

  private static String text(JsonNode body, String field) {
    JsonNode n = body.get(field);
    if (n == null || !n.isTextual()) {
      throw ApiError.badRequest("'" + field + "' must be the metadata file's text");
    }
    return n.asText();
  }

  private Object listReleases() {
    List<OtaStore.Release> list = store.releases();
    return Map.of("releases", list, "count", list.size());
  }

  private Object downloads(String target) {
    List<Map<String, Object>> out = new ArrayList<>();
    served.forEach((k, v) -> {
      String[] parts = k.split(" ", 2);
      if (parts[1].equals(target)) {
        out.add(Map.of("deviceId", parts[0], "bytesRequested", v.get()));
      }
    });
    return Map.of("target", target, "downloads", out);
  }

  private Object listCampaigns() {
    List<Map<String, Object>> out = new ArrayList<>();
    for (OtaStore.CampaignRow c : store.campaigns()) {
      out.add(summary(c));
    }
    return Map.of("campaigns", out, "count", out.size());
  }

  private static Map<String, Object> summary(OtaStore.CampaignRow c) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", c.id());
    m.put("target", c.target());
    m.put("version", c.version());
    m.put("state", c.state());
    m.put("wave", c.wave());
    m.put("reason", c.reason());
    m.put("createdAt", c.createdAt().toString());
    m.put("updatedAt", c.updatedAt().toString());
    return m;
  }

  private static Object view(CampaignEngine.View v) {
    Map<String, Object> m = summary(v.campaign());
    m.put("spec", v.spec());
    m.put("counts", v.counts());
    List<Map<String, Object>> devices = new ArrayList<>();
    for (OtaStore.DeviceRow d : v.devices()) {
      Map<String, Object> dm = new LinkedHashMap<>();
      dm.put("deviceId", d.deviceId());
      dm.put("state", d.state());
      dm.put("fromVersion", d.fromVersion());
      dm.put("detail", d.detail());
      dm.put("offeredAt", d.offeredAt() == null ? null : d.offeredAt().toString());
      dm.put("updatedAt", d.updatedAt().toString());
      devices.add(dm);
    }
    m.put("devices", devices);
    m.put("waves", WaveProgress.of(v.spec().normalized().plan(), v.campaign().wave(), v.devices()));
    return m;
  }

  private Object deviceProfile(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    if (!Ids.isValid(id)) {
      throw ApiError.badRequest("device id must be 3-64 characters of [a-z0-9-]");
    }
    JsonNode b = HttpApi.body(ctx);
    String zone = b.hasNonNull("timeZone") ? zone(b.get("timeZone").asText()) : null;
    List<String> tags = new ArrayList<>();
    b.path("tags").forEach(t -> {
      if (!Ids.isValid(t.asText())) {
        throw ApiError.badRequest("tags must be 3-64 characters of [a-z0-9-]");
      }
      tags.add(t.asText());
    });
    store.setDeviceProfile(id, zone, tags);
    return Map.of("deviceId", id, "timeZone", zone == null ? "" : zone, "tags", tags);
  }

  private Object groupProfile(RoutingContext ctx) {
    String group = ctx.pathParam("group");
    if (!Ids.isValid(group)) {
      throw ApiError.badRequest("group must be 3-64 characters of [a-z0-9-]");
    }
    String zone = zone(HttpApi.body(ctx).path("timeZone").asText(null));
    store.setGroupTimeZone(group, zone);
    return Map.of("group", group, "timeZone", zone);
  }

  private static String zone(String z) {
    try {
      return ZoneId.of(z).getId();
    } catch (RuntimeException e) {
      throw ApiError.badRequest("timeZone must be an IANA zone such as Europe/Berlin");
    }
  }

  /** Maps domain refusals to API errors an operator can act on. */
  private static Callable<Object> guard(Callable<Object> work) {
    return () -> {
      try {
        return work.call();
      } catch (TufException e) {
        throw new ApiError(400, "release_refused", e.getMessage());
      } catch (NoSuchElementException e) {
        throw ApiError.notFound(e.getMessage());
      } catch (IllegalStateException e) {
        throw new ApiError(409, "conflict", e.getMessage());
      } catch (IllegalArgumentException e) {
        throw ApiError.badRequest(e.getMessage());
      } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
        throw ApiError.badRequest("the request body does not match the schema: " + e.getOriginalMessage());
      }
    };
  }
}
